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
    responderGLN?: string;
    data: {
        verified: boolean;
        verificationFailureReason?: string;
        additionalInfo?: string;
    };
    corrUUID?: string;
}

export function lightweightVerificationResponse(
    result: supply.VerificationResult,
    options: { responderGLN?: string; corrUUID?: string } = {},
): LightweightVerificationResponse {
    return {
        verificationTimestamp: result.verificationTimestamp,
        ...(options.responderGLN ? { responderGLN: options.responderGLN } : {}),
        data: {
            verified: result.verified,
            ...(result.verificationFailureReason
                ? { verificationFailureReason: result.verificationFailureReason }
                : {}),
            ...(result.additionalInfo ? { additionalInfo: result.additionalInfo } : {}),
        },
        ...(options.corrUUID ? { corrUUID: options.corrUUID } : {}),
    };
}
