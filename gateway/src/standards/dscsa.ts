import type { supply } from '@careledger/chaincode';

/**
 * DSCSA product verification, shaped as the response of the GS1 Lightweight Messaging
 * Standard for Verification of Product Identifiers that Verification Router Services relay:
 * `{ verificationTimestamp, responderGLN?, data: { verified, verificationFailureReason?, additionalInfo? }, corrUUID? }`.
 * The verdict itself is the supply contract's (`supply-safety:VerifyProduct`); this only
 * puts it in the envelope a VRS expects. The request side is a GS1 Digital Link URI with
 * `linkType=verificationService`, `context`, `reqGLN` and `corrUUID` query parameters.
 */
export interface LightweightVerificationResponse {
    verificationTimestamp: string;
    responderGLN: string;
    data: {
        verified: boolean;
        /** Required when `verified` is false (the standard's code list). */
        verificationFailureReason?: string;
        additionalInfo?: string;
    };
    corrUUID: string;
}

/**
 * The response with every field the standard requires: `verificationTimestamp`, `responderGLN`,
 * `data.verified`, `data.verificationFailureReason` whenever `verified` is false (the standard's
 * `No_reason_provided` if the verdict gave none) and `corrUUID`.
 */
export function lightweightVerificationResponse(
    result: supply.VerificationResult,
    options: { responderGLN: string; corrUUID: string },
): LightweightVerificationResponse {
    const reason = result.verificationFailureReason ?? (result.verified ? undefined : 'No_reason_provided');
    return {
        verificationTimestamp: result.verificationTimestamp,
        responderGLN: options.responderGLN,
        data: {
            verified: result.verified,
            ...(reason ? { verificationFailureReason: reason } : {}),
            ...(result.additionalInfo ? { additionalInfo: result.additionalInfo } : {}),
        },
        corrUUID: options.corrUUID,
    };
}

/** `linkType` values a Lightweight Messaging verification request may carry. */
export const VerificationLinkTypes = ['verificationService', 'gs1:verificationService'] as const;
/** `context` values of DSCSA verification requests (the standard's, as the supply contract records them). */
export const VerificationRequestContexts = ['dscsaSaleableReturn', 'dscsaSuspectProduct'] as const;

export interface VerificationQuery {
    linkType?: string;
    context?: string;
    reqGLN?: string;
    corrUUID?: string;
}

export interface CheckedVerificationQuery {
    context?: (typeof VerificationRequestContexts)[number];
    reqGLN?: string;
    /** The requester's, echoed; a fresh UUID v4 when the request had none. */
    corrUUID: string;
}

/** A request parameter that breaks the standard: the field and the rule, for a 400 answer. */
export class VerificationRequestError extends Error {
    constructor(
        readonly field: string,
        rule: string,
    ) {
        super(`${field} ${rule}`);
    }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Checks the query parameters of a verification request as the Lightweight Messaging
 * Standard defines them: `linkType` verificationService, `context` one of the DSCSA
 * contexts, `reqGLN` a 13-digit GLN with a valid check digit, `corrUUID` an RFC 4122 UUID
 * (generated when absent, so every response carries one). A request that names the
 * verification service (`linkType`) is a Lightweight Messaging request and must carry the
 * requester's `reqGLN` and the `context`, as the standard requires; without `linkType` it is a
 * plain GS1 Digital Link check (a pharmacist's scan) answered in the same envelope. Throws
 * {@link VerificationRequestError} naming the field and the rule (HTTP 400, the standard's
 * status for a request "not formatted properly").
 */
export function checkVerificationQuery(query: VerificationQuery, newUuid: () => string): CheckedVerificationQuery {
    if (query.linkType !== undefined && !(VerificationLinkTypes as readonly string[]).includes(query.linkType)) {
        throw new VerificationRequestError('linkType', `must be ${VerificationLinkTypes.join(' or ')}`);
    }
    if (query.linkType !== undefined) {
        for (const field of ['context', 'reqGLN'] as const) {
            if (query[field] === undefined) {
                throw new VerificationRequestError(
                    field,
                    'is required in a Lightweight Messaging request (linkType is set)',
                );
            }
        }
    }
    if (query.context !== undefined && !(VerificationRequestContexts as readonly string[]).includes(query.context)) {
        throw new VerificationRequestError('context', `must be one of ${VerificationRequestContexts.join(', ')}`);
    }
    if (query.reqGLN !== undefined && !isGln(query.reqGLN)) {
        throw new VerificationRequestError('reqGLN', 'must be a GLN: 13 digits with a valid GS1 check digit');
    }
    if (query.corrUUID !== undefined && !uuid.test(query.corrUUID)) {
        throw new VerificationRequestError('corrUUID', 'must be a UUID (RFC 4122, e.g. 3f2a…-4…-…)');
    }
    return {
        context: query.context as CheckedVerificationQuery['context'],
        reqGLN: query.reqGLN,
        corrUUID: query.corrUUID ?? newUuid(),
    };
}

/** A 13-digit GLN whose last digit is the GS1 mod-10 check digit of the first twelve. */
export function isGln(value: string): boolean {
    if (!/^\d{13}$/.test(value)) return false;
    let sum = 0;
    for (let i = 11, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
        sum += Number(value[i]) * weight;
    }
    return (10 - (sum % 10)) % 10 === Number(value[12]);
}
