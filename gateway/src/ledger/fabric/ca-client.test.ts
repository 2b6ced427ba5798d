import { answer } from './ca-client';

const body = (value: object) => Buffer.from(JSON.stringify(value));

describe('Fabric CA answers', () => {
    test('a success gives its result', () => {
        expect(answer(201, body({ success: true, result: { secret: 's3' }, errors: [] }), 'register x')).toEqual({
            secret: 's3',
        });
    });

    test('refusals become typed errors carrying the CA message', () => {
        const refusal = (code: number, message: string) =>
            body({ success: false, result: null, errors: [{ code, message }] });
        expect(() => answer(409, refusal(74, "Identity 'x' is already registered"), 'register x')).toThrow(
            expect.objectContaining({
                code: 'CONFLICT',
                field: 'user',
                detail: expect.stringContaining('already registered (code 74)'),
            }),
        );
        // fabric-ca versions that answer a duplicate with another status still say code 74.
        expect(() => answer(500, refusal(74, 'dup'), 'register x')).toThrow(
            expect.objectContaining({ code: 'CONFLICT' }),
        );
        expect(() => answer(401, refusal(20, 'Authentication failure'), 'enroll x')).toThrow(
            expect.objectContaining({ code: 'FORBIDDEN' }),
        );
        expect(() => answer(400, refusal(35, 'CSR Decode failed'), 'enroll x')).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
        );
        expect(() => answer(502, Buffer.from('<html>bad gateway</html>'), 'enroll x')).toThrow(
            expect.objectContaining({ code: 'UNAVAILABLE', detail: 'enroll x: the CA answered 502' }),
        );
        // A 2xx without success is no success.
        expect(() => answer(200, body({ success: false, errors: [] }), 'enroll x')).toThrow(
            expect.objectContaining({ code: 'UNAVAILABLE' }),
        );
    });
});
