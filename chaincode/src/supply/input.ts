import { invalidArgument, requireString } from '../common';
import {
    gs1CheckDigit,
    Gs1Error,
    parseItemIdentifier,
    validateExpiry,
    validateGtin,
    validateLot,
    validateSerial,
    validateSscc,
    type ContainerIdentifier,
    type ItemIdentifier,
    type UnitIdentifier,
} from './gs1';
import { MaxReasonLength } from './limits';
import type { VerificationRequest } from './types';

/**
 * Field rules of the supply domain's inputs: GS1 rules from gs1.ts, reported as
 * INVALID_ARGUMENT naming the argument field and the rule.
 */

/** Runs a gs1.ts check and reports its failure under `field` (`field.gtin`, …, or `field` itself). */
export function gs1Field<T>(field: string, check: () => T, leaf = true): T {
    try {
        return check();
    } catch (error) {
        if (error instanceof Gs1Error) {
            const name = leaf || error.field === 'identifier' ? field : `${field}.${error.field}`;
            throw invalidArgument(name, error.rule);
        }
        throw error;
    }
}

export const requireGtin = (value: unknown, field: string) => gs1Field(field, () => validateGtin(value));
export const requireSscc = (value: unknown, field: string) => gs1Field(field, () => validateSscc(value));
export const requireSerial = (value: unknown, field: string) => gs1Field(field, () => validateSerial(value));
export const requireLot = (value: unknown, field: string) => gs1Field(field, () => validateLot(value));
export const requireExpiry = (value: unknown, field: string) => gs1Field(field, () => validateExpiry(value));

function asRecord(value: unknown, field: string, shape: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, `must be ${shape}`);
    }
    return value as Record<string, unknown>;
}

/**
 * A unit or container: a GS1 element string or Digital Link URI, or `{ gtin, serial }` or
 * `{ sscc }`. Lot and expiry in the identifier are ignored here: custody acts on the SGTIN.
 */
export function requireItem(value: unknown, field: string): ItemIdentifier {
    if (typeof value === 'string') {
        return gs1Field(field, () => parseItemIdentifier(value), false);
    }
    const record = asRecord(value, field, 'a GS1 element string, a Digital Link URI, { gtin, serial } or { sscc }');
    if (record.sscc !== undefined) {
        if (record.gtin !== undefined || record.serial !== undefined) {
            throw invalidArgument(field, 'must name either { sscc } or { gtin, serial }, not both');
        }
        return { kind: 'container', sscc: requireSscc(record.sscc, `${field}.sscc`) };
    }
    return {
        kind: 'unit',
        gtin: requireGtin(record.gtin, `${field}.gtin`),
        serial: requireSerial(record.serial, `${field}.serial`),
    };
}

export function requireUnitItem(value: unknown, field: string): UnitIdentifier {
    const item = requireItem(value, field);
    if (item.kind !== 'unit') {
        throw invalidArgument(field, 'must name a unit (GTIN + serial), not a container');
    }
    return { kind: 'unit', gtin: item.gtin, serial: item.serial };
}

export function requireContainerItem(value: unknown, field: string): ContainerIdentifier {
    const item = requireItem(value, field);
    if (item.kind !== 'container') {
        throw invalidArgument(field, 'must name a container (SSCC), not a unit');
    }
    return item;
}

export function itemId(item: ItemIdentifier): string {
    return item.kind === 'unit' ? `${item.gtin}/${item.serial}` : item.sscc;
}

/** A list of distinct items, 1 to `max`. */
export function requireItems(value: unknown, field: string, max: number): ItemIdentifier[] {
    if (!Array.isArray(value)) {
        throw invalidArgument(field, 'must be an array');
    }
    if (value.length === 0) {
        throw invalidArgument(field, 'must not be empty');
    }
    if (value.length > max) {
        throw invalidArgument(field, `must have at most ${max} items`);
    }
    const seen = new Map<string, number>();
    return value.map((raw, index) => {
        const item = requireItem(raw, `${field}[${index}]`);
        const id = itemId(item);
        const first = seen.get(id);
        if (first !== undefined) {
            throw invalidArgument(`${field}[${index}]`, `repeats ${field}[${first}]`);
        }
        seen.set(id, index);
        return item;
    });
}

/** The product identifier of a verification: element string, Digital Link URI or `{ gtin, serial, lot?, expiry? }`. */
export function requireProductIdentifier(value: unknown, field: string): VerificationRequest {
    if (typeof value === 'string') {
        const item = gs1Field(field, () => parseItemIdentifier(value), false);
        if (item.kind !== 'unit') {
            throw invalidArgument(field, 'must be a product identifier (GTIN + serial), not an SSCC');
        }
        const request: VerificationRequest = { gtin: item.gtin, serial: item.serial };
        if (item.lot !== undefined) request.lot = item.lot;
        if (item.expiry !== undefined) request.expiry = item.expiry;
        return request;
    }
    const record = asRecord(
        value,
        field,
        'a GS1 element string, a Digital Link URI or { gtin, serial, lot?, expiry? }',
    );
    const request: VerificationRequest = {
        gtin: requireGtin(record.gtin, `${field}.gtin`),
        serial: requireSerial(record.serial, `${field}.serial`),
    };
    if (record.lot !== undefined) request.lot = requireLot(record.lot, `${field}.lot`);
    if (record.expiry !== undefined) request.expiry = requireExpiry(record.expiry, `${field}.expiry`);
    return request;
}

/** Free text that explains a decision; codes and references, never personal data. */
export function requireReason(value: unknown, field = 'reason'): string {
    return requireString(value, field, { max: MaxReasonLength });
}

export function requireMspId(value: unknown, field: string): string {
    return requireString(value, field, {
        max: 64,
        pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
        patternRule: 'must be an MSP id: letters, digits, "." and "-"',
    });
}

/** A GLN (13 digits, check digit validated) for a partner's location. */
export function requireGln(value: unknown, field: string): string {
    if (typeof value !== 'string' || !/^\d{13}$/.test(value)) {
        throw invalidArgument(field, 'must be a GLN of exactly 13 digits');
    }
    const expected = gs1CheckDigit(value.slice(0, -1));
    if (expected !== Number(value.slice(-1))) {
        throw invalidArgument(field, `GLN check digit must be ${expected}, got ${value.slice(-1)}`);
    }
    return value;
}

/**
 * A transaction argument that names one item: the identifier string itself (as scanned) or
 * the JSON of `{ gtin, serial }` / `{ sscc }`.
 */
export function itemArgument(raw: string): unknown {
    const trimmed = typeof raw === 'string' ? raw.trim() : raw;
    if (typeof trimmed === 'string' && trimmed.startsWith('{')) {
        try {
            return JSON.parse(trimmed) as unknown;
        } catch {
            return raw;
        }
    }
    return raw;
}
