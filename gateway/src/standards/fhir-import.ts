import { randomUUID } from 'node:crypto';
import type { NewRecord, RecordAmendment } from '../ehr';
import { AttachmentSha256Extension } from './fhir';

/**
 * A FHIR R4 DocumentReference an EHR POSTs, read into the record pointer it registers. Only what
 * a pointer is made of is taken: the LOINC code of `type` (never `type.text` or a display),
 * `subject` as `Patient/<pseudonymous id>`, the attachment's media type, size, SHA-256 (the
 * documented extension), SHA-1 (`hash`) and `url` (which travels as transient data to the
 * custodian's peers only, as POST /ehr/records does). Free text anywhere else (`description`,
 * `type.text`, displays, contained resources, `context`, `securityLabel`...) is never read,
 * so it cannot reach transaction arguments or state. Each refusal names the field and the rule.
 */
export class FhirImportError extends Error {
    constructor(
        readonly field: string,
        rule: string,
    ) {
        super(`${field} ${rule}`);
    }
}

/** A pointer to register, or a new version of one (`relatesTo` replaces). */
export type ImportedRecord = { kind: 'register'; record: NewRecord } | { kind: 'amend'; record: RecordAmendment };

const LoincSystem = 'http://loinc.org';
const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
const careledgerRecordUrn = /^urn:careledger:record:([A-Za-z0-9\-.]{1,64})$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
    typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, field: string): Json {
    if (!isObject(value)) throw new FhirImportError(field, 'must be an object');
    return value;
}

function reference(value: unknown, type: string, field: string): string {
    const ref = object(value, field).reference;
    const match = typeof ref === 'string' ? new RegExp(`^${type}/([A-Za-z0-9\\-.]{1,64})$`).exec(ref) : null;
    if (!match) {
        throw new FhirImportError(
            `${field}.reference`,
            `must be ${type}/<id> (a pseudonymous id: letters, digits, "-" and ".", at most 64); contained, absolute and identifier references are not accepted`,
        );
    }
    return match[1];
}

function base64Bytes(value: unknown, bytes: number, field: string, what: string): Buffer {
    const decoded =
        typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
    if (!decoded || decoded.length !== bytes || decoded.toString('base64') !== value) {
        throw new FhirImportError(field, `must be the ${what} of the document in base64 (${bytes} bytes)`);
    }
    return decoded;
}

/**
 * Reads a DocumentReference into the pointer it registers. The record id is the CareLedger id in
 * `masterIdentifier` (`urn:careledger:record:<id>`, what this gateway emits) or a fresh
 * `rec-<uuid>`: an EHR's own identifiers may carry an MRN, so they are never copied.
 */
export function importedRecordOf(resource: unknown, field = 'body'): ImportedRecord {
    const doc = object(resource, field);
    if (doc.resourceType !== 'DocumentReference') {
        throw new FhirImportError(`${field}.resourceType`, 'must be DocumentReference');
    }
    if (doc.status !== undefined && doc.status !== 'current') {
        throw new FhirImportError(`${field}.status`, 'must be current: a registered pointer is the current version');
    }
    const master = isObject(doc.masterIdentifier) ? doc.masterIdentifier.value : undefined;
    const ours = typeof master === 'string' ? careledgerRecordUrn.exec(master) : null;
    const id = ours ? ours[1] : `rec-${randomUUID()}`;

    const type = object(doc.type, `${field}.type`);
    const codings = Array.isArray(type.coding) ? type.coding.filter(isObject) : [];
    const loinc = codings.find((c) => c.system === LoincSystem && typeof c.code === 'string');
    if (!loinc) {
        throw new FhirImportError(`${field}.type.coding`, `must hold a coding of ${LoincSystem} (the document type)`);
    }

    const content = Array.isArray(doc.content) ? doc.content : [];
    if (content.length !== 1) {
        throw new FhirImportError(`${field}.content`, 'must hold exactly one attachment (one pointer per document)');
    }
    const attachment = object(object(content[0], `${field}.content.0`).attachment, `${field}.content.0.attachment`);
    const at = `${field}.content.0.attachment`;
    if (attachment.data !== undefined) {
        throw new FhirImportError(
            `${at}.data`,
            'is not accepted: the ledger keeps pointers; send url (or upload the bytes with POST /documents)',
        );
    }
    if (typeof attachment.url !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(attachment.url)) {
        throw new FhirImportError(
            `${at}.url`,
            "must be the document's absolute URL (kept on the custodian's peers only)",
        );
    }
    if (typeof attachment.contentType !== 'string') {
        throw new FhirImportError(`${at}.contentType`, 'is required (a media type such as application/pdf)');
    }
    if (!Number.isInteger(attachment.size) || (attachment.size as number) < 1) {
        throw new FhirImportError(`${at}.size`, 'must be the size of the document in bytes (a positive integer)');
    }
    const extensions = Array.isArray(attachment.extension) ? attachment.extension.filter(isObject) : [];
    const sha256 = extensions.find((e) => e.url === AttachmentSha256Extension);
    if (!sha256) {
        throw new FhirImportError(
            `${at}.extension`,
            `must carry the SHA-256 of the document in the extension ${AttachmentSha256Extension} (valueBase64Binary)`,
        );
    }
    const contentHash = base64Bytes(
        sha256.valueBase64Binary,
        32,
        `${at}.extension.valueBase64Binary`,
        'SHA-256',
    ).toString('hex');
    const contentSha1 =
        attachment.hash === undefined
            ? undefined
            : base64Bytes(attachment.hash, 20, `${at}.hash`, 'SHA-1').toString('base64');

    const document = {
        id,
        type: { system: LoincSystem, code: loinc.code as string },
        contentHash,
        ...(contentSha1 ? { contentSha1 } : {}),
        size: attachment.size as number,
        mediaType: attachment.contentType,
        location: attachment.url,
    };
    const relatesTo = Array.isArray(doc.relatesTo) ? doc.relatesTo : [];
    if (relatesTo.length > 1) {
        throw new FhirImportError(`${field}.relatesTo`, 'may name one replaced version at most');
    }
    if (relatesTo.length === 1) {
        const relation = object(relatesTo[0], `${field}.relatesTo.0`);
        if (relation.code !== 'replaces') {
            throw new FhirImportError(
                `${field}.relatesTo.0.code`,
                'must be replaces (a new version); other relations are not supported',
            );
        }
        const previousId = reference(relation.target, 'DocumentReference', `${field}.relatesTo.0.target`);
        // The patient follows the replaced version (the chaincode sets it); subject is not read here.
        return { kind: 'amend', record: { ...document, previousId } };
    }
    const patientId = reference(doc.subject, 'Patient', `${field}.subject`);
    if (!idPattern.test(patientId)) throw new FhirImportError(`${field}.subject.reference`, 'is not a pseudonymous id');
    return { kind: 'register', record: { ...document, patientId } };
}
