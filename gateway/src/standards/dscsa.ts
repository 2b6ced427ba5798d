import { gs1DateToIso } from './gs1';

/**
 * DSCSA product verification, shaped as the GS1 Lightweight Messaging Standard for Verification
 * of Product Identifiers response that Verification Router Services exchange:
 * `{ verificationTimestamp, responderGLN, data: { verified, verificationFailureReason?, additionalInfo? }, corrUUID }`.
 * The request is a GS1 Digital Link URI plus `linkType=verificationService`, `context`, `reqGLN`
 * and `corrUUID` query parameters.
 */
export const VerificationFailureReasons = [
    'No_match_GTIN_Serial',
    'No_match_GTIN_Serial_Lot',
    'No_match_GTIN_Serial_Expiry',
    'No_match_GTIN_Serial_Lot_Expiry',
    'Manufacturer_policy',
    'No_reason_provided',
    'Not_for_re-distribution',
] as const;
export type VerificationFailureReason = (typeof VerificationFailureReasons)[number];

export const AdditionalInfos = ['Expired', 'ExpirationExtended', 'Recalled', 'Suspect', 'Illegitimate'] as const;
export type AdditionalInfo = (typeof AdditionalInfos)[number];

export const VerificationContexts = ['dscsaSaleableReturn', 'dscsaSuspectProduct'] as const;

/** What the requester scanned. */
export interface VerificationRequest {
    gtin: string;
    serial: string;
    lot?: string;
    /** YYMMDD as printed (DD may be 00). */
    expiry?: string;
    corrUUID?: string;
}

/** What the ledger knows of the unit; `undefined` when it has no such GTIN + serial. */
export interface UnitOnRecord {
    lot: string;
    /** ISO date YYYY-MM-DD, or GS1 YYMMDD. */
    expiry: string;
    /** True once the unit has left the saleable supply chain (dispensed, destroyed, decommissioned). */
    outOfCommerce?: boolean;
    recalled?: boolean;
    suspect?: boolean;
    illegitimate?: boolean;
}

export interface VerificationResponse {
    verificationTimestamp: string;
    responderGLN?: string;
    data: {
        verified: boolean;
        verificationFailureReason?: VerificationFailureReason;
        additionalInfo?: AdditionalInfo;
    };
    corrUUID?: string;
}

export function verifyProductIdentifier(
    request: VerificationRequest,
    unit: UnitOnRecord | undefined,
    options: { now: Date; responderGLN?: string },
): VerificationResponse {
    const envelope = {
        verificationTimestamp: options.now.toISOString(),
        ...(options.responderGLN ? { responderGLN: options.responderGLN } : {}),
        ...(request.corrUUID ? { corrUUID: request.corrUUID } : {}),
    };
    if (!unit) {
        return { ...envelope, data: { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' } };
    }
    const expiryOnRecord = toIsoDate(unit.expiry);
    const lotMismatch = request.lot !== undefined && request.lot !== unit.lot;
    const expiryMismatch = request.expiry !== undefined && toIsoDate(request.expiry) !== expiryOnRecord;
    const additionalInfo = additionalInfoOf(unit, expiryOnRecord, options.now);
    const withInfo = additionalInfo ? { additionalInfo } : {};
    if (lotMismatch || expiryMismatch) {
        const reason: VerificationFailureReason =
            lotMismatch && expiryMismatch
                ? 'No_match_GTIN_Serial_Lot_Expiry'
                : lotMismatch
                  ? 'No_match_GTIN_Serial_Lot'
                  : 'No_match_GTIN_Serial_Expiry';
        return { ...envelope, data: { verified: false, verificationFailureReason: reason, ...withInfo } };
    }
    if (unit.outOfCommerce) {
        return {
            ...envelope,
            data: { verified: false, verificationFailureReason: 'Not_for_re-distribution', ...withInfo },
        };
    }
    return { ...envelope, data: { verified: true, ...withInfo } };
}

/** The most serious condition first: an illegitimate product matters more than an expired one. */
function additionalInfoOf(unit: UnitOnRecord, expiry: string, now: Date): AdditionalInfo | undefined {
    if (unit.illegitimate) return 'Illegitimate';
    if (unit.suspect) return 'Suspect';
    if (unit.recalled) return 'Recalled';
    if (expiry < now.toISOString().slice(0, 10)) return 'Expired';
    return undefined;
}

function toIsoDate(value: string): string {
    return /^\d{6}$/.test(value) ? gs1DateToIso(value) : value.slice(0, 10);
}
