import { invalidArgument } from '../common/errors';
import { optionalIsoDate, optionalString, requireId, requireOneOf, requireString } from '../common/validation';
import { StatusReasonCodes, type PractitionerRef, type StatusReason } from './types';

/**
 * Field rules of the credentials domain's inputs. General rules live in common/validation.ts;
 * these combine them for the shapes this domain takes.
 */

/** A credential type name: PascalCase, 3–64 letters and digits (e.g. `MedicalLicense`). */
export function requireCredentialType(value: unknown, field: string): string {
    return requireString(value, field, {
        min: 3,
        max: 64,
        pattern: /^[A-Z][A-Za-z0-9]{2,63}$/,
        patternRule: 'must be a PascalCase credential type name of 3-64 letters and digits, e.g. MedicalLicense',
    });
}

export function requireMspId(value: unknown, field: string): string {
    return requireString(value, field, {
        max: 64,
        pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
        patternRule: 'must be an MSP id: letters, digits, "." and "-"',
    });
}

export function requirePractitionerRef(value: unknown, field: string): PractitionerRef {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, 'must be an object { mspId, actorId }');
    }
    const record = value as Record<string, unknown>;
    return {
        mspId: requireMspId(record.mspId, `${field}.mspId`),
        actorId: requireId(record.actorId, `${field}.actorId`),
    };
}

/** A status reason from positional arguments: a code, and optionally a case reference id. */
export function requireReason(code: unknown, reference: unknown, field = 'reason'): StatusReason {
    return {
        code: requireOneOf(code, `${field}Code`, StatusReasonCodes),
        reference:
            optionalString(reference, `${field}Reference`) === undefined
                ? undefined
                : requireId(reference, `${field}Reference`),
    };
}

/** A validity window; `validFrom` defaults to `now`, `validUntil` (exclusive) must follow it. */
export function requireValidityWindow(
    input: { validFrom?: unknown; validUntil?: unknown },
    now: string,
): { validFrom: string; validUntil?: string } {
    const validFrom = optionalIsoDate(input.validFrom, 'validFrom') ?? now;
    const validUntil = optionalIsoDate(input.validUntil, 'validUntil');
    if (validUntil !== undefined && Date.parse(validUntil) <= Date.parse(validFrom)) {
        throw invalidArgument('validUntil', `must be after validFrom ${validFrom}`);
    }
    return { validFrom, validUntil };
}
