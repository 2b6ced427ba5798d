import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { contractErrorFrom, LedgerError } from '../errors';

/** StatusNames of fabric-gateway, inverted: validation code number to name. */
const validationCodeNames = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** A committed transaction's validation code as a LedgerError, or undefined when it is VALID. */
export function commitStatusError(status: Status): LedgerError | undefined {
    if (status.successful) {
        return undefined;
    }
    const name = validationCodeNames.get(status.code) ?? `code ${status.code}`;
    const detail = `transaction ${status.transactionId} was committed in block ${status.blockNumber} as ${name}`;
    const options = { transactionId: status.transactionId };
    switch (status.code) {
        case StatusCode.MVCC_READ_CONFLICT:
        case StatusCode.PHANTOM_READ_CONFLICT:
            return new LedgerError('MVCC_CONFLICT', detail, options);
        case StatusCode.ENDORSEMENT_POLICY_FAILURE:
            return new LedgerError('ENDORSEMENT_FAILURE', detail, options);
        default:
            return new LedgerError('INVALID_TRANSACTION', detail, options);
    }
}

/** Messages a gRPC or Fabric Gateway error carries: the per-peer details first, then its own. */
function messagesOf(error: { message: string; details?: unknown }): string[] {
    const details = Array.isArray(error.details)
        ? (error.details as Array<{ message?: unknown; mspId?: unknown; address?: unknown }>).map((d) =>
              typeof d.message === 'string' ? d.message : '',
          )
        : typeof error.details === 'string'
          ? [error.details]
          : [];
    return [...details.filter(Boolean), error.message];
}

function grpcCodeOf(error: unknown): number | undefined {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'number' ? code : undefined;
}

/** True when the peer could not be reached (or could not reach the nodes it needed): worth another peer. */
export function isUnavailable(error: unknown): boolean {
    if (error instanceof LedgerError) {
        return error.code === 'UNAVAILABLE';
    }
    if (!(error instanceof Error)) {
        return false;
    }
    const code = grpcCodeOf(error);
    // A peer that has just started may not know enough other peers yet to plan an endorsement;
    // the org's other peer may.
    return (
        code === GrpcStatus.UNAVAILABLE ||
        (code === GrpcStatus.FAILED_PRECONDITION && noEndorsementPlan.test(error.message)) ||
        messagesOf(error as Error & { details?: unknown }).some((message) => chaincodeUnreachable.test(message))
    );
}

/**
 * A peer that could not reach its chaincode server (dead, restarting, not yet listening): the
 * endorsement never ran, so nothing happened and another peer (with its own server) may serve
 * the call. Fabric reports it inside an ABORTED endorsement or an evaluate error, e.g.
 * "could not launch chaincode careledger_…: error starting container: … connection refused".
 */
const chaincodeUnreachable =
    /could not launch chaincode|chaincode registration failed|error starting container|error making grpc connection|chaincode .* (is )?not (running|registered)|connect: connection refused/i;

const noEndorsementPlan = /no combination of peers|no peers available/i;

/**
 * Any error from a Fabric call as a LedgerError:
 * - the chaincode's own rejection (`CODE(field): rule` in a peer's message) keeps its code;
 * - gRPC UNAVAILABLE and DEADLINE_EXCEEDED become UNAVAILABLE and TIMEOUT;
 * - a peer that could not reach its chaincode server is UNAVAILABLE (whatever the gRPC code);
 * - endorsers that disagree or too few endorsements become ENDORSEMENT_FAILURE;
 * - an identity the network does not accept becomes UNAUTHENTICATED;
 * - the rest, including chaincode failures that are not typed contract errors, INTERNAL.
 */
export function ledgerErrorFrom(error: unknown, transactionId?: string): LedgerError {
    if (error instanceof LedgerError) {
        return error;
    }
    if (!(error instanceof Error)) {
        return new LedgerError('INTERNAL', String(error), { transactionId, cause: error });
    }
    const txId = transactionId ?? (error as { transactionId?: string }).transactionId;
    const messages = messagesOf(error as Error & { details?: unknown });
    for (const message of messages) {
        const contractError = contractErrorFrom(message, txId);
        if (contractError) {
            return contractError;
        }
    }
    const detail = messages.join('; ');
    const options = { transactionId: txId, cause: error };
    if (messages.some((message) => chaincodeUnreachable.test(message))) {
        return new LedgerError('UNAVAILABLE', detail, options);
    }
    switch (grpcCodeOf(error)) {
        case GrpcStatus.UNAVAILABLE:
            return new LedgerError('UNAVAILABLE', detail, options);
        case GrpcStatus.DEADLINE_EXCEEDED:
            return new LedgerError('TIMEOUT', detail, options);
        case GrpcStatus.UNAUTHENTICATED:
        case GrpcStatus.PERMISSION_DENIED:
            return new LedgerError('UNAUTHENTICATED', detail, options);
        case GrpcStatus.FAILED_PRECONDITION:
            // The gateway's signature and ACL checks, or no set of reachable peers that can endorse.
            return accessDenied.test(detail)
                ? new LedgerError('UNAUTHENTICATED', detail, options)
                : new LedgerError('UNAVAILABLE', detail, options);
        case GrpcStatus.ABORTED:
            // Aborted endorsements: endorsers whose results differ or too few of them, unless
            // the chaincode itself failed without a typed error (a bug, reported as such).
            return chaincodeFailure.test(detail)
                ? new LedgerError('INTERNAL', detail, options)
                : new LedgerError('ENDORSEMENT_FAILURE', detail, options);
        default:
            return new LedgerError('INTERNAL', detail, options);
    }
}

const accessDenied = /access denied|signature|creator|identity|not a member/i;
const chaincodeFailure = /chaincode response \d+/;
