import * as https from 'node:https';
import { LedgerError } from '../errors';
import type { DigestSigner } from '../ledger';
import { createCaToken } from './ca-token';

/**
 * The two calls of Fabric CA's REST API (v1.5, `/api/v1/`) the gateway makes, over TLS that
 * trusts only the org's CA root:
 *
 * - `register`: a new identity, authenticated with the registrar's token (ca-token.ts); the
 *   CA answers with the enrolment secret.
 * - `enroll`: a certificate for a PKCS#10 CSR, authenticated with the identity's name and
 *   secret (HTTP basic), asking for attributes to be written into it (`attr_reqs`).
 *
 * CA refusals become typed errors: an identity already registered is CONFLICT, a request the
 * CA finds malformed INVALID_ARGUMENT, refused credentials FORBIDDEN; no answer is UNAVAILABLE
 * or TIMEOUT.
 */
export interface CaConnection {
    /** `https://host:port`, no path. */
    url: string;
    caName?: string;
    /** PEM root the CA's TLS certificate chains to. */
    tlsRootCert: string;
    /** Per call; default 15 s. */
    timeoutMs?: number;
}

export interface CaCaller {
    certificate: string;
    signer: DigestSigner;
}

export interface CaAttribute {
    name: string;
    value: string;
    /** Written into enrolment certificates by default. */
    ecert?: boolean;
}

export interface CaRegistration {
    name: string;
    /** Identity type, the certificate's NodeOU: `client`, `admin`, `peer`, ... */
    type: string;
    attrs: CaAttribute[];
    /** How many times the secret may enrol; default the CA's setting. */
    maxEnrollments?: number;
}

export interface CaEnrolment {
    name: string;
    secret: string;
    csrPem: string;
    /** Attributes to write into the certificate; `optional` ones are skipped if the identity lacks them. */
    attrReqs?: Array<{ name: string; optional?: boolean }>;
}

export interface CaCertificate {
    /** The enrolment certificate, PEM. */
    certificate: string;
    /** The CA's chain (root first), PEM, when the CA sends it. */
    caChain?: string;
}

/** The body of every Fabric CA answer (cfssl's response envelope). */
interface CaResponse<T> {
    success?: boolean;
    result?: T;
    errors?: Array<{ code?: number; message?: string }>;
}

/** fabric-ca's ErrDupIdentityReg. */
const duplicateIdentity = 74;

export class FabricCaClient {
    constructor(private readonly connection: CaConnection) {}

    /** Registers an identity as `registrar`; returns its enrolment secret. */
    async register(registrar: CaCaller, registration: CaRegistration): Promise<string> {
        const body = Buffer.from(
            JSON.stringify({
                id: registration.name,
                type: registration.type,
                affiliation: '',
                attrs: registration.attrs,
                ...(registration.maxEnrollments !== undefined ? { max_enrollments: registration.maxEnrollments } : {}),
                ...(this.connection.caName ? { caname: this.connection.caName } : {}),
            }),
            'utf8',
        );
        const uri = '/api/v1/register';
        const authorization = await createCaToken(
            { method: 'POST', uri, body, certificate: registrar.certificate },
            registrar.signer,
        );
        const result = await this.post<{ secret?: string }>(uri, body, authorization, `register ${registration.name}`);
        if (!result.secret) {
            throw new LedgerError('UNAVAILABLE', `the CA registered ${registration.name} but sent no secret`);
        }
        return result.secret;
    }

    /** A certificate for the CSR of an identity registered before. */
    async enroll(enrolment: CaEnrolment): Promise<CaCertificate> {
        const body = Buffer.from(
            JSON.stringify({
                certificate_request: enrolment.csrPem,
                ...(enrolment.attrReqs ? { attr_reqs: enrolment.attrReqs } : {}),
                ...(this.connection.caName ? { caname: this.connection.caName } : {}),
            }),
            'utf8',
        );
        const basic = Buffer.from(`${enrolment.name}:${enrolment.secret}`, 'utf8').toString('base64');
        const result = await this.post<{ Cert?: string; ServerInfo?: { CAChain?: string } }>(
            '/api/v1/enroll',
            body,
            `Basic ${basic}`,
            `enroll ${enrolment.name}`,
        );
        if (!result.Cert) {
            throw new LedgerError('UNAVAILABLE', `the CA enrolled ${enrolment.name} but sent no certificate`);
        }
        const caChain = result.ServerInfo?.CAChain;
        return {
            certificate: Buffer.from(result.Cert, 'base64').toString('utf8'),
            ...(caChain ? { caChain: Buffer.from(caChain, 'base64').toString('utf8') } : {}),
        };
    }

    private post<T>(uri: string, body: Buffer, authorization: string, what: string): Promise<T> {
        const url = new URL(uri, this.connection.url);
        const timeoutMs = this.connection.timeoutMs ?? 15_000;
        return new Promise<T>((resolve, reject) => {
            const request = https.request(
                url,
                {
                    method: 'POST',
                    ca: this.connection.tlsRootCert,
                    headers: {
                        authorization,
                        'content-type': 'application/json',
                        'content-length': body.length,
                    },
                    timeout: timeoutMs,
                },
                (response) => {
                    const chunks: Buffer[] = [];
                    response.on('data', (chunk: Buffer) => chunks.push(chunk));
                    response.on('error', (error) => reject(unavailable(what, error)));
                    response.on('end', () => {
                        try {
                            resolve(answer<T>(response.statusCode ?? 0, Buffer.concat(chunks), what));
                        } catch (error) {
                            reject(error);
                        }
                    });
                },
            );
            request.on('timeout', () => {
                request.destroy();
                reject(
                    new LedgerError(
                        'TIMEOUT',
                        `${what}: the CA at ${this.connection.url} did not answer in ${timeoutMs} ms`,
                    ),
                );
            });
            request.on('error', (error) => reject(unavailable(what, error, this.connection.url)));
            request.end(body);
        });
    }
}

/** The result of a CA answer, or the typed error its status and error codes say. */
export function answer<T>(status: number, bytes: Buffer, what: string): T {
    let parsed: CaResponse<T> | undefined;
    try {
        parsed = JSON.parse(bytes.toString('utf8')) as CaResponse<T>;
    } catch {
        parsed = undefined;
    }
    if (status >= 200 && status < 300 && parsed?.success && parsed.result !== undefined) {
        return parsed.result;
    }
    const errors = parsed?.errors ?? [];
    const message = errors.map((error) => `${error.message ?? ''} (code ${error.code ?? '?'})`).join('; ');
    const detail = `${what}: the CA answered ${status}${message ? `: ${message}` : ''}`;
    if (status === 409 || errors.some((error) => error.code === duplicateIdentity)) {
        return fail(new LedgerError('CONFLICT', detail, { field: 'user' }));
    }
    if (status === 400) {
        return fail(new LedgerError('INVALID_ARGUMENT', detail));
    }
    if (status === 401 || status === 403) {
        return fail(new LedgerError('FORBIDDEN', detail));
    }
    return fail(new LedgerError('UNAVAILABLE', detail));
}

function fail(error: LedgerError): never {
    throw error;
}

function unavailable(what: string, error: Error, url?: string): LedgerError {
    return new LedgerError('UNAVAILABLE', `${what}: ${url ? `cannot reach the CA at ${url}: ` : ''}${error.message}`, {
        cause: error,
    });
}
