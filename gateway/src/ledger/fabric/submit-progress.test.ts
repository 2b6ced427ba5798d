import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { LedgerError } from '../errors';
import { commitUnknown, SubmitProgress } from './submit-progress';

function grpcError(code: number, details: string): ServiceError {
    return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

const deadline = () => grpcError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.255s');
const unreachable = () => grpcError(GrpcStatus.UNAVAILABLE, 'No connection established');

describe('SubmitProgress', () => {
    test('a failure before the proposal exists carries no transaction id and is final', () => {
        const error = new SubmitProgress().errorOf(unreachable());
        expect(error).toMatchObject({ code: 'UNAVAILABLE', transactionId: undefined, commitUnknown: false });
    });

    test('a failure while endorsing carries its own id and is final: nothing was sent, a retry is safe', () => {
        const progress = new SubmitProgress();
        progress.transactionId = 'tx-own';
        const error = progress.errorOf(deadline());
        expect(error).toMatchObject({ code: 'TIMEOUT', transactionId: 'tx-own', commitUnknown: false });
        expect(error.message).not.toContain('commit status unknown');
    });

    test.each([
        ['TIMEOUT', deadline],
        ['UNAVAILABLE', unreachable],
    ])('a %s after the transaction was sent says the outcome is unknown, with its own id', (code, failure) => {
        const progress = new SubmitProgress();
        progress.transactionId = 'tx-own';
        progress.sending();
        const error = progress.errorOf(failure());
        expect(error).toBeInstanceOf(LedgerError);
        expect(error).toMatchObject({ code, transactionId: 'tx-own', commitUnknown: true });
        expect(error.httpStatus).toBe(code === 'TIMEOUT' ? 504 : 503);
        expect(error.message).toContain(
            'commit status unknown: transaction tx-own was sent for ordering and may still commit; check its status by id before retrying',
        );
        // The cause stays readable.
        expect(error.message).toContain(code === 'TIMEOUT' ? 'Deadline exceeded after 10.255s' : 'No connection');
    });

    test("a commit status decides: an invalid transaction's error is final", () => {
        const progress = new SubmitProgress();
        progress.transactionId = 'tx-own';
        progress.sending();
        progress.statusReceived();
        const invalid = new LedgerError(
            'MVCC_CONFLICT',
            'transaction tx-own was committed in block 9 as MVCC_READ_CONFLICT',
            {
                transactionId: 'tx-own',
            },
        );
        expect(progress.errorOf(invalid)).toBe(invalid);
    });

    test("an orderer's refusal is final: every orderer checks the same bytes", () => {
        const progress = new SubmitProgress();
        progress.transactionId = 'tx-own';
        progress.sending();
        const refused = grpcError(GrpcStatus.ABORTED, 'received unsuccessful response from orderer: status=FORBIDDEN');
        expect(progress.errorOf(refused)).toMatchObject({ code: 'ENDORSEMENT_FAILURE', commitUnknown: false });
    });
});

describe('commitUnknown', () => {
    test('is applied once', () => {
        const once = commitUnknown(new LedgerError('TIMEOUT', 'slow', { transactionId: 'tx1' }));
        expect(commitUnknown(once)).toBe(once);
        expect(once.message.match(/commit status unknown/g)).toHaveLength(1);
    });

    test('needs a transaction id to name', () => {
        const error = new LedgerError('TIMEOUT', 'slow');
        expect(commitUnknown(error)).toBe(error);
    });
});
