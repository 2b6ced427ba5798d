import type { AuditEntry, Consent, StoredRecord } from '@careledger/chaincode';
import { consortiumGlns } from './gln-directory';

/**
 * Ledger records as FHIR R4 resources (docs/standards/fhir.md has the mapping tables).
 * Patients and practitioners appear only by their pseudonymous ids (`Patient/<id>`,
 * `Practitioner/<id>`); organisations by their GLN (GS1's OID system) and MSP id.
 *
 * Integrity: R4 defines `Attachment.hash` as the base64 SHA-1 of the bytes, which no longer
 * proves integrity on its own; the ledger's integrity check is the SHA-256 (`contentHash`). So
 * `Attachment.hash` carries the SHA-1 as R4 defines it when the registrant sent one (an EHR's
 * import, or POST /documents, which hashes the bytes it stores), and the SHA-256 always goes,
 * base64, in the extension {@link AttachmentSha256Extension}. The SHA-1 cannot be derived from
 * the SHA-256, so a pointer registered without it has no `Attachment.hash`.
 */
export type FhirResource = Record<string, unknown> & { resourceType: string; id?: string };

export const FhirJson = 'application/fhir+json';
export const AttachmentSha256Extension = 'https://careledger.example/fhir/StructureDefinition/attachment-sha256';
/** On an OperationOutcome issue of a denied read: the AuditEvent that recorded the denial. */
export const AuditEventExtension = 'https://careledger.example/fhir/StructureDefinition/audit-event';

/**
 * Where the FHIR R4 surface lives. It is the one documented exemption from the gateway's single
 * error body (`{ code, field?, message }`, server/errors.ts): FHIR clients read errors as an
 * OperationOutcome served as `application/fhir+json`, so every error under this path is one,
 * with the same HTTP status and the field in `issue.expression` (docs/http.md).
 */
export const FhirBase = '/fhir/r4';

/** Whether a path (or an OpenAPI path template) is under the FHIR surface. */
export function isFhirPath(path: string): boolean {
    return path === FhirBase || path.startsWith(`${FhirBase}/`);
}
const MspSystem = 'urn:careledger:msp';
const GlnSystem = 'urn:oid:1.3.160';
const RecordSystem = 'urn:careledger:record-series';

/** An org as a Reference(Organization) by identifier: its GLN when it has one, else its MSP id. */
export function organizationReference(mspId: string): Record<string, unknown> {
    const org = consortiumGlns().get(mspId);
    return {
        type: 'Organization',
        identifier: org ? { system: GlnSystem, value: org.gln } : { system: MspSystem, value: mspId },
        display: mspId,
    };
}

/**
 * A record pointer as a DocumentReference; `location` (the document's URL, released by an
 * allowed audited read only) becomes `Attachment.url`.
 */
export function documentReferenceOf(record: StoredRecord, location?: string): FhirResource {
    const erased = 'erased' in record;
    return {
        resourceType: 'DocumentReference',
        id: record.id,
        masterIdentifier: { system: 'urn:ietf:rfc:3986', value: `urn:careledger:record:${record.id}` },
        identifier: [{ system: RecordSystem, value: record.seriesId }],
        status: record.status,
        ...(erased ? {} : { type: { coding: [record.type] } }),
        subject: { reference: `Patient/${record.patientId}` },
        date: record.date,
        ...(erased ? {} : { author: [{ reference: `Practitioner/${record.authorId}` }] }),
        custodian: organizationReference(record.custodianMsp),
        ...(!erased && record.relatesTo
            ? {
                  relatesTo: [
                      {
                          code: record.relatesTo.code,
                          target: { reference: `DocumentReference/${record.relatesTo.targetId}` },
                      },
                  ],
              }
            : {}),
        content: [
            {
                attachment: {
                    extension: [
                        {
                            url: AttachmentSha256Extension,
                            valueBase64Binary: Buffer.from(record.contentHash, 'hex').toString('base64'),
                        },
                    ],
                    ...(erased ? {} : { contentType: record.mediaType }),
                    ...(location ? { url: location } : {}),
                    ...(erased ? {} : { size: record.size }),
                    ...(!erased && record.contentSha1 ? { hash: record.contentSha1 } : {}),
                    creation: record.date,
                },
            },
        ],
    };
}

export function consentOf(consent: Consent): FhirResource {
    const scope = consent.scope;
    const grantee = consent.grantee.actorId
        ? { reference: `Practitioner/${consent.grantee.actorId}` }
        : organizationReference(consent.grantee.mspId);
    return {
        resourceType: 'Consent',
        id: consent.id,
        status: consent.status,
        scope: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
        },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
        patient: { reference: `Patient/${consent.patientId}` },
        dateTime: consent.dateTime,
        performer: [
            consent.grantedBy.asDelegate
                ? { reference: `Practitioner/${consent.grantedBy.actorId}` }
                : { reference: `Patient/${consent.patientId}` },
        ],
        policyRule: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
        },
        provision: {
            type: 'permit',
            period: { start: consent.period.start, end: consent.period.end },
            actor: [
                {
                    role: {
                        coding: [
                            { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
                        ],
                    },
                    reference: grantee,
                },
            ],
            action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
            purpose: consent.purposes.map((code) => ({
                system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                code,
            })),
            ...(scope.kind === 'type'
                ? { code: [{ coding: [{ system: 'http://loinc.org', code: scope.typeCode }] }] }
                : {}),
            ...(scope.kind === 'records'
                ? {
                      data: scope.recordIds.map((id) => ({
                          meaning: 'instance',
                          reference: { reference: `DocumentReference/${id}` },
                      })),
                  }
                : {}),
        },
    };
}

export function auditEventOf(entry: AuditEntry): FhirResource {
    return {
        resourceType: 'AuditEvent',
        id: entry.id,
        type: entry.type,
        ...(entry.subtype ? { subtype: [entry.subtype] } : {}),
        action: entry.action,
        recorded: entry.recorded,
        outcome: entry.outcome,
        ...(entry.outcomeDesc ? { outcomeDesc: entry.outcomeDesc } : {}),
        purposeOfEvent: [
            {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: entry.purposeOfEvent }],
            },
        ],
        agent: [
            {
                who: { reference: `Practitioner/${entry.agent.actorId}` },
                requestor: true,
                purposeOfUse: [
                    {
                        coding: [
                            {
                                system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                                code: entry.purposeOfEvent,
                            },
                        ],
                    },
                ],
            },
        ],
        source: {
            site: 'CareLedger',
            observer: organizationReference(entry.entity.custodianMsp),
            type: [
                {
                    system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
                    code: '4',
                    display: 'Application Server',
                },
            ],
        },
        entity: [
            {
                what: { reference: `DocumentReference/${entry.entity.recordId}` },
                type: {
                    system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
                    code: '2',
                    display: 'System Object',
                },
                role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '3', display: 'Report' },
            },
            {
                what: { reference: `Patient/${entry.entity.patientId}` },
                type: {
                    system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
                    code: '1',
                    display: 'Person',
                },
                role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
            },
        ],
    };
}

/**
 * Who made a record version, when, and which version it replaced: a Provenance targeting the
 * DocumentReference (same id). The author acts on behalf of the custodian organisation.
 */
export function provenanceOf(record: StoredRecord): FhirResource {
    const erased = 'erased' in record;
    const participant = (code: string, display: string) => ({
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code, display }],
    });
    const custodian = organizationReference(record.custodianMsp);
    const replaced = !erased && record.relatesTo ? record.relatesTo.targetId : undefined;
    return {
        resourceType: 'Provenance',
        id: record.id,
        target: [{ reference: `DocumentReference/${record.id}` }],
        recorded: record.date,
        activity: {
            coding: [
                replaced
                    ? {
                          system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
                          code: 'UPDATE',
                          display: 'revise',
                      }
                    : {
                          system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
                          code: 'CREATE',
                          display: 'create',
                      },
            ],
        },
        agent: [
            ...(erased
                ? []
                : [
                      {
                          type: participant('author', 'Author'),
                          who: { reference: `Practitioner/${record.authorId}` },
                          onBehalfOf: custodian,
                      },
                  ]),
            { type: participant('custodian', 'Custodian'), who: custodian },
        ],
        ...(replaced ? { entity: [{ role: 'revision', what: { reference: `DocumentReference/${replaced}` } }] } : {}),
    };
}

/**
 * A `searchset` Bundle of one page of resources, with the self link and the next page's when
 * there is one. `total` is left out: the ledger pages by bookmark and does not count matches.
 */
export function searchsetOf(resources: FhirResource[], self: string, next?: string): FhirResource {
    return {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'self', url: self }, ...(next ? [{ relation: 'next', url: next }] : [])],
        // FHIR has no empty arrays: a page without matches has no `entry`.
        ...(resources.length === 0
            ? {}
            : {
                  entry: resources.map((resource) => ({
                      fullUrl: `${self.split('/fhir/r4/')[0]}/fhir/r4/${resource.resourceType}/${resource.id}`,
                      resource,
                      search: { mode: 'match' },
                  })),
              }),
    };
}

/** One answered entry of a `batch`: the created resource and its location, or the error as an OperationOutcome. */
export type BatchResult =
    { status: 201; resource: FhirResource; location: string } | { status: number; outcome: FhirResource };

/** The `batch-response` Bundle: one entry per request entry, in order. */
export function batchResponseOf(results: BatchResult[], base: string): FhirResource {
    const reason: Record<number, string> = {
        201: 'Created',
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        500: 'Internal Server Error',
        503: 'Service Unavailable',
        504: 'Gateway Timeout',
    };
    return {
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: results.map((result) =>
            'resource' in result
                ? {
                      fullUrl: `${base}${result.location}`,
                      resource: result.resource,
                      response: { status: `201 ${reason[201]}`, location: result.location },
                  }
                : {
                      response: {
                          status: `${result.status} ${reason[result.status] ?? ''}`.trim(),
                          outcome: result.outcome,
                      },
                  },
        ),
    };
}

/** An OperationOutcome for an error: issue code from the HTTP status, the message as diagnostics. */
export function operationOutcomeOf(status: number, message: string, field?: string, auditId?: string): FhirResource {
    const code =
        status === 400
            ? 'invalid'
            : status === 401
              ? 'login'
              : status === 403
                ? 'forbidden'
                : status === 404
                  ? 'not-found'
                  : status === 409
                    ? 'conflict'
                    : 'exception';
    return {
        resourceType: 'OperationOutcome',
        issue: [
            {
                severity: status >= 500 ? 'fatal' : 'error',
                code,
                diagnostics: message,
                ...(auditId
                    ? {
                          extension: [
                              { url: AuditEventExtension, valueReference: { reference: `AuditEvent/${auditId}` } },
                          ],
                      }
                    : {}),
                ...(field ? { expression: [field] } : {}),
            },
        ],
    };
}
