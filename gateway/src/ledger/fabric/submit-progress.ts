import { LedgerError } from '../errors';
import { ledgerErrorFrom } from './errors';

/**
 * How far a submit got, which decides what its failure may say.
 *
 * Before the signed transaction is sent for ordering, a failure is final: nothing can commit,
 * and the caller may retry. Once it was sent, only a commit status decides: an orderer may have
 * accepted it although the call then failed (the gateway's 10 s submit deadline passed while an
 * orderer answered slowly, the peer stopped while waiting, the commit-status wait timed out),
 * and Fabric commits it if it was ordered. Such a failure keeps its code (TIMEOUT, UNAVAILABLE,
 * ...) but says that the outcome is unknown, with the transaction's own id: a caller that
 * retried blindly would send a new transaction and could make the same change twice (the fault
 * suite saw 5 of 6 such TIMEOUTs commit VALID: docs/reliability.md).
 */
export class SubmitProgress {
    /** The call's own transaction, once its proposal exists. */
    transactionId?: string;
    private sent = false;
    private decided = false;

    /** The signed transaction is about to go to ordering (through a peer's gateway). */
    sending(): void {
        this.sent = true;
    }

    /** A commit status came (valid or not): the outcome is known. */
    statusReceived(): void {
        this.decided = true;
    }

    /** The error the caller sees: the call's own transaction id (or none), and whether it may still commit. */
    errorOf(error: unknown): LedgerError {
        const ledgerError = ownTransaction(ledgerErrorFrom(error, this.transactionId), this.transactionId);
        return this.sent && !this.decided ? commitUnknown(ledgerError) : ledgerError;
    }
}

/**
 * The error of a call whose transaction exists (its proposal was made): it carries that
 * transaction's id, so the caller can ask whether it committed. Errors raised before any of the
 * call's own steps (an unreachable peer, a peer that could not confirm catching up) have none.
 */
export function ownTransaction(error: LedgerError, transactionId: string | undefined): LedgerError {
    return error.transactionId || !transactionId
        ? error
        : new LedgerError(error.code, error.detail, { ...error.options, transactionId });
}

/**
 * Codes that leave a sent transaction's outcome open. Not the others: an orderer's refusal
 * (a 4xx answer: ENDORSEMENT_FAILURE, UNAUTHENTICATED) is the same for every orderer, as they
 * check the same bytes, and a commit status (MVCC_CONFLICT, INVALID_TRANSACTION) is the outcome.
 */
const undecided = new Set<LedgerError['code']>(['TIMEOUT', 'UNAVAILABLE', 'INTERNAL']);

/** `error`, saying that its transaction was sent for ordering and may still commit (when its code leaves that open). */
export function commitUnknown(error: LedgerError): LedgerError {
    if (error.commitUnknown || !error.transactionId || !undecided.has(error.code)) {
        return error;
    }
    return new LedgerError(
        error.code,
        `commit status unknown: transaction ${error.transactionId} was sent for ordering and may still commit; ` +
            `check its status by id before retrying (GET /history/transactions?txId=, once the index has reached the current block height; a retry is a new transaction and could make the change twice). ` +
            `Cause: ${error.detail}`,
        { ...error.options, commitUnknown: true },
    );
}
