import { parseContractError, type ContractErrorCode } from '@careledger/chaincode';

/**
 * Typed ledger errors, the same from both ledgers. Contract rejections keep the chaincode's
 * code and field; the rest come from the ledger itself. The HTTP status of each code is
 * defined here and nowhere else.
 */
export type LedgerErrorCode =
    | ContractErrorCode
    /** The transaction's reads changed before it committed (Fabric's MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT). */
    | 'MVCC_CONFLICT'
    /** Endorsers disagreed, or the endorsement policy was not met. */
    | 'ENDORSEMENT_FAILURE'
    /** Committed but invalid for another reason (the validation code is in `detail`). */
    | 'INVALID_TRANSACTION'
    | 'UNAUTHENTICATED'
    | 'UNAVAILABLE'
    | 'TIMEOUT'
    | 'INTERNAL';

export const httpStatusOf: Readonly<Record<LedgerErrorCode, number>> = {
    INVALID_ARGUMENT: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    MVCC_CONFLICT: 409,
    ENDORSEMENT_FAILURE: 500,
    INVALID_TRANSACTION: 500,
    INTERNAL: 500,
    UNAVAILABLE: 503,
    TIMEOUT: 504,
};

export class LedgerError extends Error {
    constructor(
        readonly code: LedgerErrorCode,
        readonly detail: string,
        readonly options: {
            field?: string;
            transactionId?: string;
            cause?: unknown;
            /**
             * The transaction was sent for ordering and no commit status came: it may yet commit.
             * The caller must look it up by `transactionId` before sending the change again.
             */
            commitUnknown?: boolean;
        } = {},
    ) {
        super(options.field ? `${code}(${options.field}): ${detail}` : `${code}: ${detail}`);
        this.name = 'LedgerError';
    }

    get field(): string | undefined {
        return this.options.field;
    }

    get transactionId(): string | undefined {
        return this.options.transactionId;
    }

    /** True when the transaction may still commit (see `options.commitUnknown`): check it by id before retrying. */
    get commitUnknown(): boolean {
        return this.options.commitUnknown === true;
    }

    get httpStatus(): number {
        return httpStatusOf[this.code];
    }
}

/** A contract rejection found in `text` as a LedgerError, or undefined if `text` carries none. */
export function contractErrorFrom(text: string, transactionId?: string): LedgerError | undefined {
    const parsed = parseContractError(text);
    return parsed && new LedgerError(parsed.code, parsed.detail, { field: parsed.field, transactionId });
}
