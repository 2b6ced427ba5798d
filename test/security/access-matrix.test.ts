import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { contracts, supply } from '@careledger/chaincode';
import { commitDocument } from '../../gateway/src/credentials';
import { CredentialIssuer } from '../../gateway/src/credentials/issuer';
import { generateIssuingKey } from '../../gateway/src/credentials/issuing-key';
import { AttachmentSha256Extension } from '../../gateway/src/standards/fhir';
import { HistoryIndex } from '../../gateway/src/history';
import { LedgerError } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { keepNoArtefacts } from '../interop/artefacts';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { licenseViaRest } from '../scenarios/rest-licensing';

/**
 * Issue #17, the access matrix: every REST route and every contract transaction × every role of
 * every org, with real identities (each org's demo users, their own certificates) through each
 * org's own gateway, on the embedded ledger in CI and on the Fabric network in the Fabric tier
 * (same file). A transaction that no route wraps is called through the org's ledger session.
 *
 * A cell is `allow` or `deny`. `deny` must be refused with FORBIDDEN (HTTP 403, or the contract's
 * FORBIDDEN) — or 401 where the route is for another org's users and the token is not this
 * gateway's. `allow` must succeed (2xx); rows marked `conflictOk` also accept 409 for a create
 * that an earlier run of the shared Fabric ledger already made. Cells of one row run concurrently
 * (one block on Fabric) and fixtures are made once, so the Fabric tier stays within minutes.
 * The table is the single source of docs/access-matrix.md: this test fails when the document
 * differs from the table (`UPDATE_ACCESS_MATRIX=1` rewrites it), and when a route of the OpenAPI
 * document or a transaction of the chaincode has no row.
 */
jest.setTimeout(60 * 60 * 1000);

interface Caller {
    key: string;
    org: string;
    user: string;
    role: string;
    mspId: string;
}

const callers: Caller[] = [
    ['hospital', 'admin', 'admin', 'HospitalMSP'],
    ['hospital', 'physician1', 'physician', 'HospitalMSP'],
    ['hospital', 'nurse1', 'nurse', 'HospitalMSP'],
    ['hospital', 'pharmacist1', 'pharmacist', 'HospitalMSP'],
    ['hospital', 'patient1', 'patient', 'HospitalMSP'],
    ['hospital', 'patient2', 'patient (another)', 'HospitalMSP'],
    ['manufacturer', 'admin', 'admin', 'ManufacturerMSP'],
    ['manufacturer', 'operator1', 'operator', 'ManufacturerMSP'],
    ['distributor', 'admin', 'admin', 'DistributorMSP'],
    ['distributor', 'operator1', 'operator', 'DistributorMSP'],
    ['regulator', 'admin', 'admin', 'RegulatorMSP'],
    ['regulator', 'inspector1', 'inspector', 'RegulatorMSP'],
].map(([org, user, role, mspId]) => ({ key: `${org}/${user}`, org, user, role, mspId }));

const patientId = 'pat-7c1e04a9'; // patient1
const expiry = '301231';

/** Ids and objects every row reads; made once in beforeAll. */
interface World {
    recordId: string;
    documentId: string;
    consentId: string;
    auditId: string;
    credentialId: string;
    gtin: string;
    lot: string;
    /** A unit the manufacturer holds, for cells that must be refused before they move anything. */
    heldUnit: { gtin: string; serial: string };
    /** A unit shipped to the distributor and not yet received. */
    inTransitUnit: { gtin: string; serial: string };
    /** A unit the hospital holds (shipped by the manufacturer, received by the hospital's pharmacist). */
    hospitalUnit: { gtin: string; serial: string };
    /** The manufacturer's shipment of that unit to the hospital. */
    hospitalShipmentTxId: string;
    /** A case the manufacturer packed and shipped to the hospital, which received it. */
    hospitalSscc: string;
    /** A unit under quarantine. */
    suspectUnit: { gtin: string; serial: string };
    sscc: string;
    shipmentTxId: string;
    /** A MedicalLicense of physician1 (prac-hosp-0001), published as a signed VC: the holder's to present. */
    physicianLicenseId: string;
    /** That licence as a signed W3C VC, and a presentation of it: what verifiers are sent. */
    physicianVc: unknown;
    physicianVp: unknown;
    /** RegulatorMSP's revocation list as last published (its exact bytes). */
    publishedList: string;
    /** Keys each admin bound in the BindIssuerKey row; the RetireIssuerKey row retires them. */
    boundKeys: Map<string, string>;
    /** Per caller: what `prepare` made for an allowed cell. */
    prepared: Map<string, Record<string, string>>;
}

type Rest = { method: string; path: string; body?: unknown; token?: string; stream?: boolean; noToken?: boolean };
type Direct = {
    contract: string;
    name: string;
    args?: string[];
    evaluate?: boolean;
    transient?: Record<string, string>;
};
type Cell = Rest | Direct;

interface Row {
    /** `METHOD /path` of the OpenAPI document, or `(contract)` for a transaction no route wraps. */
    route: string;
    /** `contract:Transaction` (several joined by `, `), `(gateway)` or `(org CA)`. */
    transaction: string;
    rule: string;
    allow: (c: Caller) => boolean;
    request: (c: Caller, w: World) => Cell;
    /** Runs for allowed callers before their cell (fresh objects for creates and moves). */
    prepare?: (c: Caller, w: World, fx: Fixtures) => Promise<Record<string, string>>;
    conflictOk?: boolean;
    /**
     * The outcome of a REST cell when the HTTP status is not it: a FHIR batch answers 200 and
     * puts each entry's status (and OperationOutcome) in the Bundle.
     */
    outcome?: (status: number, body: unknown) => { status: number; code?: string };
}

type MatrixGateway = RestGateway & { freshToken(user: string): Promise<string> };

interface Fixtures {
    gateway(org: string): MatrixGateway;
    as(org: string, user: string, method: string, path: string, body?: unknown): Promise<unknown>;
    nextUnit(): { gtin: string; serial: string };
    direct(c: Caller, cell: Direct): Promise<unknown>;
    issueCredential(actorId?: string): Promise<string>;
    unitAtHospital(): Promise<{ gtin: string; serial: string }>;
    /** RegulatorMSP's revocation list as last published (exact bytes); kept in the world too. */
    currentStatusList(): Promise<string>;
    /** A credential RegulatorMSP issued, signed as a W3C VC with a key bound to RegulatorMSP (text). */
    signedCredential(id: string): Promise<string>;
    /** A pointer of patient1 registered by physician1 whose location never committed (pending). */
    pendingRecord(): Promise<string>;
}

const is =
    (...keys: string[]) =>
    (c: Caller) =>
        keys.includes(c.key);
const everyone = () => true;
const patients = (c: Caller) => c.role.startsWith('patient');
const notPatients = (c: Caller) => !patients(c);
const admins = (c: Caller) => c.role === 'admin';
const regulators = is('regulator/admin', 'regulator/inspector1');
const clinicians = is('hospital/physician1', 'hospital/nurse1');
const custodianStaff = is('hospital/admin', 'hospital/physician1', 'hospital/nurse1');
/** Who reads access trails (the chaincode's patients, staff of an org: physician, nurse, admin, and inspectors). */
const trailReaders = (c: Caller) => patients(c) || ['admin', 'physician', 'nurse', 'inspector'].includes(c.role);
const manufacturerActors = is('manufacturer/admin', 'manufacturer/operator1');
const distributorActors = is('distributor/admin', 'distributor/operator1');
const hospitalTraders = is('hospital/admin', 'hospital/pharmacist1');
const partnerActors = (c: Caller) => manufacturerActors(c) || distributorActors(c) || hospitalTraders(c);
/** Trading roles (operator, pharmacist, admin of a partner org) and the regulator: who reads supply trade data. */
const tradeReaders = (c: Caller) => partnerActors(c) || regulators(c);
const or =
    (...rules: Array<(c: Caller) => boolean>) =>
    (c: Caller) =>
        rules.some((rule) => rule(c));

function checkDigit(prefix: string, length: number): string {
    const digits = `0${BigInt(`0x${createHash('sha256').update(uniqueId(prefix)).digest('hex')}`)
        .toString()
        .slice(0, length - 2)}`;
    return `${digits}${supply.gs1.gs1CheckDigit(digits)}`;
}
const newGtin = () => checkDigit('gtin', 14);
const newSscc = () => checkDigit('sscc', 18);

function recordBody(id = uniqueId('rec-m')) {
    return {
        id,
        patientId,
        type: { system: 'http://loinc.org', code: '18842-5' },
        contentHash: createHash('sha256').update(id).digest('hex'),
        size: 10,
        mediaType: 'text/plain',
        location: `https://docs.hospital.example/${id}`,
    };
}

/** A FHIR R4 DocumentReference an EHR POSTs for patient1 (a new pointer each call). */
function documentReference() {
    const id = uniqueId('fhir-m');
    return {
        resourceType: 'DocumentReference',
        status: 'current',
        subject: { reference: `Patient/${patientId}` },
        type: { coding: [{ system: 'http://loinc.org', code: '18842-5' }] },
        content: [
            {
                attachment: {
                    contentType: 'text/plain',
                    size: 10,
                    url: `https://docs.hospital.example/${id}`,
                    extension: [
                        {
                            url: AttachmentSha256Extension,
                            valueBase64Binary: createHash('sha256').update(id).digest('base64'),
                        },
                    ],
                },
            },
        ],
    };
}

/** A FHIR OperationOutcome's issue code as the gateway's error code (forbidden: FORBIDDEN). */
function fhirCode(outcome: unknown): string | undefined {
    const code = (outcome as { resourceType?: string; issue?: Array<{ code?: string }> })?.issue?.[0]?.code;
    return (outcome as { resourceType?: string })?.resourceType === 'OperationOutcome' && code
        ? code.toUpperCase().replace(/-/g, '_')
        : undefined;
}

const itemOf = (unit: { gtin: string; serial: string }) => ({ gtin: unit.gtin, serial: unit.serial });
const ai = (unit: { gtin: string; serial: string }) => `(01)${unit.gtin}(21)${unit.serial}`;
const reasonText = 'Collapsed on arrival, unresponsive; allergy history needed.';

const rows: Row[] = [
    // Operations: public probes, no data --------------------------------------------------------
    {
        route: 'GET /healthz',
        transaction: '(gateway)',
        rule: 'public: the process is up (no data)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/healthz' }),
    },
    {
        route: 'GET /readyz',
        transaction: "system:WhoAmI (as the gateway's readiness user)",
        rule: 'public: the ledger answers (no data)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/readyz' }),
    },
    {
        route: 'GET /metrics',
        transaction: '(gateway)',
        rule: 'public: Prometheus counters and latencies per route (no ids, no ledger data)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/metrics' }),
    },
    {
        route: 'GET /app/config',
        transaction: '(gateway)',
        rule: "public: the web app's org and ledger kind (demo personas only when the demo serves them)",
        allow: everyone,
        request: () => ({ method: 'GET', path: '/app/config' }),
    },
    // System ------------------------------------------------------------------------------
    {
        route: 'GET /system/whoami',
        transaction: 'system:WhoAmI',
        rule: 'any enrolled identity of a member org',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/system/whoami' }),
    },
    {
        route: 'POST /system/ping',
        transaction: 'system:Ping',
        rule: 'any enrolled identity of a member org',
        allow: everyone,
        request: () => ({ method: 'POST', path: '/system/ping', body: { message: 'matrix' } }),
    },
    {
        route: '(contract)',
        transaction: 'system:Beat',
        rule: 'any member identity (liveness heartbeat; no data)',
        allow: everyone,
        request: (c) => ({ contract: 'system', name: 'Beat', args: ['matrix', c.key.replace('/', '-')] }),
    },
    {
        route: '(contract)',
        transaction: 'system:BeatHistory',
        rule: 'any member identity',
        allow: everyone,
        request: () => ({
            contract: 'system',
            name: 'BeatHistory',
            args: ['matrix', 'hospital-admin'],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'system:ListBeats',
        rule: 'any member identity',
        allow: everyone,
        request: () => ({ contract: 'system', name: 'ListBeats', args: ['matrix', '', ''], evaluate: true }),
    },
    // Gateway accounts ----------------------------------------------------------------------
    {
        route: 'GET /auth/me',
        transaction: '(gateway)',
        rule: 'any valid token of this gateway',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/auth/me' }),
    },
    {
        route: 'POST /auth/enroll',
        transaction: '(org CA)',
        rule: "an admin of the gateway's org (certificate role admin)",
        allow: admins,
        request: (c) => ({
            method: 'POST',
            path: '/auth/enroll',
            body: { user: uniqueId(`m-${c.role.split(' ')[0]}`), role: 'nurse', actorId: uniqueId('prac-m') },
        }),
    },
    {
        route: 'POST /auth/token',
        transaction: '(gateway)',
        rule: "public: whoever presents the user's own secret (shown once at enrolment); no token needed",
        allow: everyone,
        prepare: async (c, _w, fx) => {
            const user = uniqueId(`tok-${c.org}`);
            const enrolled = (await fx.as(c.org, 'admin', 'POST', '/auth/enroll', {
                user,
                role: 'operator',
                actorId: uniqueId('op-m'),
            })) as { secret: string };
            return { user, secret: enrolled.secret };
        },
        request: (c, w) => ({ method: 'POST', path: '/auth/token', body: w.prepared.get(c.key)!, noToken: true }),
    },
    {
        route: 'DELETE /auth/token',
        transaction: '(gateway)',
        rule: 'the token itself (log out)',
        allow: everyone,
        prepare: async (c, _w, fx) => ({ token: await fx.gateway(c.org).freshToken(c.user) }),
        request: (c, w) => ({ method: 'DELETE', path: '/auth/token', token: w.prepared.get(c.key)!.token }),
    },
    {
        route: 'DELETE /auth/users/{user}/tokens',
        transaction: '(gateway)',
        rule: "an admin of the gateway's org",
        allow: admins,
        request: () => ({ method: 'DELETE', path: `/auth/users/${uniqueId('nobody')}/tokens` }),
    },
    // Events --------------------------------------------------------------------------------
    {
        route: 'GET /events',
        transaction: '(gateway: chaincode events, filtered by event-audience.ts)',
        rule: 'any valid token; each event is delivered only to its audience (the audit trail rules)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/events', stream: true }),
    },
    {
        route: 'POST /webhooks',
        transaction: '(gateway)',
        rule: "an admin of the gateway's org",
        allow: admins,
        request: () => ({ method: 'POST', path: '/webhooks', body: { url: 'https://hooks.example.org/careledger' } }),
    },
    {
        route: 'GET /webhooks',
        transaction: '(gateway)',
        rule: "an admin of the gateway's org",
        allow: admins,
        request: () => ({ method: 'GET', path: '/webhooks' }),
    },
    {
        route: 'DELETE /webhooks/{id}',
        transaction: '(gateway)',
        rule: "an admin of the gateway's org",
        allow: admins,
        prepare: async (c, _w, fx) => {
            const hook = (await fx.as(c.org, c.user, 'POST', '/webhooks', {
                url: 'https://hooks.example.org/careledger',
            })) as { id: string };
            return { id: hook.id };
        },
        request: (c, w) => ({ method: 'DELETE', path: `/webhooks/${w.prepared.get(c.key)?.id ?? 'wh-unknown'}` }),
    },
    // EHR -------------------------------------------------------------------------------------
    {
        route: 'POST /ehr/patients/enrol',
        transaction: 'ehr:EnrolPatient',
        rule: "role patient: binds the certificate's patient id and key",
        allow: patients,
        request: () => ({ method: 'POST', path: '/ehr/patients/enrol' }),
    },
    {
        route: '(contract)',
        transaction: 'ehr:AuthorizePatientKey',
        rule: 'the enrolled patient, with a bound key (authorises another key of their own)',
        allow: patients,
        request: (c) => ({
            contract: 'ehr',
            name: 'AuthorizePatientKey',
            args: [
                createHash('sha256')
                    .update(`${c.key}-${uniqueId('key')}`)
                    .digest('hex'),
            ],
        }),
    },
    {
        route: '(contract)',
        transaction: 'ehr:RevokePatientKey',
        rule: 'the enrolled patient, with a bound key',
        allow: patients,
        prepare: async (c, _w, fx) => {
            const keyId = createHash('sha256').update(uniqueId('key')).digest('hex');
            await fx.direct(c, { contract: 'ehr', name: 'AuthorizePatientKey', args: [keyId] });
            return { keyId };
        },
        request: (c, w) => ({
            contract: 'ehr',
            name: 'RevokePatientKey',
            args: [w.prepared.get(c.key)?.keyId ?? 'a'.repeat(64)],
        }),
    },
    {
        route: 'POST /ehr/delegates',
        transaction: 'ehr:NameDelegate',
        rule: 'an enrolled patient, with a bound key, for themselves',
        allow: patients,
        request: () => ({
            method: 'POST',
            path: '/ehr/delegates',
            body: { mspId: 'HospitalMSP', actorId: uniqueId('prac-delegate') },
        }),
    },
    {
        route: 'GET /ehr/delegates',
        transaction: 'ehr:ListDelegates',
        rule: 'an enrolled patient, their own delegates',
        allow: patients,
        request: () => ({ method: 'GET', path: '/ehr/delegates' }),
    },
    {
        route: 'DELETE /ehr/delegates/{mspId}/{actorId}',
        transaction: 'ehr:RemoveDelegate',
        rule: 'an enrolled patient, their own delegate',
        allow: patients,
        prepare: async (c, _w, fx) => {
            const actorId = uniqueId('prac-delegate');
            await fx.as(c.org, c.user, 'POST', '/ehr/delegates', { mspId: 'HospitalMSP', actorId });
            return { actorId };
        },
        request: (c, w) => ({
            method: 'DELETE',
            path: `/ehr/delegates/HospitalMSP/${w.prepared.get(c.key)?.actorId ?? 'prac-hosp-0002'}`,
        }),
    },
    {
        route: 'POST /ehr/records',
        transaction: 'ehr:RegisterRecord, ehr:StoreRecordLocation',
        rule: 'a physician or nurse holding a valid licence (credentials); the location only to the custodian peers',
        allow: clinicians,
        request: () => ({ method: 'POST', path: '/ehr/records', body: recordBody() }),
    },
    {
        route: 'POST /ehr/records/{id}/amend',
        transaction: 'ehr:AmendRecord, ehr:StoreRecordLocation',
        rule: "a licensed physician or nurse of the record's custodian",
        allow: clinicians,
        prepare: async (_c, _w, fx) => {
            const body = recordBody();
            await fx.as('hospital', 'physician1', 'POST', '/ehr/records', body);
            return { id: body.id };
        },
        request: (c, w) => {
            const { id: _id, patientId: _patient, ...rest } = recordBody();
            return {
                method: 'POST',
                path: `/ehr/records/${w.prepared.get(c.key)?.id ?? w.recordId}/amend`,
                body: { ...rest, id: uniqueId('rec-amended') },
            };
        },
    },
    {
        route: 'GET /ehr/records/{id}',
        transaction: 'ehr:GetRecord',
        rule: "the patient (bound key), the custodian's physicians, nurses and admin, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/ehr/records/${w.recordId}` }),
    },
    {
        route: 'GET /ehr/patients/{patientId}/records',
        transaction: 'ehr:ListRecordsByPatient',
        rule: 'the patient, regulator inspectors (others: only with a consent valid now; none here)',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/ehr/patients/${patientId}/records` }),
    },
    {
        route: 'GET /ehr/custodians/{mspId}/records',
        transaction: 'ehr:ListRecordsByCustodian',
        rule: "that org's staff (physician, nurse, admin) and regulator inspectors",
        allow: or(custodianStaff, is('regulator/inspector1')),
        request: () => ({ method: 'GET', path: '/ehr/custodians/HospitalMSP/records' }),
    },
    {
        route: 'POST /ehr/consents',
        transaction: 'ehr-consent:GrantConsent',
        rule: 'the patient (or an active delegate) for their own records',
        allow: patients,
        request: () => ({
            method: 'POST',
            path: '/ehr/consents',
            body: {
                id: uniqueId('consent-m'),
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' },
                scope: { kind: 'all' },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        }),
    },
    {
        route: 'POST /ehr/consents/{id}/revoke',
        transaction: 'ehr-consent:RevokeConsent',
        rule: 'the patient who granted it (or an active delegate); never the grantee',
        allow: patients,
        prepare: async (c, _w, fx) => {
            const id = uniqueId('consent-r');
            await fx.as(c.org, c.user, 'POST', '/ehr/consents', {
                id,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' },
                scope: { kind: 'all' },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            });
            return { id };
        },
        request: (c, w) => ({
            method: 'POST',
            path: `/ehr/consents/${w.prepared.get(c.key)?.id ?? w.consentId}/revoke`,
        }),
    },
    {
        route: 'GET /ehr/consents/{id}',
        transaction: 'ehr-consent:GetConsent',
        rule: 'the patient, their delegates, the named grantee, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: (_c, w) => ({ method: 'GET', path: `/ehr/consents/${w.consentId}` }),
    },
    {
        route: 'GET /ehr/patients/{patientId}/consents',
        transaction: 'ehr-consent:ListConsentsByPatient',
        rule: 'the patient, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/ehr/patients/${patientId}/consents` }),
    },
    {
        route: 'GET /ehr/consents',
        transaction: 'ehr-consent:ListConsentsByGrantee',
        rule: "a named grantee itself; an org-wide grantee (here HospitalMSP): that org's licensed clinicians; regulator inspectors",
        allow: or(clinicians, is('regulator/inspector1')),
        request: () => ({ method: 'GET', path: '/ehr/consents?mspId=HospitalMSP' }),
    },
    {
        route: 'POST /ehr/records/{id}/access',
        transaction: 'ehr-access:AccessRecord, ehr-access:GetRecordLocation',
        rule: 'the patient; a licensed clinician with a consent valid now (none here); denials are audited (403 + auditId)',
        allow: is('hospital/patient1'),
        request: (_c, w) => ({ method: 'POST', path: `/ehr/records/${w.recordId}/access`, body: { purpose: 'TREAT' } }),
    },
    {
        route: 'POST /ehr/records/{id}/break-glass',
        transaction: 'ehr-access:BreakGlassAccess, ehr-access:GetRecordLocation',
        rule: 'a licensed physician or nurse outside the regulator, within the break-glass limits; always audited and alerted',
        allow: clinicians,
        request: (_c, w) => ({
            method: 'POST',
            path: `/ehr/records/${w.recordId}/break-glass`,
            body: { reasonCode: 'unconscious', reason: reasonText },
        }),
    },
    {
        route: 'GET /ehr/audit/{id}',
        transaction: 'ehr-access:GetAuditEntry',
        rule: "its agent, the patient, the custodian's staff, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/ehr/audit/${w.auditId}` }),
    },
    {
        route: 'GET /ehr/records/{id}/audit',
        transaction: 'ehr-access:ListAuditByRecord',
        rule: "the patient, the custodian's staff, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/ehr/records/${w.recordId}/audit` }),
    },
    {
        route: 'GET /ehr/patients/{patientId}/audit',
        transaction: 'ehr-access:ListAuditByPatient',
        rule: 'the patient, their delegates, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/ehr/patients/${patientId}/audit` }),
    },
    {
        route: 'GET /ehr/records/{id}/erasure-proof',
        transaction: 'ehr-erasure:VerifyErasure',
        rule: 'its patient, the custodian (staff), regulator inspectors',
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/ehr/records/${w.recordId}/erasure-proof` }),
    },
    {
        route: 'POST /documents',
        transaction: 'ehr:RegisterRecord, ehr:StoreRecordLocation (then the sealed bytes)',
        rule: 'a licensed physician or nurse (the ledger decides before any byte is stored)',
        allow: clinicians,
        request: () => ({
            method: 'POST',
            path: '/documents',
            body: {
                recordId: uniqueId('doc-m'),
                patientId,
                type: { system: 'http://loinc.org', code: '18842-5' },
                contentType: 'text/plain',
                content: Buffer.from('matrix document').toString('base64'),
            },
        }),
    },
    {
        route: 'GET /documents/{recordId}',
        transaction: 'ehr-access:AccessRecord, ehr-access:GetRecordLocation',
        rule: "the record's access decision: the patient; clinicians with a consent valid now (none here)",
        allow: is('hospital/patient1'),
        request: (_c, w) => ({ method: 'GET', path: `/documents/${w.documentId}?purpose=TREAT` }),
    },
    {
        route: 'POST /ehr/records/bulk',
        transaction: 'ehr:RegisterRecords, ehr:StoreRecordLocations',
        rule: 'a physician or nurse holding a valid licence, as POST /ehr/records (one licence check for the batch)',
        allow: clinicians,
        request: () => ({ method: 'POST', path: '/ehr/records/bulk', body: { records: [recordBody(), recordBody()] } }),
    },
    {
        route: 'GET /ehr/records/pending',
        transaction: 'ehr:ListPendingRecords',
        rule: "staff (physician, nurse, admin) of the caller's own org, its own pending pointers only (other orgs' admins list their own: none)",
        allow: or(custodianStaff, is('manufacturer/admin', 'distributor/admin', 'regulator/admin')),
        request: () => ({ method: 'GET', path: '/ehr/records/pending' }),
    },
    {
        route: 'POST /ehr/records/{id}/cancel',
        transaction: 'ehr:CancelPendingRecord',
        rule: "staff (physician, nurse, admin) of the record's custodian, of a pending pointer (its location never committed)",
        allow: custodianStaff,
        prepare: async (_c, _w, fx) => ({ id: await fx.pendingRecord() }),
        request: (c, w) => ({ method: 'POST', path: `/ehr/records/${w.prepared.get(c.key)?.id ?? w.recordId}/cancel` }),
    },
    {
        route: 'POST /ehr/consents/bulk',
        transaction: 'ehr-consent:GrantConsents',
        rule: 'the patient (or an active delegate), every consent of the batch for their own records',
        allow: patients,
        request: () => ({
            method: 'POST',
            path: '/ehr/consents/bulk',
            body: {
                consents: [1, 2].map(() => ({
                    id: uniqueId('consent-b'),
                    grantee: { mspId: 'HospitalMSP', actorId: uniqueId('prac-bulk') },
                    scope: { kind: 'all' },
                    purposes: ['TREAT'],
                    period: { end: new Date(Date.now() + 3_600_000).toISOString() },
                })),
            },
        }),
    },
    // FHIR R4: the same ledger calls as the caller; a deny is an OperationOutcome 403 (forbidden) ---
    {
        route: 'GET /fhir/r4/metadata',
        transaction: '(gateway)',
        rule: 'public: the CapabilityStatement',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/fhir/r4/metadata' }),
    },
    {
        route: 'GET /fhir/r4/DocumentReference/{id}',
        transaction: 'ehr-access:AccessRecord, ehr-access:GetRecordLocation (FHIR read)',
        rule: 'as POST /ehr/records/{id}/access: the patient; a licensed clinician with a consent valid now (none here); audited',
        allow: is('hospital/patient1'),
        request: (_c, w) => ({ method: 'GET', path: `/fhir/r4/DocumentReference/${w.recordId}` }),
    },
    {
        route: 'GET /fhir/r4/DocumentReference',
        transaction: 'ehr:ListRecordsByPatient (FHIR search)',
        rule: 'as GET /ehr/patients/{patientId}/records: the patient, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/fhir/r4/DocumentReference?patient=Patient/${patientId}` }),
    },
    {
        route: 'POST /fhir/r4/DocumentReference',
        transaction: 'ehr:RegisterRecord, ehr:StoreRecordLocation (FHIR create)',
        rule: 'as POST /ehr/records: a physician or nurse holding a valid licence',
        allow: clinicians,
        request: () => ({ method: 'POST', path: '/fhir/r4/DocumentReference', body: documentReference() }),
    },
    {
        route: 'POST /fhir/r4',
        transaction: 'ehr:RegisterRecord, ehr:StoreRecordLocation (each entry of a FHIR batch)',
        rule: "as POST /ehr/records, per entry: the batch answers 200 and each entry's own status (a deny: 403 with an OperationOutcome)",
        allow: clinicians,
        outcome: (status, body) => {
            const entry = (body as { entry?: Array<{ response?: { status?: string; outcome?: unknown } }> })?.entry?.[0]
                ?.response;
            if (status !== 200 || !entry?.status) return { status };
            const entryStatus = Number(entry.status.split(' ')[0]);
            return { status: entryStatus, code: fhirCode(entry.outcome) };
        },
        request: () => ({
            method: 'POST',
            path: '/fhir/r4',
            body: {
                resourceType: 'Bundle',
                type: 'batch',
                entry: [{ request: { method: 'POST', url: 'DocumentReference' }, resource: documentReference() }],
            },
        }),
    },
    {
        route: 'GET /fhir/r4/Consent/{id}',
        transaction: 'ehr-consent:GetConsent (FHIR read)',
        rule: 'as GET /ehr/consents/{id}: the patient, their delegates, the named grantee, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: (_c, w) => ({ method: 'GET', path: `/fhir/r4/Consent/${w.consentId}` }),
    },
    {
        route: 'GET /fhir/r4/Consent',
        transaction: 'ehr-consent:ListConsentsByPatient (FHIR search)',
        rule: 'as GET /ehr/patients/{patientId}/consents: the patient, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/fhir/r4/Consent?patient=Patient/${patientId}` }),
    },
    {
        route: 'GET /fhir/r4/AuditEvent/{id}',
        transaction: 'ehr-access:GetAuditEntry (FHIR read)',
        rule: "as GET /ehr/audit/{id}: its agent, the patient, the custodian's staff, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/fhir/r4/AuditEvent/${w.auditId}` }),
    },
    {
        route: 'GET /fhir/r4/AuditEvent',
        transaction: 'ehr-access:ListAuditByPatient (FHIR search by patient)',
        rule: 'as GET /ehr/patients/{patientId}/audit: the patient, their delegates, regulator inspectors',
        allow: is('hospital/patient1', 'regulator/inspector1'),
        request: () => ({ method: 'GET', path: `/fhir/r4/AuditEvent?patient=Patient/${patientId}` }),
    },
    {
        route: 'GET /fhir/r4/Provenance/{id}',
        transaction: 'ehr:GetRecord (FHIR read)',
        rule: "as GET /ehr/records/{id}: the patient, the custodian's staff, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/fhir/r4/Provenance/${w.recordId}` }),
    },
    {
        route: 'GET /fhir/r4/Provenance',
        transaction: 'ehr:GetRecord (FHIR search by target)',
        rule: "as GET /ehr/records/{id}: the patient, the custodian's staff, regulator inspectors",
        allow: or(is('hospital/patient1', 'regulator/inspector1'), custodianStaff),
        request: (_c, w) => ({ method: 'GET', path: `/fhir/r4/Provenance?target=DocumentReference/${w.recordId}` }),
    },
    // Credentials -----------------------------------------------------------------------------
    {
        route: 'GET /credentials/issuers',
        transaction: 'credentials-issuers:ListIssuers',
        rule: 'anyone: the registry of trusted issuers is public to members',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/credentials/issuers' }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-issuers:GetIssuer',
        rule: 'anyone: the registry is public to members',
        allow: everyone,
        request: () => ({
            contract: 'credentials-issuers',
            name: 'GetIssuer',
            args: ['MedicalLicense', 'RegulatorMSP'],
            evaluate: true,
        }),
    },
    {
        route: 'POST /credentials/issuers',
        transaction: 'credentials-issuers:RegisterIssuer',
        rule: 'an admin of RegulatorMSP (manages the issuer registry)',
        allow: is('regulator/admin'),
        conflictOk: true,
        request: () => ({
            method: 'POST',
            path: '/credentials/issuers',
            body: { type: 'MedicalLicense', mspId: 'HospitalMSP', roles: ['admin'], subjectScope: 'own-org' },
        }),
    },
    {
        route: 'POST /credentials/issuers/{mspId}/{type}/withdraw',
        transaction: 'credentials-issuers:WithdrawIssuer',
        rule: 'an admin of RegulatorMSP',
        allow: is('regulator/admin'),
        conflictOk: true,
        prepare: async (_c, _w, fx) => {
            await fx.as('regulator', 'admin', 'POST', '/credentials/issuers', {
                type: 'PharmacistLicense',
                mspId: 'DistributorMSP',
                roles: ['admin'],
                subjectScope: 'own-org',
            });
            return {};
        },
        request: () => ({
            method: 'POST',
            path: '/credentials/issuers/DistributorMSP/PharmacistLicense/withdraw',
            body: { code: 'issuer-agreement-ended' },
        }),
    },
    {
        route: 'POST /credentials',
        transaction: 'credentials:IssueCredential',
        rule: 'a role the registry lists for a trusted issuer of the type (MedicalLicense: RegulatorMSP admins for any org; HospitalMSP admins, registered above, for their own)',
        allow: is('regulator/admin', 'hospital/admin'),
        request: () => ({
            method: 'POST',
            path: '/credentials',
            body: {
                id: uniqueId('lic-m'),
                type: 'MedicalLicense',
                subject: { mspId: 'HospitalMSP', actorId: uniqueId('prac-m') },
                commitment: commitDocument(uniqueId('doc')).commitment,
            },
        }),
    },
    {
        route: 'POST /credentials/{id}/renew',
        transaction: 'credentials:RenewCredential',
        rule: 'the issuing org, through a role the registry lists',
        allow: is('regulator/admin'),
        prepare: async (_c, _w, fx) => ({ id: await fx.issueCredential() }),
        request: (c, w) => ({
            method: 'POST',
            path: `/credentials/${w.prepared.get(c.key)?.id ?? w.credentialId}/renew`,
            body: { id: uniqueId('lic-renewed'), commitment: commitDocument(uniqueId('doc')).commitment },
        }),
    },
    ...(['suspend', 'reinstate', 'revoke'] as const).map((action): Row => ({
        route: `POST /credentials/{id}/${action}`,
        transaction: `credentials:${action[0].toUpperCase()}${action.slice(1)}Credential`,
        rule: 'the regulator (admin, inspector) or the issuing org through a listed role',
        allow: regulators,
        prepare: async (_c, _w, fx) => {
            const id = await fx.issueCredential();
            if (action === 'reinstate') {
                await fx.as('regulator', 'admin', 'POST', `/credentials/${id}/suspend`, {
                    code: 'investigation-pending',
                });
            }
            return { id };
        },
        request: (c, w) => ({
            method: 'POST',
            path: `/credentials/${w.prepared.get(c.key)?.id ?? w.credentialId}/${action}`,
            body: { code: action === 'reinstate' ? 'investigation-closed' : 'investigation-pending' },
        }),
    })),
    {
        route: '(contract)',
        transaction: 'credentials:LiftRegulatorHold',
        rule: 'the regulator only (lifts its own suspension of a practitioner)',
        allow: regulators,
        prepare: async (_c, _w, fx) => {
            const subject = uniqueId('prac-hold');
            const id = await fx.issueCredential(subject);
            await fx.as('regulator', 'inspector1', 'POST', `/credentials/${id}/suspend`, {
                code: 'investigation-pending',
            });
            return { subject };
        },
        request: (c, w) => ({
            contract: 'credentials',
            name: 'LiftRegulatorHold',
            args: [
                JSON.stringify({ mspId: 'HospitalMSP', actorId: w.prepared.get(c.key)?.subject ?? 'prac-hosp-0001' }),
                'MedicalLicense',
                'investigation-closed',
                '',
            ],
        }),
    },
    {
        route: 'GET /credentials/{id}',
        transaction: 'credentials:GetCredential',
        rule: 'any member (the record holds a commitment, never the document)',
        allow: everyone,
        request: (_c, w) => ({ method: 'GET', path: `/credentials/${w.credentialId}` }),
    },
    {
        route: 'GET /credentials/{id}/vc',
        transaction: 'credentials:GetCredential',
        rule: 'any member (W3C VC view of the attestation)',
        allow: everyone,
        request: (_c, w) => ({ method: 'GET', path: `/credentials/${w.credentialId}/vc` }),
    },
    {
        route: 'POST /credentials/{id}/verify',
        transaction: 'credentials:VerifyCredential',
        rule: 'public: verifiers present the document or its commitment',
        allow: everyone,
        request: (_c, w) => ({
            method: 'POST',
            path: `/credentials/${w.credentialId}/verify`,
            body: { commitment: 'c'.repeat(64) },
        }),
    },
    {
        route: 'GET /credentials/{id}/history',
        transaction: 'credentials:GetCredentialHistory',
        rule: "the regulator, the issuing org (admin or issuing role), the subject, an admin of the subject's org",
        allow: or(regulators, is('hospital/admin')),
        request: (_c, w) => ({ method: 'GET', path: `/credentials/${w.credentialId}/history` }),
    },
    {
        route: 'GET /practitioners/{mspId}/{actorId}/standing/{type}',
        transaction: 'credentials:CheckPractitioner',
        rule: 'any member: whether a practitioner may act now (valid / suspended / revoked / expired / none)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/practitioners/HospitalMSP/prac-hosp-0001/standing/MedicalLicense' }),
    },
    {
        route: 'GET /practitioners/{mspId}/{actorId}/credentials',
        transaction: 'credentials:ListCredentialsBySubject',
        rule: "the regulator, the practitioner, an admin of the practitioner's org",
        allow: or(regulators, is('hospital/admin', 'hospital/physician1')),
        request: () => ({ method: 'GET', path: '/practitioners/HospitalMSP/prac-hosp-0001/credentials' }),
    },
    {
        route: '(contract)',
        transaction: 'credentials:ListCredentialsByIssuer',
        rule: 'the regulator, an admin of the issuing org',
        allow: regulators,
        request: () => ({
            contract: 'credentials',
            name: 'ListCredentialsByIssuer',
            args: ['RegulatorMSP', '', ''],
            evaluate: true,
        }),
    },
    {
        route: 'POST /credentials/status/{issuer}/{purpose}/anchor',
        transaction:
            'credentials-status:PublishStatusList, credentials-status:RecordStatusListBlock (signed by the gateway, submitted as the caller)',
        rule: "an admin of the issuing org, at its own gateway (here: RegulatorMSP's admin)",
        allow: is('regulator/admin'),
        request: () => ({ method: 'POST', path: '/credentials/status/RegulatorMSP/revocation/anchor' }),
    },
    {
        route: 'GET /credentials/status/{issuer}/{purpose}',
        transaction: 'credentials-status:GetStatusListCredential (the list as its issuer signed and published it)',
        rule: 'public: verifiers fetch any issuer’s status list without an account; every gateway serves the same bytes',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/credentials/status/RegulatorMSP/revocation' }),
    },
    {
        route: 'GET /credentials/status/{issuer}/{purpose}/anchor',
        transaction: 'credentials-status:GetStatusListCredential (its anchor: SHA-256, transaction, block)',
        rule: 'public: the anchor of a published status list is a hash',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/credentials/status/RegulatorMSP/revocation/anchor' }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:GetStatusListCredential',
        rule: 'any member: a published status list is public',
        allow: everyone,
        request: () => ({
            contract: 'credentials-status',
            name: 'GetStatusListCredential',
            args: ['RegulatorMSP', 'revocation'],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:AnchorStatusList',
        rule: 'an admin of the issuing org, for its own lists (here: RegulatorMSP; the hash of the list it published)',
        allow: is('regulator/admin'),
        prepare: async (_c, _w, fx) => ({
            sha256: createHash('sha256')
                .update(await fx.currentStatusList())
                .digest('hex'),
        }),
        request: (c, w) => ({
            contract: 'credentials-status',
            name: 'AnchorStatusList',
            args: ['RegulatorMSP', 'revocation', w.prepared.get(c.key)?.sha256 ?? 'a'.repeat(64)],
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:PublishStatusList',
        rule: 'an admin of the issuing org, for its own lists (here: RegulatorMSP republishing the exact bytes it signed)',
        allow: is('regulator/admin'),
        prepare: async (_c, _w, fx) => ({ list: await fx.currentStatusList() }),
        request: (_c, w) => ({
            contract: 'credentials-status',
            name: 'PublishStatusList',
            args: ['RegulatorMSP', 'revocation', w.publishedList],
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:RecordStatusListBlock',
        rule: 'an admin of the issuing org, for its latest publication, once',
        allow: is('regulator/admin'),
        prepare: async (c, w, fx) => {
            const published = (await fx.direct(c, {
                contract: 'credentials-status',
                name: 'PublishStatusList',
                args: ['RegulatorMSP', 'revocation', w.publishedList],
            })) as { transactionId: string; blockNumber: bigint };
            return { txId: published.transactionId, block: String(published.blockNumber) };
        },
        request: (c, w) => ({
            contract: 'credentials-status',
            name: 'RecordStatusListBlock',
            args: [
                'RegulatorMSP',
                'revocation',
                w.prepared.get(c.key)?.txId ?? 'tx-unknown',
                w.prepared.get(c.key)?.block ?? '0',
            ],
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:PublishCredentialDocument',
        rule: 'an admin of the issuing org, once per credential (here: RegulatorMSP; the document signed with a key bound to it)',
        allow: is('regulator/admin'),
        prepare: async (c, _w, fx) => {
            const id = uniqueId('lic-unpublished');
            await fx.direct(c, {
                contract: 'credentials',
                name: 'IssueCredential',
                args: [
                    JSON.stringify({
                        id,
                        type: 'MedicalLicense',
                        subject: { mspId: 'HospitalMSP', actorId: uniqueId('prac-m') },
                        commitment: commitDocument(uniqueId('doc')).commitment,
                    }),
                ],
            });
            return { id, document: await fx.signedCredential(id) };
        },
        request: (c, w) => ({
            contract: 'credentials-status',
            name: 'PublishCredentialDocument',
            args: [
                w.prepared.get(c.key)?.id ?? w.credentialId,
                w.prepared.get(c.key)?.document ?? JSON.stringify(w.physicianVc),
            ],
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:GetCredentialDocument',
        rule: 'any member: the signed VC holds what the attestation shows (no document, no PHI)',
        allow: everyone,
        request: (_c, w) => ({
            contract: 'credentials-status',
            name: 'GetCredentialDocument',
            args: [w.physicianLicenseId],
            evaluate: true,
        }),
    },
    {
        route: 'GET /dids/{issuer}/did.json',
        transaction: 'credentials-issuers:ListIssuerKeys (the active keys as a did:web document)',
        rule: 'public: an issuer’s DID document (its bound public keys)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/dids/RegulatorMSP/did.json' }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-issuers:ListIssuerKeys',
        rule: 'any member: issuing keys are public',
        allow: everyone,
        request: () => ({
            contract: 'credentials-issuers',
            name: 'ListIssuerKeys',
            args: ['RegulatorMSP', '', ''],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-issuers:BindIssuerKey',
        rule: 'an admin of the org the key is bound to (always the caller’s own org; the key is public)',
        allow: admins,
        prepare: async (c, w) => {
            const key = generateIssuingKey().publicKeyMultibase;
            w.boundKeys.set(c.key, key);
            return { key };
        },
        request: (c, w) => ({
            contract: 'credentials-issuers',
            name: 'BindIssuerKey',
            args: [w.prepared.get(c.key)?.key ?? generateIssuingKey().publicKeyMultibase],
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-issuers:RetireIssuerKey',
        rule: 'an admin of the org, of its own keys (here: the key it bound in the row above)',
        allow: admins,
        prepare: async (c, w) => ({ key: w.boundKeys.get(c.key)! }),
        request: (c, w) => ({
            contract: 'credentials-issuers',
            name: 'RetireIssuerKey',
            args: [w.prepared.get(c.key)?.key ?? [...w.boundKeys.values()][0]],
        }),
    },
    {
        route: 'GET /credentials/issuers/{mspId}/{type}',
        transaction: 'credentials-issuers:GetIssuer',
        rule: 'public: whether the consortium trusts an org to issue a type (roles and who updated it left out)',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/credentials/issuers/RegulatorMSP/MedicalLicense' }),
    },
    {
        route: 'GET /ns/credentials/v1',
        transaction: '(gateway)',
        rule: 'public: CareLedger’s JSON-LD context',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/ns/credentials/v1' }),
    },
    {
        route: 'POST /presentations/prove',
        transaction:
            'credentials:GetCredential, credentials:GetCredentialHistory, credentials-status:GetCredentialDocument (the gateway signs as holder)',
        rule: "the holder, at its own org's gateway: the credential's subject or an admin of the subject's org (the ledger decides: GetCredentialHistory); never the issuer or the regulator",
        allow: is('hospital/admin', 'hospital/physician1'),
        request: (_c, w) => ({
            method: 'POST',
            path: '/presentations/prove',
            body: {
                credentialIds: [w.physicianLicenseId],
                challenge: uniqueId('challenge'),
                domain: 'verifier.example',
            },
        }),
    },
    {
        route: 'POST /credentials/verify',
        transaction: '(gateway verifier: proof, issuer keys, trust and status lists read from the ledger)',
        rule: 'public: anyone verifies a presented VC',
        allow: everyone,
        request: (_c, w) => ({
            method: 'POST',
            path: '/credentials/verify',
            body: { verifiableCredential: w.physicianVc },
        }),
    },
    {
        route: 'POST /presentations/verify',
        transaction: '(gateway verifier: holder proof, challenge and domain, then each credential)',
        rule: 'public: anyone verifies a presentation it was sent',
        allow: everyone,
        request: (_c, w) => ({
            method: 'POST',
            path: '/presentations/verify',
            body: {
                verifiablePresentation: w.physicianVp,
                options: { challenge: 'matrix-challenge-0001', domain: 'verifier.example' },
            },
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:GetStatusListAnchor',
        rule: 'any member: the anchor is a public hash',
        allow: everyone,
        request: () => ({
            contract: 'credentials-status',
            name: 'GetStatusListAnchor',
            args: ['RegulatorMSP', 'revocation'],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:ListStatusListAnchors',
        rule: 'any member',
        allow: everyone,
        request: () => ({
            contract: 'credentials-status',
            name: 'ListStatusListAnchors',
            args: ['RegulatorMSP', 'revocation', '', ''],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'credentials-status:ListStatusListEntries',
        rule: 'the regulator, an admin of the issuing org',
        allow: regulators,
        request: () => ({
            contract: 'credentials-status',
            name: 'ListStatusListEntries',
            args: ['RegulatorMSP', '', ''],
            evaluate: true,
        }),
    },
    // Supply ----------------------------------------------------------------------------------
    {
        route: 'POST /supply/partners',
        transaction: 'supply:AuthorizePartner',
        rule: 'an inspector or admin of RegulatorMSP',
        allow: regulators,
        request: () => ({
            method: 'POST',
            path: '/supply/partners',
            body: { mspId: 'DistributorMSP', kind: 'distributor' },
        }),
    },
    {
        route: 'GET /supply/partners',
        transaction: 'supply-trace:GetPartner',
        rule: 'any member: who is an authorised trading partner',
        allow: everyone,
        request: () => ({ method: 'GET', path: '/supply/partners' }),
    },
    {
        route: 'POST /supply/products',
        transaction: 'supply:RegisterProduct',
        rule: 'an operator, pharmacist or admin of an authorised manufacturer',
        allow: manufacturerActors,
        request: () => ({
            method: 'POST',
            path: '/supply/products',
            body: { gtin: newGtin(), name: 'Matrixol 10 mg', strength: '10 mg', dosageForm: 'tablet' },
        }),
    },
    {
        route: 'GET /supply/products/{gtin}',
        transaction: 'supply-trace:GetProduct',
        rule: 'any member: the product master data',
        allow: everyone,
        request: (_c, w) => ({ method: 'GET', path: `/supply/products/${w.gtin}` }),
    },
    {
        route: 'POST /supply/lots',
        transaction: 'supply:RegisterLot',
        rule: 'the manufacturer that registered the GTIN (operator, pharmacist, admin)',
        allow: manufacturerActors,
        request: (_c, w) => ({
            method: 'POST',
            path: '/supply/lots',
            body: { gtin: w.gtin, lot: uniqueId('L'), expiry, quantity: 10 },
        }),
    },
    {
        route: 'GET /supply/lots/{gtin}/{lot}',
        transaction: 'supply-trace:GetLot',
        rule: 'any member: lot master data, recall and suspicion status',
        allow: everyone,
        request: (_c, w) => ({ method: 'GET', path: `/supply/lots/${w.gtin}/${w.lot}` }),
    },
    {
        route: 'POST /supply/lots/{gtin}/{lot}/commission',
        transaction: 'supply:CommissionUnits',
        rule: 'the manufacturer that registered the GTIN',
        allow: manufacturerActors,
        request: (_c, w) => ({
            method: 'POST',
            path: `/supply/lots/${w.gtin}/${w.lot}/commission`,
            body: { serials: [uniqueId('C')] },
        }),
    },
    {
        route: 'POST /supply/pack',
        transaction: 'supply:Pack',
        rule: "the object's custodian (its partner roles)",
        allow: manufacturerActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => {
            const unit = w.prepared.get(c.key) ?? w.heldUnit;
            return {
                method: 'POST',
                path: '/supply/pack',
                body: { sscc: newSscc(), children: [itemOf(unit as never)] },
            };
        },
    },
    {
        route: 'POST /supply/unpack',
        transaction: 'supply:Unpack',
        rule: "the container's custodian",
        allow: manufacturerActors,
        prepare: async (_c, _w, fx) => {
            const sscc = newSscc();
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/pack', {
                sscc,
                children: [itemOf(fx.nextUnit())],
            });
            return { sscc };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/unpack',
            body: { sscc: w.prepared.get(c.key)?.sscc ?? w.sscc },
        }),
    },
    {
        route: 'POST /supply/ship',
        transaction: 'supply:Ship',
        rule: "the object's custodian, to an authorised partner",
        allow: manufacturerActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/ship',
            body: {
                items: [itemOf((w.prepared.get(c.key) ?? w.heldUnit) as never)],
                to: c.mspId === 'DistributorMSP' ? 'HospitalMSP' : 'DistributorMSP',
            },
        }),
    },
    {
        route: 'POST /supply/receive',
        transaction: 'supply:Receive',
        rule: "the shipment's destination",
        allow: distributorActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
                items: [itemOf(unit)],
                to: 'DistributorMSP',
            });
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/receive',
            body: { items: [itemOf((w.prepared.get(c.key) ?? w.inTransitUnit) as never)] },
        }),
    },
    {
        route: 'POST /supply/reject',
        transaction: 'supply:Reject',
        rule: "the shipment's destination",
        allow: distributorActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
                items: [itemOf(unit)],
                to: 'DistributorMSP',
            });
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/reject',
            body: { items: [itemOf((w.prepared.get(c.key) ?? w.inTransitUnit) as never)], reason: 'damaged' },
        }),
    },
    {
        route: 'POST /supply/dispense',
        transaction: 'supply:Dispense',
        rule: 'a pharmacist of a dispenser holding the unit, with a valid PharmacistLicense',
        allow: is('hospital/pharmacist1'),
        prepare: async (_c, _w, fx) => {
            const unit = await fx.unitAtHospital();
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/dispense',
            body: { item: itemOf((w.prepared.get(c.key) ?? w.hospitalUnit) as never) },
        }),
    },
    {
        route: 'POST /supply/decommission',
        transaction: 'supply:Decommission',
        rule: "the unit's custodian",
        allow: manufacturerActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/decommission',
            body: { item: itemOf((w.prepared.get(c.key) ?? w.heldUnit) as never), reason: 'damaged' },
        }),
    },
    {
        route: 'POST /supply/recalls',
        transaction: 'supply-safety:RecallLot',
        rule: "the product's manufacturer or the regulator (inspector, admin)",
        allow: or(manufacturerActors, regulators),
        prepare: async (_c, w, fx) => {
            const lot = uniqueId('LR');
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/lots', {
                gtin: w.gtin,
                lot,
                expiry,
                quantity: 1,
            });
            return { lot };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/recalls',
            body: { gtin: w.gtin, lot: w.prepared.get(c.key)?.lot ?? w.lot, recallClass: 'II', reason: 'labelling' },
        }),
    },
    {
        route: 'POST /supply/suspicions',
        transaction: 'supply-safety:Quarantine',
        rule: 'of a unit: its custodian or the org it is in transit to; of a lot: manufacturer, regulator or a holder',
        allow: manufacturerActors,
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: '/supply/suspicions',
            body: { item: itemOf((w.prepared.get(c.key) ?? w.heldUnit) as never), reason: 'seal broken' },
        }),
    },
    ...(['clear', 'illegitimate'] as const).map((kind): Row => ({
        route: `POST /supply/suspicions/${kind}`,
        transaction: kind === 'clear' ? 'supply-safety:ClearSuspicion' : 'supply-safety:ConfirmIllegitimate',
        rule: "the product's manufacturer or the regulator, of an open suspicion",
        allow: or(manufacturerActors, regulators),
        prepare: async (_c, _w, fx) => {
            const unit = fx.nextUnit();
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/suspicions', {
                item: itemOf(unit),
                reason: 'seal broken',
            });
            return { gtin: unit.gtin, serial: unit.serial };
        },
        request: (c, w) => ({
            method: 'POST',
            path: `/supply/suspicions/${kind}`,
            body: { item: itemOf((w.prepared.get(c.key) ?? w.suspectUnit) as never), reason: 'investigated' },
        }),
    })),
    {
        route: 'GET /supply/suspicions',
        transaction: 'supply-safety:ListOpenSuspicions',
        rule: "trade data: the regulator all open cases; a partner's trading roles those on its products or raised by its org; patients and clinicians refused",
        allow: tradeReaders,
        request: () => ({ method: 'GET', path: '/supply/suspicions' }),
    },
    {
        route: 'GET /supply/unit',
        transaction: 'supply-trace:GetUnit',
        rule: 'current custody (trade data): the regulator; the trading roles (operator, pharmacist, admin) of the custodian or the destination (here: the hospital holds the unit)',
        allow: or(regulators, hospitalTraders),
        request: (_c, w) => ({ method: 'GET', path: `/supply/unit?item=${encodeURIComponent(ai(w.hospitalUnit))}` }),
    },
    {
        route: 'GET /supply/unit/history',
        transaction: 'supply-trace:GetUnitHistory',
        rule: 'trade data: the regulator; the trading roles of the orgs that handled the unit, up to their last step (here: manufacturer → hospital); never a patient or clinician of those orgs',
        allow: or(regulators, manufacturerActors, hospitalTraders),
        request: (_c, w) => ({
            method: 'GET',
            path: `/supply/unit/history?item=${encodeURIComponent(ai(w.hospitalUnit))}`,
        }),
    },
    {
        route: 'GET /supply/unit/epcis',
        transaction: 'supply-trace:GetUnitHistory (as EPCIS 2.0)',
        rule: 'as the unit history',
        allow: or(regulators, manufacturerActors, hospitalTraders),
        request: (_c, w) => ({
            method: 'GET',
            path: `/supply/unit/epcis?item=${encodeURIComponent(ai(w.hospitalUnit))}`,
        }),
    },
    {
        route: 'GET /supply/container',
        transaction: 'supply-trace:GetContainer',
        rule: 'current custody (trade data): the regulator; the trading roles of the custodian or the destination (here: the hospital holds the case)',
        allow: or(regulators, hospitalTraders),
        request: (_c, w) => ({
            method: 'GET',
            path: `/supply/container?item=${encodeURIComponent(`(00)${w.hospitalSscc}`)}`,
        }),
    },
    {
        route: '(contract)',
        transaction: 'supply-trace:GetContainerHistory',
        rule: 'trade data: the regulator; the trading roles of the orgs that handled the case, up to their last step',
        allow: or(regulators, manufacturerActors, hospitalTraders),
        request: (_c, w) => ({
            contract: 'supply-trace',
            name: 'GetContainerHistory',
            args: [`(00)${w.hospitalSscc}`],
            evaluate: true,
        }),
    },
    {
        route: 'GET /supply/lots/{gtin}/{lot}/history',
        transaction: 'supply-trace:GetLotHistory',
        rule: 'trade data: the regulator all steps; the trading roles (operator, pharmacist, admin) of a partner the steps its org took part in and the lot-level facts; patients and clinicians refused (the lot and its recall: GET /supply/lots/{gtin}/{lot})',
        allow: tradeReaders,
        request: (_c, w) => ({ method: 'GET', path: `/supply/lots/${w.gtin}/${w.lot}/history` }),
    },
    {
        route: 'GET /supply/lots/{gtin}/{lot}/epcis',
        transaction: 'supply-trace:GetLotHistory (as EPCIS 2.0)',
        rule: 'trade data: the regulator all steps; the trading roles (operator, pharmacist, admin) of a partner the steps its org took part in and the lot-level facts; patients and clinicians refused (the lot and its recall: GET /supply/lots/{gtin}/{lot})',
        allow: tradeReaders,
        request: (_c, w) => ({ method: 'GET', path: `/supply/lots/${w.gtin}/${w.lot}/epcis` }),
    },
    {
        route: 'GET /supply/lots/{gtin}/{lot}/whereabouts',
        transaction: 'supply-trace:GetLotWhereabouts',
        rule: 'the regulator only',
        allow: regulators,
        request: (_c, w) => ({ method: 'GET', path: `/supply/lots/${w.gtin}/${w.lot}/whereabouts` }),
    },
    {
        route: '(contract)',
        transaction: 'supply-trace:ListHoldings',
        rule: "trade data: the regulator lists anyone's holdings; a partner's trading roles their own org's (here each lists its own)",
        allow: tradeReaders,
        request: (_c, w) => ({
            contract: 'supply-trace',
            name: 'ListHoldings',
            args: [w.gtin, w.lot, '', '', ''],
            evaluate: true,
        }),
    },
    {
        route: '(contract)',
        transaction: 'supply-trace:GetShipment',
        rule: 'trade data: the regulator; the trading roles of the sender and the destination (here: manufacturer → hospital)',
        allow: or(regulators, manufacturerActors, hospitalTraders),
        request: (_c, w) => ({
            contract: 'supply-trace',
            name: 'GetShipment',
            args: [w.hospitalShipmentTxId],
            evaluate: true,
        }),
    },
    {
        route: 'POST /supply/verifications',
        transaction: 'supply-safety:RecordVerification',
        rule: 'an operator, pharmacist or admin of an authorised trading partner',
        allow: partnerActors,
        request: (_c, w) => ({
            method: 'POST',
            path: '/supply/verifications',
            body: {
                product: { gtin: w.heldUnit.gtin, serial: w.heldUnit.serial, lot: w.lot, expiry },
                context: 'dscsaSaleableReturn',
            },
        }),
    },
    {
        route: 'GET /verify/01/{gtin}/10/{lot}/21/{serial}',
        transaction: 'supply-safety:VerifyProduct',
        rule: 'anyone: the verdict depends on the identifier and the ledger, never on who asks',
        allow: everyone,
        request: (_c, w) => ({
            method: 'GET',
            path: `/verify/01/${w.heldUnit.gtin}/10/${w.lot}/21/${w.heldUnit.serial}?17=${expiry}`,
        }),
    },
    {
        route: 'POST /supply/verify',
        transaction: 'supply-safety:VerifyProducts',
        rule: 'public: anyone (a list of identifiers, each verdict as VerifyProduct; never depends on who asks)',
        allow: everyone,
        request: (_c, w) => ({ method: 'POST', path: '/supply/verify', body: { products: [ai(w.heldUnit)] } }),
    },
    {
        route: 'GET /verify/01/{gtin}/21/{serial}',
        transaction: 'supply-safety:VerifyProduct',
        rule: 'anyone',
        allow: everyone,
        request: (_c, w) => ({ method: 'GET', path: `/verify/01/${w.heldUnit.gtin}/21/${w.heldUnit.serial}` }),
    },
    {
        route: 'GET /epcis/events',
        transaction: 'supply-trace:GetUnitHistory, GetContainerHistory, GetLotHistory (EPCIS query)',
        rule: 'as the unit history: the regulator and the trading roles of the orgs that handled the object (here: manufacturer → hospital)',
        allow: or(regulators, manufacturerActors, hospitalTraders),
        request: (_c, w) => ({
            method: 'GET',
            path: `/epcis/events?MATCH_epc=${encodeURIComponent(`https://id.gs1.org/01/${w.hospitalUnit.gtin}/21/${w.hospitalUnit.serial}`)}`,
        }),
    },
    // History index (gateway) -----------------------------------------------------------------
    ...[
        ['/history/status', everyone, 'any valid token (index progress)'],
        ['/history/transactions', notPatients, 'the regulator: all; others: their own org’s rows; patients: refused'],
        [
            '/history/keys',
            tradeReaders,
            'a key’s value as the viewer’s org wrote it (the regulator: any), under the object’s own rule: a supply key is trade data (here a unit’s), an EHR key for regulator inspectors only',
        ],
        [
            '/history/supply/custody',
            or(regulators, manufacturerActors, hospitalTraders),
            'trade data, as on the ledger: the regulator; the trading roles of the orgs that made, held or were sent the unit (here: manufacturer → hospital)',
        ],
        [
            '/history/supply/lots',
            tradeReaders,
            'trade data: the regulator all units; trading roles their own org’s units; patients and clinicians refused',
        ],
        [
            '/history/supply/recalls',
            everyone,
            'recall notices are public, as GET /supply/lots/{gtin}/{lot} on the ledger: every member sees which lots are recalled, when, by whom; the reach (units located, secured, dispensed after) only for the regulator and trading roles (their org’s units)',
        ],
        [
            '/history/supply/suspect-cases',
            tradeReaders,
            'trade data: the regulator all cases; trading roles those their org opened or closed; patients and clinicians refused',
        ],
        [
            '/history/ehr/audit',
            trailReaders,
            'as the chaincode’s trails: the regulator’s inspector all; a patient their own; an org’s staff (physician, nurse, admin) the accesses by or to it; other roles refused',
        ],
        [
            '/history/credentials/misuse',
            trailReaders,
            'accesses allowed while the licence was suspended or revoked, as audit rows (same readers as the audit)',
        ],
        [
            '/history/credentials/issuance',
            notPatients,
            'the regulator all; an org’s admin what it issued or holds; others their own and what their role issued; patients refused',
        ],
    ].map(([url, allow, rule]): Row => ({
        route: `GET ${url as string}`,
        transaction: '(gateway: history index, policy.ts)',
        rule: rule as string,
        allow: allow as (c: Caller) => boolean,
        request: () => ({
            method: 'GET',
            path: `${url as string}${historyQuery(url as string)}`,
        }),
    })),
    {
        route: 'GET /history/reports/{name}',
        transaction: '(gateway: history index, policy.ts)',
        rule: 'as the rows each report reads (break-glass-monthly: audit; a patient sees their own)',
        allow: trailReaders,
        request: () => ({ method: 'GET', path: '/history/reports/break-glass-monthly' }),
    },
    {
        route: 'POST /history/verify',
        transaction: '(gateway: history index)',
        rule: "an admin of the gateway's org, the regulator",
        allow: or(admins, regulators),
        request: () => ({ method: 'POST', path: '/history/verify' }),
    },
    // Offline signing -------------------------------------------------------------------------
    {
        route: 'POST /offline/proposals',
        transaction: '(gateway: prepares any transaction for the client to sign)',
        rule: 'any valid token; the prepared proposal is bound to that user',
        allow: everyone,
        request: () => ({
            method: 'POST',
            path: '/offline/proposals',
            body: { contract: 'system', name: 'WhoAmI', evaluate: true },
        }),
    },
    {
        route: 'POST /offline/proposals/{id}/signature',
        transaction: '(gateway)',
        rule: 'the user the proposal was prepared for (here: every cell signs another user’s proposal at its own gateway)',
        allow: () => false,
        request: (c, w) => ({
            method: 'POST',
            path: `/offline/proposals/${w.prepared.get(`offline/${c.org}`)?.id ?? 'none'}/signature`,
            body: { signature: Buffer.from('x').toString('base64') },
        }),
    },
    // Last: the patient's erasure makes the record a tombstone --------------------------------
    {
        route: 'POST /ehr/erasure',
        transaction: 'ehr-erasure:RequestErasure, ehr-erasure:PurgeErasedLocations',
        rule: 'the patient only (own records at one custodian); purge endorsed by the custodian',
        allow: patients,
        prepare: async (c, _w, fx) => {
            const body = { ...recordBody(), patientId: c.user === 'patient1' ? patientId : 'pat-2b9d51f0' };
            await fx.as('hospital', 'physician1', 'POST', '/ehr/records', body);
            return {};
        },
        request: () => ({ method: 'POST', path: '/ehr/erasure', body: { custodianMsp: 'HospitalMSP' } }),
    },
];

/** The query each history row sends: the unit and lot of the world, resolved when the row runs. */
let historyWorld: World | undefined;
function historyQuery(url: string): string {
    const w = historyWorld!;
    switch (url) {
        case '/history/keys':
            return `?key=${encodeURIComponent(JSON.stringify(['supply.unit', w.hospitalUnit.gtin, w.hospitalUnit.serial]))}`;
        case '/history/supply/custody':
            return `?gtin=${w.hospitalUnit.gtin}&serial=${w.hospitalUnit.serial}`;
        case '/history/supply/lots':
            return `?gtin=${w.gtin}&lot=${w.lot}`;
        default:
            return '';
    }
}

function markdown(cells: number): string {
    const header = ['Route', 'Transaction', ...callers.map((c) => `${c.org} ${c.role}`), 'Rule (why)'];
    const lines = [
        '# Access matrix',
        '',
        'Generated from `test/security/access-matrix.test.ts` (`UPDATE_ACCESS_MATRIX=1 npx jest test/security/access-matrix.test.ts`),',
        'which runs every cell with the demo identities of every org through each org’s gateway: on the embedded ledger in CI,',
        'on the Fabric network in the Fabric tier. Every route of the OpenAPI document and every transaction of the chaincode',
        'has a row (the test fails otherwise); `(contract)` rows are transactions no route wraps, called through the org’s ledger',
        `session. ${rows.length} rows × ${callers.length} identities = ${cells} cells.`,
        '',
        '**allow**: passes the access rule and succeeds (2xx; 409 on the shared ledger where a create already happened);',
        '**deny**: refused with FORBIDDEN (403), the reason in the message; ledger unchanged, or a denied access entry on the',
        'audit trail (EHR reads). Access is decided in chaincode from the caller’s certificate (MSP, `careledger.role`,',
        '`careledger.id`, and for patients the bound key), never from arguments; rows marked (gateway) / (org CA) are decided by',
        'the gateway from the token’s certificate. Scoped reads (history index, lot histories) allow and filter rows.',
        'Public routes (no token needed) answer every identity alike. Under `/fhir/r4` a deny is an OperationOutcome with',
        'HTTP 403 and issue code `forbidden` (in a batch: the entry’s status). Supply trade data (custody, histories,',
        'holdings, shipments, suspect cases; on the ledger and in the history index alike) is for the regulator and the',
        'trading roles (operator, pharmacist, admin) of the orgs that took part, never a patient or clinician; products,',
        'lots and their recall notices are public to members.',
        '',
        `| ${header.join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map(
            (r) =>
                `| ${r.route} | ${r.transaction} | ${callers.map((c) => (r.allow(c) ? 'allow' : 'deny')).join(' | ')} | ${r.rule} |`,
        ),
        '',
    ];
    return lines.join('\n');
}

function transactionsOfChaincode(): string[] {
    return contracts.flatMap((Contract) => {
        const name = (new Contract() as unknown as { getName(): string }).getName();
        const metas = (Reflect.getMetadata('fabric:transactions', Contract.prototype) ?? []) as Array<{ name: string }>;
        return metas.map((meta) => `${name}:${meta.name}`);
    });
}

const isDirect = (cell: Cell): cell is Direct => 'contract' in cell;

describe('access matrix: every route and transaction × every role of every org, real identities', () => {
    let env: ScenarioLedger;
    let history: HistoryIndex;
    const gateways = new Map<string, MatrixGateway>();
    const world = { prepared: new Map(), boundKeys: new Map(), publishedList: '{}' } as World;
    let vcIssuer: CredentialIssuer;
    historyWorld = world;
    const tally = { cells: 0, violations: 0 };
    let serial = 0;
    let routes: string[] = [];

    const fx: Fixtures = {
        gateway: (org) => gateways.get(org)!,
        async as(org, user, method, path, body) {
            const gateway = gateways.get(org)!;
            const answer = await gateway.call(method, path, { token: await gateway.token(user), body });
            if (answer.status >= 300 && answer.status !== 409) {
                throw new Error(
                    `fixture ${org}/${user} ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
                );
            }
            return answer.body;
        },
        nextUnit: () => ({ gtin: world.gtin, serial: `P${(serial += 1)}` }),
        async direct(c, cell) {
            const session = await env.session(c.org, c.user);
            const request = {
                contract: cell.contract,
                name: cell.name,
                args: cell.args ?? [],
                transient: cell.transient,
            };
            return cell.evaluate ? session.evaluate(request) : session.submit(request);
        },
        async issueCredential(actorId = uniqueId('prac-m')) {
            const id = uniqueId('lic-m');
            await fx.as('regulator', 'admin', 'POST', '/credentials', {
                id,
                type: 'MedicalLicense',
                subject: { mspId: 'HospitalMSP', actorId },
                commitment: commitDocument(uniqueId('doc')).commitment,
            });
            return id;
        },
        async unitAtHospital() {
            const unit = fx.nextUnit();
            await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
                items: [itemOf(unit)],
                to: 'HospitalMSP',
            });
            await fx.as('hospital', 'pharmacist1', 'POST', '/supply/receive', { items: [itemOf(unit)] });
            return unit;
        },
        async currentStatusList() {
            const session = await env.session('regulator', 'admin');
            const published = JSON.parse(
                Buffer.from(
                    await session.evaluate({
                        contract: 'credentials-status',
                        name: 'GetStatusListCredential',
                        args: ['RegulatorMSP', 'revocation'],
                    }),
                ).toString('utf8'),
            ) as { credential: string };
            world.publishedList = published.credential;
            return published.credential;
        },
        async signedCredential(id) {
            const credential = await fx.as('regulator', 'admin', 'GET', `/credentials/${id}`);
            return JSON.stringify(await vcIssuer.signCredential(credential as never));
        },
        async pendingRecord() {
            const id = uniqueId('rec-pending');
            const { location: _location, ...pointer } = recordBody(id);
            await fx.direct(callers[1], {
                contract: 'ehr',
                name: 'RegisterRecord',
                args: [
                    JSON.stringify({
                        ...pointer,
                        locationDigest: createHash('sha256').update(`salt:${id}`).digest('hex'),
                    }),
                ],
            });
            return id;
        },
    };

    beforeAll(async () => {
        keepNoArtefacts();
        env = await openScenarioLedger();
        history = await HistoryIndex.open({
            databaseUrl: 'memory://',
            session: env.ledger.connect(await env.ledger.identities.get('regulator', 'admin')),
            source: `${env.kind}:careledger/careledger`,
        });
        history.start();
        for (const org of ['hospital', 'manufacturer', 'distributor', 'regulator']) {
            const gateway = await startGateway(env, org, { rateLimit: false, history });
            gateways.set(org, {
                ...gateway,
                freshToken: async (user) => gateway.tokens.issue(org, user, await env.ledger.identities.get(org, user)),
            });
        }
        const spec = (await (await fetch(`${gateways.get('hospital')!.url}/openapi.json`)).json()) as {
            paths: Record<string, Record<string, unknown>>;
        };
        routes = Object.entries(spec.paths).flatMap(([template, methods]) =>
            Object.keys(methods).map((method) => `${method.toUpperCase()} ${template}`),
        );

        const regulator = gateways.get('regulator')!;
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' }, 'NursingLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' }, 'PharmacistLicense');
        for (const user of ['patient1', 'patient2']) {
            await fx.as('hospital', user, 'POST', '/ehr/patients/enrol');
        }
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ]) {
            await fx.as('regulator', 'inspector1', 'POST', '/supply/partners', { mspId, kind });
        }
        // On the shared Fabric ledger the matrix runs after every other file; a consent one of them left live would
        // admit a clinician this table denies. The matrix's world starts with none of its patients' consents live.
        for (const user of ['patient1', 'patient2']) {
            let bookmark = '';
            for (let page = 0; page < 100; page += 1) {
                const query = `pageSize=200${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
                const listed = (await fx.as('hospital', user, 'GET', `/ehr/patients/me/consents?${query}`)) as {
                    items: Array<{ id: string; status: string }>;
                    bookmark: string;
                };
                for (const consent of listed.items.filter((c) => c.status === 'active')) {
                    await fx.as('hospital', user, 'POST', `/ehr/consents/${encodeURIComponent(consent.id)}/revoke`);
                }
                bookmark = listed.bookmark;
                if (!bookmark || listed.items.length === 0) break;
            }
        }
        // EHR: a record of patient1, a consent to a practitioner outside the matrix, an audit entry, a document.
        const record = recordBody();
        await fx.as('hospital', 'physician1', 'POST', '/ehr/records', record);
        world.recordId = record.id;
        world.consentId = uniqueId('consent-w');
        await fx.as('hospital', 'patient1', 'POST', '/ehr/consents', {
            id: world.consentId,
            grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' },
            scope: { kind: 'records', recordIds: [record.id] },
            purposes: ['TREAT'],
            period: { end: new Date(Date.now() + 3_600_000).toISOString() },
        });
        const read = (await fx.as('hospital', 'patient1', 'POST', `/ehr/records/${record.id}/access`, {
            purpose: 'TREAT',
        })) as { access: { audit: { id: string } } };
        world.auditId = read.access.audit.id;
        world.documentId = uniqueId('doc-w');
        await fx.as('hospital', 'physician1', 'POST', '/documents', {
            recordId: world.documentId,
            patientId,
            type: { system: 'http://loinc.org', code: '18842-5' },
            contentType: 'text/plain',
            content: Buffer.from('matrix world document').toString('base64'),
        });
        world.credentialId = await fx.issueCredential();
        // physician1's licence as a signed VC (the regulator's gateway publishes it when asked), and a presentation of it.
        const licences = (await fx.as(
            'regulator',
            'admin',
            'GET',
            '/practitioners/HospitalMSP/prac-hosp-0001/credentials?pageSize=200',
        )) as { items: Array<{ id: string; type: string; status: string; issuer: { mspId: string } }> };
        const licence = licences.items.find(
            (c) => c.type === 'MedicalLicense' && c.status === 'active' && c.issuer.mspId === 'RegulatorMSP',
        );
        expect(licence).toBeDefined();
        world.physicianLicenseId = licence!.id;
        world.physicianVc = await fx.as('regulator', 'admin', 'GET', `/credentials/${licence!.id}/vc`);
        world.physicianVp = await fx.as('hospital', 'physician1', 'POST', '/presentations/prove', {
            credentialIds: [licence!.id],
            challenge: 'matrix-challenge-0001',
            domain: 'verifier.example',
        });
        vcIssuer = new CredentialIssuer({
            mspId: 'RegulatorMSP',
            key: generateIssuingKey(),
            publicUrl: () => gateways.get('regulator')!.url,
            adminSession: () => env.session('regulator', 'admin'),
        });
        await fx.currentStatusList();
        // Supply: a product, a lot, a pool of units held by the manufacturer, one in transit, one at the hospital, one suspect, a case.
        world.gtin = newGtin();
        world.lot = uniqueId('L');
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/products', {
            gtin: world.gtin,
            name: 'Matrixol 10 mg',
            strength: '10 mg',
            dosageForm: 'tablet',
        });
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/lots', {
            gtin: world.gtin,
            lot: world.lot,
            expiry,
            quantity: 200,
        });
        await fx.as('manufacturer', 'operator1', 'POST', `/supply/lots/${world.gtin}/${world.lot}/commission`, {
            serials: Array.from({ length: 60 }, (_, i) => `P${i + 1}`),
        });
        world.heldUnit = fx.nextUnit();
        world.inTransitUnit = fx.nextUnit();
        const shipped = (await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
            items: [itemOf(world.inTransitUnit)],
            to: 'DistributorMSP',
        })) as { txId: string };
        world.shipmentTxId = shipped.txId;
        world.hospitalUnit = fx.nextUnit();
        const toHospital = (await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
            items: [itemOf(world.hospitalUnit)],
            to: 'HospitalMSP',
        })) as { txId: string };
        world.hospitalShipmentTxId = toHospital.txId;
        await fx.as('hospital', 'pharmacist1', 'POST', '/supply/receive', { items: [itemOf(world.hospitalUnit)] });
        world.hospitalSscc = newSscc();
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/pack', {
            sscc: world.hospitalSscc,
            children: [itemOf(fx.nextUnit())],
        });
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/ship', {
            items: [`(00)${world.hospitalSscc}`],
            to: 'HospitalMSP',
        });
        await fx.as('hospital', 'pharmacist1', 'POST', '/supply/receive', { items: [`(00)${world.hospitalSscc}`] });
        world.suspectUnit = fx.nextUnit();
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/suspicions', {
            item: itemOf(world.suspectUnit),
            reason: 'seal broken',
        });
        world.sscc = newSscc();
        await fx.as('manufacturer', 'operator1', 'POST', '/supply/pack', {
            sscc: world.sscc,
            children: [itemOf(fx.nextUnit())],
        });
        // One proposal per gateway, prepared by a user outside the matrix: every cell signs someone else's.
        for (const org of gateways.keys()) {
            const owner = (await fx.as(org, 'admin', 'POST', '/auth/enroll', {
                user: uniqueId(`offline-${org}`),
                role: 'operator',
                actorId: uniqueId('op-offline'),
            })) as { token: string };
            const proposal = await gateways.get(org)!.call<{ id: string }>('POST', '/offline/proposals', {
                token: owner.token,
                body: { contract: 'system', name: 'WhoAmI', evaluate: true },
            });
            expect(proposal.status).toBeLessThan(300);
            world.prepared.set(`offline/${org}`, { id: proposal.body.id });
        }
    });

    afterAll(async () => {
        process.stdout.write(
            `access matrix on ${env?.kind}: ${rows.length} rows, ${tally.cells} cells, ${tally.violations} violations\n`,
        );
        for (const gateway of gateways.values()) {
            await gateway.app.close();
        }
        await history?.close();
        await env?.close();
    });

    it('has a row for every route of the OpenAPI document and every transaction of the chaincode', () => {
        const covered = new Set(rows.map((r) => r.route));
        const named = new Set(
            rows.flatMap((r) => [...r.transaction.matchAll(/\b[a-z][a-z-]*:[A-Z]\w*/g)].map((m) => m[0])),
        );
        const missing = [
            ...routes.filter((route) => !covered.has(route)),
            ...transactionsOfChaincode().filter((tx) => !named.has(tx)),
        ];
        expect(routes.length).toBeGreaterThan(90);
        expect(missing).toEqual([]);
        // And no row names a route or a transaction that does not exist (a renamed one would linger).
        const known = new Set(transactionsOfChaincode());
        expect(rows.map((r) => r.route).filter((route) => route !== '(contract)' && !routes.includes(route))).toEqual(
            [],
        );
        expect([...named].filter((tx) => !known.has(tx))).toEqual([]);
    });

    it('docs/access-matrix.md is the table this test runs', () => {
        const file = path.join(__dirname, '..', '..', 'docs', 'access-matrix.md');
        const expected = markdown(rows.length * callers.length);
        if (process.env.UPDATE_ACCESS_MATRIX === '1') {
            fs.writeFileSync(file, expected);
        }
        expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    });

    it.each(rows.map((r) => [`${r.route} ${r.transaction}`, r] as const))('%s', async (_label, row) => {
        const violations: string[] = [];
        // Fixtures first (they may touch the keys the cells read), then the cells of the row concurrently.
        for (const caller of callers) {
            world.prepared.delete(caller.key);
            if (row.transaction.startsWith('(gateway: history') && caller === callers[0]) {
                // The index runs (started in beforeAll): catching up waits for the chain height, never stops it.
                await history.catchUp();
            }
            if (row.prepare && row.allow(caller)) {
                world.prepared.set(caller.key, await row.prepare(caller, world, fx));
            }
        }
        await Promise.all(
            callers.map(async (caller) => {
                const expected = row.allow(caller) ? 'allow' : 'deny';
                const cell = row.request(caller, world);
                let outcome: { status: number; code?: string; detail: string };
                if (isDirect(cell)) {
                    try {
                        await fx.direct(caller, cell);
                        outcome = { status: 200, detail: 'ok' };
                    } catch (error) {
                        const code = error instanceof LedgerError ? error.code : undefined;
                        outcome = {
                            status: code === 'FORBIDDEN' ? 403 : code === 'CONFLICT' ? 409 : 400,
                            code,
                            detail: (error as Error).message.slice(0, 200),
                        };
                    }
                } else {
                    const gateway = gateways.get(caller.org)!;
                    const token = cell.noToken ? undefined : (cell.token ?? (await gateway.token(caller.user)));
                    if (cell.stream) {
                        const response = await fetch(`${gateway.url}${cell.path}`, {
                            headers: { authorization: `Bearer ${token}` },
                            signal: AbortSignal.timeout(30_000),
                        });
                        await response.body?.cancel();
                        outcome = { status: response.status, detail: '' };
                    } else {
                        const answer = await gateway.call<{ code?: string; message?: string }>(cell.method, cell.path, {
                            token,
                            body: cell.body,
                        });
                        const seen = row.outcome?.(answer.status, answer.body) ?? {
                            status: answer.status,
                            // Under /fhir/r4 an error is an OperationOutcome: its issue code (forbidden) is the code.
                            code: answer.body?.code ?? fhirCode(answer.body),
                        };
                        outcome = { ...seen, detail: JSON.stringify(answer.body).slice(0, 200) };
                    }
                }
                tally.cells += 1;
                const ok =
                    expected === 'deny'
                        ? outcome.status === 403 && outcome.code === 'FORBIDDEN'
                        : (outcome.status >= 200 && outcome.status < 300) ||
                          (row.conflictOk === true && outcome.status === 409);
                if (!ok) {
                    violations.push(`${caller.key}: expected ${expected}, got ${outcome.status} ${outcome.detail}`);
                }
            }),
        );
        tally.violations += violations.length;
        expect(violations).toEqual([]);
    });
});
