import type { Context } from 'fabric-contract-api';
import {
    fromBytes,
    invalidArgument,
    notFound,
    requireId,
    requireInteger,
    requireSha1Base64,
    requireSha256Hex,
    requireString,
    toBytes,
} from '../common';
import { loincCheckDigit, LoincCodePattern, LoincSystem } from './codes';
import { EhrKeys } from './keys';
import type { AmendRecordInput, Coding, ErasedRecord, RecordPointer, RegisterRecordInput, StoredRecord } from './types';

/** Largest document a pointer may describe: 4 GiB, beyond any clinical document or imaging series file. */
export const MaxDocumentSize = 4 * 1024 ** 3;

const mediaTypePattern = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;

export function requireLoincType(value: unknown, field: string): Coding {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, 'must be a coding object {system, code}');
    }
    const coding = value as Record<string, unknown>;
    if (coding.display !== undefined) {
        // Arguments stay in every peer's blocks forever, and a label can carry a name or an MRN.
        throw invalidArgument(
            `${field}.display`,
            'free text is not accepted in transaction arguments; send system and code only (display comes from the code)',
        );
    }
    requireOnlyFields(coding, ['system', 'code'], field);
    if (coding.system !== LoincSystem) {
        throw invalidArgument(`${field}.system`, `must be ${LoincSystem}`);
    }
    const code = requireString(coding.code, `${field}.code`, {
        max: 10,
        pattern: LoincCodePattern,
        patternRule: 'must be a LOINC code: digits, "-" and a check digit, e.g. 11506-3',
    });
    const [digits, check] = code.split('-');
    if (loincCheckDigit(digits) !== Number(check)) {
        throw invalidArgument(
            `${field}.code`,
            `LOINC check digit (mod 10) of ${digits} is ${loincCheckDigit(digits)}, not ${check}`,
        );
    }
    // No display text: a free-text label could carry more than the code says.
    return { system: LoincSystem, code };
}

interface DocumentFields {
    type: Coding;
    contentHash: string;
    contentSha1?: string;
    size: number;
    mediaType: string;
    locationDigest: string;
}

function requireDocumentFields(input: Record<string, unknown>, field: string): DocumentFields {
    return {
        type: requireLoincType(input.type, `${field}.type`),
        contentHash: requireSha256Hex(input.contentHash, `${field}.contentHash`),
        // Optional: only who holds the bytes can compute it (FHIR R4 defines Attachment.hash as SHA-1).
        ...(input.contentSha1 === undefined
            ? {}
            : { contentSha1: requireSha1Base64(input.contentSha1, `${field}.contentSha1`) }),
        size: requireInteger(input.size, `${field}.size`, { min: 1, max: MaxDocumentSize }),
        mediaType: requireString(input.mediaType, `${field}.mediaType`, {
            max: 127,
            pattern: mediaTypePattern,
            patternRule: 'must be a lowercase media type such as application/pdf or application/fhir+json',
        }),
        locationDigest: requireSha256Hex(input.locationDigest, `${field}.locationDigest`),
    };
}

const documentFieldNames = ['type', 'contentHash', 'contentSha1', 'size', 'mediaType', 'locationDigest'];

/** Refuses fields outside `allowed`: an unknown field would be kept in the blocks with no rule applied to it. */
export function requireOnlyFields(input: Record<string, unknown>, allowed: readonly string[], field: string): void {
    const extra = Object.keys(input).find((name) => !allowed.includes(name));
    if (extra !== undefined) {
        throw invalidArgument(`${field}.${extra}`, `is not a field of ${field} (allowed: ${allowed.join(', ')})`);
    }
}

export function parseRegisterInput(input: Record<string, unknown>): RegisterRecordInput {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw invalidArgument('record', 'must be an object');
    }
    requireOnlyFields(input, ['id', 'patientId', ...documentFieldNames], 'record');
    return {
        id: requireId(input.id, 'record.id'),
        patientId: requireId(input.patientId, 'record.patientId'),
        ...requireDocumentFields(input, 'record'),
    };
}

export function parseAmendInput(input: Record<string, unknown>): AmendRecordInput {
    requireOnlyFields(input, ['id', 'previousId', ...documentFieldNames], 'record');
    const parsed = {
        id: requireId(input.id, 'record.id'),
        previousId: requireId(input.previousId, 'record.previousId'),
        ...requireDocumentFields(input, 'record'),
    };
    if (parsed.id === parsed.previousId) {
        throw invalidArgument('record.id', 'must differ from record.previousId: a new version gets a new id');
    }
    return parsed;
}

export async function getRecord(ctx: Context, recordId: string): Promise<StoredRecord | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.record(ctx, recordId));
    return bytes && bytes.length > 0 ? fromBytes<StoredRecord>(bytes) : undefined;
}

export async function requireRecord(ctx: Context, recordId: string): Promise<StoredRecord> {
    const record = await getRecord(ctx, recordId);
    if (!record) {
        throw notFound('record', recordId);
    }
    return record;
}

/** Writes a new pointer and its two index entries (callers send them in a write batch: inWriteBatch). */
export async function putNewRecord(ctx: Context, record: RecordPointer): Promise<void> {
    const ref = toBytes({ recordId: record.id });
    await ctx.stub.putState(EhrKeys.record(ctx, record.id), toBytes(record));
    await ctx.stub.putState(EhrKeys.recordByPatient(ctx, record.patientId, record.custodianMsp, record.id), ref);
    await ctx.stub.putState(EhrKeys.recordByCustodian(ctx, record.custodianMsp, record.id), ref);
}

export function isErased(record: StoredRecord): record is ErasedRecord {
    return (record as ErasedRecord).erased === true;
}

export function tombstone(record: RecordPointer, erasureId: string, at: string): ErasedRecord {
    return {
        id: record.id,
        seriesId: record.seriesId,
        version: record.version,
        patientId: record.patientId,
        custodianMsp: record.custodianMsp,
        status: 'entered-in-error',
        contentHash: record.contentHash,
        date: record.date,
        updatedAt: at,
        erased: true,
        erasureId,
    };
}
