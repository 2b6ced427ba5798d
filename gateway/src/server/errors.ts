import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LedgerError } from '../ledger';
import { FhirJson, isFhirPath, operationOutcomeOf } from '../standards/fhir';
import { formatRule } from './validation';

/**
 * Every error response has one shape: `{ code, field?, message, transactionId? }`, whoever
 * raised it — a contract, the ledger, a route, the schema validator or Fastify itself (its
 * FST_ERR_* errors, unknown paths, wrong methods, malformed URLs, oversized headers). The HTTP
 * status of a ledger code comes from `LedgerError.httpStatus`; the codes only HTTP has are
 * defined in `httpOnlyStatus` below. `transactionId` appears only when it is the transaction
 * this request submitted. No stack trace, file path or library message reaches a client.
 *
 * One documented exemption: under `/fhir/r4` (standards/fhir.ts `FhirBase`) the same status,
 * field and audit entry are sent as a FHIR OperationOutcome (`application/fhir+json`), because
 * FHIR clients read nothing else. Only what Node's HTTP parser refuses before any route is
 * found (431 oversized headers, malformed request lines) keeps this body there too.
 */
export const errorBodySchema = {
    $id: 'ErrorBody',
    type: 'object',
    required: ['code', 'message'],
    properties: {
        code: {
            type: 'string',
            description:
                'INVALID_ARGUMENT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, CONFLICT, MVCC_CONFLICT, ' +
                'PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED, HEADERS_TOO_LARGE, UNAVAILABLE, TIMEOUT, INTERNAL',
        },
        field: { type: 'string', description: 'The input field that broke a rule, when one did.' },
        message: { type: 'string' },
        transactionId: { type: 'string', description: "This request's own transaction, when it submitted one." },
        auditId: { type: 'string', description: 'The audit entry that recorded a denied access.' },
        allowed: {
            type: 'array',
            items: { type: 'string' },
            description: 'For an enumerated field: the values it accepts.',
        },
    },
} as const;

export interface ErrorBody {
    code: string;
    field?: string;
    message: string;
    transactionId?: string;
    auditId?: string;
    allowed?: string[];
}

/** Error codes that exist only at the HTTP layer, with their status: defined here and nowhere else. */
export const httpOnlyStatus = {
    METHOD_NOT_ALLOWED: 405,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RATE_LIMITED: 429,
    HEADERS_TOO_LARGE: 431,
} as const;
export type HttpOnlyCode = keyof typeof httpOnlyStatus;

/** An error of the HTTP layer (not the ledger's): wrong method, media type, size, rate. */
export class HttpError extends Error {
    constructor(
        readonly code: HttpOnlyCode,
        readonly detail: string,
        readonly options: { field?: string; headers?: Record<string, string> } = {},
    ) {
        super(`${code}: ${detail}`);
        this.name = 'HttpError';
    }

    get httpStatus(): number {
        return httpOnlyStatus[this.code];
    }
}

/** Responses every authenticated route may give besides its own, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
    return Object.fromEntries(statuses.map((status) => [status, { $ref: 'ErrorBody#' }]));
}

export const commonErrors = [400, 401, 403, 404, 409, 413, 415, 429, 500, 503, 504];

export function unauthenticated(detail: string): LedgerError {
    return new LedgerError('UNAUTHENTICATED', detail);
}

export function forbiddenHere(detail: string): LedgerError {
    return new LedgerError('FORBIDDEN', detail);
}

export function invalidInput(field: string, detail: string): LedgerError {
    return new LedgerError('INVALID_ARGUMENT', detail, { field });
}

/** A refusal the ledger recorded: 403 with the reason and the audit entry that recorded it. */
export class AuditedDenial extends LedgerError {
    constructor(
        detail: string,
        readonly auditId: string,
        transactionId?: string,
    ) {
        super('FORBIDDEN', detail, { transactionId });
    }
}

/** Each access denial the EHR contract records, in words. */
export const denialReasons: Readonly<Record<string, string>> = {
    'record-erased': 'the record was erased at the patient’s request',
    regulator: 'regulators read audit trails and consents, never documents',
    'not-a-clinician': 'only physicians and nurses read records',
    'credential-invalid':
        'the caller holds no valid licence for their role now (MedicalLicense or NursingLicense missing, expired, suspended or revoked)',
    'no-consent': 'the patient has given the caller no consent covering this record',
    'consent-not-yet-valid': 'the consent covering this record has not started yet',
    'consent-expired': 'the consent covering this record has expired',
    'purpose-not-permitted': 'the consent does not permit the stated purpose of use',
    'break-glass-rate-limit':
        'break-glass limit reached: at most 10 emergency reads per practitioner per UTC hour and 30 per UTC day (custodian and regulator alerted)',
    'break-glass-patient-limit':
        'break-glass limit reached: at most 3 distinct patients per practitioner per UTC day (custodian and regulator alerted)',
    'break-glass-no-care-relationship':
        'break-glass refused: your organisation has no care relationship with this patient (not custodian, home organisation or consented) and one such patient a day is the limit (custodian and regulator alerted)',
};

export function notFoundHere(detail: string): LedgerError {
    return new LedgerError('NOT_FOUND', detail);
}

interface AjvIssue {
    keyword: string;
    instancePath?: string;
    message?: string;
    params?: Record<string, unknown>;
}

/** A schema failure as the error body: the field (dotted path from body/query/params) and the rule. */
export function validationBody(context: string | undefined, issue: AjvIssue | undefined): ErrorBody {
    const params = issue?.params ?? {};
    const where = (issue?.instancePath ?? '')
        .replace(/^\//, '')
        .split('/')
        .filter(Boolean)
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .join('.');
    const extra =
        (params.missingProperty as string | undefined) ??
        (params.additionalProperty as string | undefined) ??
        (params.propertyName as string | undefined);
    const field = [context, where, extra].filter(Boolean).join('.') || (context ?? 'body');
    switch (issue?.keyword) {
        case 'enum': {
            const allowed = (params.allowedValues as unknown[] | undefined)?.map(String) ?? [];
            return {
                code: 'INVALID_ARGUMENT',
                field,
                message: `${field} must be one of: ${allowed.join(', ')}`,
                allowed,
            };
        }
        case 'format':
            return { code: 'INVALID_ARGUMENT', field, message: `${field} ${formatRule(String(params.format))}` };
        case 'additionalProperties':
            return { code: 'INVALID_ARGUMENT', field, message: `${field} is not a known field here` };
        case 'required':
            return { code: 'INVALID_ARGUMENT', field, message: `${field} is required` };
        case 'type':
            return {
                code: 'INVALID_ARGUMENT',
                field,
                message: `${field} must be ${String(params.type)}; values are never converted between types`,
            };
        default:
            return { code: 'INVALID_ARGUMENT', field, message: `${field} ${issue?.message ?? 'is invalid'}` };
    }
}

const fastifyCodes: Record<string, { status: number; code: string; field?: string; message?: string }> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        field: 'content-type',
        message: 'send the body as JSON with the header "Content-Type: application/json"',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
        status: 400,
        code: 'INVALID_ARGUMENT',
        field: 'content-length',
        message: 'content-length does not match the body sent',
    },
    FST_ERR_CTP_BODY_TOO_LARGE: {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        field: 'body',
        message: 'the body is larger than this route accepts',
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
        status: 400,
        code: 'INVALID_ARGUMENT',
        field: 'body',
        message: 'body is empty; send a JSON object, or no Content-Type when there is no body',
    },
    FST_ERR_CTP_INVALID_JSON_BODY: {
        status: 400,
        code: 'INVALID_ARGUMENT',
        field: 'body',
        message: 'body is not valid JSON',
    },
    FST_ERR_BAD_URL: { status: 400, code: 'INVALID_ARGUMENT', field: 'path', message: 'the path is not a valid URL' },
    FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'INVALID_ARGUMENT', field: 'path', message: 'bad request' },
};

const statusCodes: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
    431: 'HEADERS_TOO_LARGE',
};

/** Any error as its status and body; unknown errors become a bare 500. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
    if (error instanceof LedgerError) {
        const extra = error as LedgerError & { auditId?: string };
        return {
            status: error.httpStatus,
            body: {
                code: error.code,
                message: error.detail,
                ...(error.field ? { field: error.field } : {}),
                ...(error.transactionId ? { transactionId: error.transactionId } : {}),
                ...(extra.auditId ? { auditId: extra.auditId } : {}),
            },
        };
    }
    if (error instanceof HttpError) {
        return {
            status: error.httpStatus,
            body: {
                code: error.code,
                message: error.detail,
                ...(error.options.field ? { field: error.options.field } : {}),
            },
            headers: error.options.headers,
        };
    }
    const fastifyError = error as FastifyError;
    if (fastifyError?.validation) {
        return { status: 400, body: validationBody(fastifyError.validationContext, fastifyError.validation[0]) };
    }
    const known = fastifyError?.code ? fastifyCodes[fastifyError.code] : undefined;
    if (known) {
        return {
            status: known.status,
            body: {
                code: known.code,
                message: known.message ?? 'bad request',
                ...(known.field ? { field: known.field } : {}),
            },
        };
    }
    const status = fastifyError?.statusCode;
    if (status && status >= 400 && status < 500) {
        return {
            status,
            body: { code: statusCodes[status] ?? 'INVALID_ARGUMENT', message: safeMessage(fastifyError.message) },
        };
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'internal error; the gateway log has the details' } };
}

/** A library's 4xx message without anything that looks like a path or a stack frame. */
function safeMessage(message: string | undefined): string {
    const text = (message ?? 'bad request').split('\n')[0];
    return /(\/[\w.-]+){2,}|\bat\s+\S+\s*\(|node_modules/.test(text) ? 'bad request' : text.slice(0, 300);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
    const { status, body, headers } = errorResponse(error);
    if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
    }
    if (headers) {
        reply.headers(headers);
    }
    if (isFhirPath(request.url.split('?')[0])) {
        // The one exemption: FHIR clients read an OperationOutcome (same status, field, audit entry).
        return reply
            .status(status)
            .type(FhirJson)
            .send(operationOutcomeOf(status, body.message, body.field, body.auditId));
    }
    return reply.status(status).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandler(app: FastifyInstance, allowedMethods: (path: string) => string[]): void {
    app.setErrorHandler((error: FastifyError | LedgerError, request, reply) => sendError(request, reply, error));
    app.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0];
        const allowed = allowedMethods(path);
        if (allowed.length > 0) {
            return sendError(
                request,
                reply,
                new HttpError(
                    'METHOD_NOT_ALLOWED',
                    `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
                    {
                        headers: { allow: allowed.join(', ') },
                    },
                ),
            );
        }
        return sendError(request, reply, new LedgerError('NOT_FOUND', `no route ${request.method} ${path}`));
    });
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (431 headers too large,
 * malformed request lines): answer those in the same error shape too.
 */
export function clientErrorResponse(error: Error & { code?: string }): string {
    const [status, body]: [number, ErrorBody] =
        error.code === 'HPE_HEADER_OVERFLOW'
            ? [431, { code: 'HEADERS_TOO_LARGE', field: 'headers', message: 'request headers are too large' }]
            : [400, { code: 'INVALID_ARGUMENT', message: 'malformed HTTP request' }];
    const json = JSON.stringify(body);
    const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    return (
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`
    );
}
