import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { EndorseError, GatewayError, StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../errors';
import { commitStatusError, isUnavailable, ledgerErrorFrom } from './errors';

function serviceError(code: number, details: string): ServiceError {
    return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

function gatewayError(code: number, message: string, details: string[] = []): GatewayError {
    return new GatewayError({
        code,
        message,
        cause: serviceError(code, message),
        details: details.map((detail, index) => ({
            address: `127.0.0.1:72${index}0`,
            mspId: 'HospitalMSP',
            message: detail,
        })),
    });
}

function status(code: number): Status {
    return { code, successful: code === StatusCode.VALID, transactionId: 'tx1', blockNumber: 7n } as Status;
}

describe('commitStatusError', () => {
    test('a VALID transaction is no error', () => {
        expect(commitStatusError(status(StatusCode.VALID))).toBeUndefined();
    });

    test.each([
        [StatusCode.MVCC_READ_CONFLICT, 'MVCC_CONFLICT'],
        [StatusCode.PHANTOM_READ_CONFLICT, 'MVCC_CONFLICT'],
        [StatusCode.ENDORSEMENT_POLICY_FAILURE, 'ENDORSEMENT_FAILURE'],
        [StatusCode.DUPLICATE_TXID, 'INVALID_TRANSACTION'],
    ])('validation code %s is %s, naming the code and the transaction', (code, expected) => {
        const error = commitStatusError(status(code));
        expect(error).toBeInstanceOf(LedgerError);
        expect(error).toMatchObject({ code: expected, transactionId: 'tx1' });
        expect(error?.detail).toContain('block 7');
    });

    test('the detail names the validation code', () => {
        expect(commitStatusError(status(StatusCode.DUPLICATE_TXID))?.detail).toContain('DUPLICATE_TXID');
    });
});

describe('ledgerErrorFrom', () => {
    test("a contract rejection in an endorser's detail keeps its code and field", () => {
        const error = new EndorseError({
            code: GrpcStatus.ABORTED,
            message: 'failed to endorse transaction, see attached details for more info',
            cause: serviceError(GrpcStatus.ABORTED, 'failed'),
            transactionId: 'tx9',
            details: [
                {
                    address: '127.0.0.1:7200',
                    mspId: 'HospitalMSP',
                    message: 'chaincode response 500, INVALID_ARGUMENT(message): must be 1-64 letters',
                },
            ],
        });
        expect(ledgerErrorFrom(error)).toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'message',
            detail: 'must be 1-64 letters',
            transactionId: 'tx9',
        });
    });

    test("an evaluate's contract rejection in the message itself is found too", () => {
        const error = gatewayError(
            GrpcStatus.UNKNOWN,
            'evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: record r1 does not exist',
        );
        expect(ledgerErrorFrom(error, 'tx2')).toMatchObject({ code: 'NOT_FOUND', transactionId: 'tx2' });
    });

    test.each([
        [GrpcStatus.UNAVAILABLE, 'No connection established', 'UNAVAILABLE'],
        [GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded', 'TIMEOUT'],
        [GrpcStatus.PERMISSION_DENIED, 'access denied', 'UNAUTHENTICATED'],
        [GrpcStatus.FAILED_PRECONDITION, 'access denied: channel [careledger] creator org unknown', 'UNAUTHENTICATED'],
        [
            GrpcStatus.FAILED_PRECONDITION,
            'no combination of peers can be derived which satisfy the endorsement policy',
            'UNAVAILABLE',
        ],
        [GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements', 'ENDORSEMENT_FAILURE'],
        [GrpcStatus.INTERNAL, 'something broke', 'INTERNAL'],
    ])('gRPC code %s (%s) becomes %s', (code, message, expected) => {
        expect(ledgerErrorFrom(gatewayError(code, message)).code).toBe(expected);
        expect(ledgerErrorFrom(serviceError(code, message)).code).toBe(expected);
    });

    test('a chaincode failure that is not a typed contract error is INTERNAL, not an endorsement failure', () => {
        const error = gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction', [
            'chaincode response 500, TypeError: x is undefined',
        ]);
        expect(ledgerErrorFrom(error).code).toBe('INTERNAL');
    });

    test('the details of every peer are kept in the detail', () => {
        const error = gatewayError(GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements', [
            'peer a said no',
            'peer b said no',
        ]);
        expect(ledgerErrorFrom(error).detail).toContain('peer a said no');
        expect(ledgerErrorFrom(error).detail).toContain('peer b said no');
    });

    // The text a Fabric 3.1.5 peer returns when its chaincode server is dead (seen with the peer
    // CLI after `network.sh kill chaincode.<peer>`), in an endorsement's detail and in an evaluate's message.
    test.each([
        [
            'endorse',
            gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
                'error in simulation: failed to execute transaction a71e6728: could not launch chaincode careledger_dbd9eb3f5a9c:49cde4fd: connection to careledger_dbd9eb3f5a9c:49cde4fd failed: error cannot create connection for careledger_dbd9eb3f5a9c:49cde4fd: error creating grpc connection to 127.0.0.1:7205: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:7205: connect: connection refused"',
            ]),
        ],
        [
            'evaluate',
            gatewayError(
                GrpcStatus.UNKNOWN,
                'evaluate call to endorser returned error: chaincode response 500, error in simulation: failed to execute transaction a71e6728: could not launch chaincode careledger_dbd9eb3f5a9c:49cde4fd: connection to careledger_dbd9eb3f5a9c:49cde4fd failed: error cannot create connection for careledger_dbd9eb3f5a9c:49cde4fd: error creating grpc connection to 127.0.0.1:7205: failed to create new connection: context deadline exceeded',
            ),
        ],
    ])('a dead chaincode server (%s) is UNAVAILABLE, and worth another peer', (_, error) => {
        expect(ledgerErrorFrom(error, 'tx3')).toMatchObject({ code: 'UNAVAILABLE', transactionId: 'tx3' });
        expect(ledgerErrorFrom(error).httpStatus).toBe(503);
        expect(isUnavailable(error)).toBe(true);
    });

    test('a LedgerError passes through unchanged', () => {
        const original = new LedgerError('CONFLICT', 'already exists');
        expect(ledgerErrorFrom(original)).toBe(original);
    });

    test('something that is not an Error is INTERNAL', () => {
        expect(ledgerErrorFrom('boom')).toMatchObject({ code: 'INTERNAL', detail: 'boom' });
    });
});

describe('isUnavailable', () => {
    test('an unreachable peer is worth another peer', () => {
        expect(isUnavailable(serviceError(GrpcStatus.UNAVAILABLE, 'connect ECONNREFUSED'))).toBe(true);
        expect(isUnavailable(gatewayError(GrpcStatus.UNAVAILABLE, 'no orderer nodes available'))).toBe(true);
    });

    test('a peer that cannot yet plan an endorsement is worth another peer', () => {
        const error = gatewayError(
            GrpcStatus.FAILED_PRECONDITION,
            'no combination of peers can be derived which satisfy the endorsement policy',
        );
        expect(isUnavailable(error)).toBe(true);
    });

    test("the call's own errors are not", () => {
        expect(isUnavailable(gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction'))).toBe(false);
        expect(isUnavailable(gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'evaluate timeout expired'))).toBe(false);
        expect(isUnavailable(gatewayError(GrpcStatus.FAILED_PRECONDITION, 'access denied'))).toBe(false);
        expect(isUnavailable(new LedgerError('FORBIDDEN', 'requires role physician'))).toBe(false);
        expect(isUnavailable('UNAVAILABLE')).toBe(false);
    });
});
