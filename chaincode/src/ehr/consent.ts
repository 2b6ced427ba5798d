import {
    invalidArgument,
    optionalIsoDate,
    requireArray,
    requireId,
    requireIsoDate,
    requireOneOf,
    requireString,
} from '../common';
import { BreakGlassPurpose, ConsentPurposes, LoincCodePattern } from './codes';
import type { Consent, ConsentScope, DenialReason, GrantConsentInput, Grantee, RecordPointer } from './types';

/**
 * Consent rules as pure functions: parsing a grant, and deciding whether a set of consents
 * admits one read of one record at one instant. The instant is always the transaction's
 * timestamp; nothing here knows a clock.
 */
export const MaxListedRecords = 50;

const mspIdRule = {
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
    patternRule: 'must be an MSP id: letters, digits, "." or "-"',
};

export function requireMspId(value: unknown, field: string): string {
    return requireString(value, field, mspIdRule);
}

export function requireGrantee(value: unknown, field: string): Grantee {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, 'must be an object {mspId, actorId?}');
    }
    const raw = value as Record<string, unknown>;
    const mspId = requireMspId(raw.mspId, `${field}.mspId`);
    if (raw.actorId === undefined || raw.actorId === null || raw.actorId === '') {
        return { mspId };
    }
    return { mspId, actorId: requireId(raw.actorId, `${field}.actorId`) };
}

/** A purpose of use an ordinary read or a consent may name; BTG is reserved for break-glass. */
export function requirePurpose(value: unknown, field: string): string {
    if (value === BreakGlassPurpose) {
        throw invalidArgument(field, 'BTG is reserved for break-glass access and cannot be granted or stated');
    }
    return requireOneOf(value, field, ConsentPurposes);
}

function requireScope(value: unknown, field: string): ConsentScope {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, 'must be an object {kind, ...}');
    }
    const raw = value as Record<string, unknown>;
    const kind = requireOneOf(raw.kind, `${field}.kind`, ['all', 'type', 'records'] as const);
    if (kind === 'all') {
        return { kind };
    }
    if (kind === 'type') {
        const typeCode = requireString(raw.typeCode, `${field}.typeCode`, {
            max: 10,
            pattern: LoincCodePattern,
            patternRule: 'must be a LOINC document type code, e.g. 11506-3',
        });
        return { kind, typeCode };
    }
    const list = requireArray<unknown>(raw.recordIds, `${field}.recordIds`, { min: 1, max: MaxListedRecords });
    const recordIds = list.map((id, index) => requireId(id, `${field}.recordIds[${index}]`));
    const duplicate = recordIds.findIndex((id, index) => recordIds.indexOf(id) !== index);
    if (duplicate >= 0) {
        throw invalidArgument(`${field}.recordIds[${duplicate}]`, 'must not repeat a record id');
    }
    return { kind, recordIds };
}

/** Validates a grant at transaction time `now`: the period must end after it. */
export function parseGrantInput(
    raw: Record<string, unknown>,
    now: Date,
): GrantConsentInput & { period: { start: string; end: string } } {
    const id = requireId(raw.id, 'consent.id');
    const patientId = raw.patientId === undefined ? undefined : requireId(raw.patientId, 'consent.patientId');
    const grantee = requireGrantee(raw.grantee, 'consent.grantee');
    const scope = requireScope(raw.scope, 'consent.scope');
    const purposeList = requireArray<unknown>(raw.purposes, 'consent.purposes', {
        min: 1,
        max: ConsentPurposes.length,
    });
    const purposes = purposeList.map((purpose, index) => requirePurpose(purpose, `consent.purposes[${index}]`));
    const duplicate = purposes.findIndex((purpose, index) => purposes.indexOf(purpose) !== index);
    if (duplicate >= 0) {
        throw invalidArgument(`consent.purposes[${duplicate}]`, 'must not repeat a purpose');
    }
    if (raw.period === null || typeof raw.period !== 'object' || Array.isArray(raw.period)) {
        throw invalidArgument('consent.period', 'must be an object {start?, end}');
    }
    const period = raw.period as Record<string, unknown>;
    const start = optionalIsoDate(period.start, 'consent.period.start') ?? now.toISOString();
    const end = requireIsoDate(period.end, 'consent.period.end');
    if (Date.parse(end) <= Date.parse(start)) {
        throw invalidArgument('consent.period.end', 'must be after consent.period.start');
    }
    if (Date.parse(end) <= now.getTime()) {
        throw invalidArgument('consent.period.end', 'must be after the transaction time');
    }
    return { id, patientId, grantee, scope, purposes, period: { start, end } };
}

export function scopeCovers(scope: ConsentScope, record: RecordPointer): boolean {
    switch (scope.kind) {
        case 'all':
            return true;
        case 'type':
            return scope.typeCode === record.type.code;
        case 'records':
            // A listed id names that version, or — when it is the first version — the whole series.
            return scope.recordIds.includes(record.id) || scope.recordIds.includes(record.seriesId);
    }
}

export function grantsTo(consent: Consent, mspId: string, actorId: string): boolean {
    return (
        consent.grantee.mspId === mspId &&
        (consent.grantee.actorId === undefined || consent.grantee.actorId === actorId)
    );
}

/** Valid at `now`: start inclusive, end exclusive. */
export function inPeriod(consent: Consent, now: Date): boolean {
    const t = now.getTime();
    return Date.parse(consent.period.start) <= t && t < Date.parse(consent.period.end);
}

export type ConsentDecision = { allowed: true; consentId: string } | { allowed: false; reason: DenialReason };

/**
 * Whether any of `consents` (already narrowed to the caller as grantee) admits reading `record`
 * for `purpose` at `now`. Consents are tried in the order given, so the first admitting one is
 * named. When none admits, the reason is the nearest miss: a consent that would fit but for
 * its period, then one that fits but for the purpose, else no consent at all.
 */
export function decideAccess(
    consents: readonly Consent[],
    record: RecordPointer,
    purpose: string,
    now: Date,
): ConsentDecision {
    const live = consents.filter((consent) => consent.status === 'active' && consent.patientId === record.patientId);
    const covering = live.filter((consent) => scopeCovers(consent.scope, record));
    const forPurpose = covering.filter((consent) => consent.purposes.includes(purpose));
    const admitting = forPurpose.find((consent) => inPeriod(consent, now));
    if (admitting) {
        return { allowed: true, consentId: admitting.id };
    }
    if (forPurpose.length > 0) {
        const notYet = forPurpose.every((consent) => now.getTime() < Date.parse(consent.period.start));
        return { allowed: false, reason: notYet ? 'consent-not-yet-valid' : 'consent-expired' };
    }
    if (covering.length > 0) {
        return { allowed: false, reason: 'purpose-not-permitted' };
    }
    return { allowed: false, reason: 'no-consent' };
}
