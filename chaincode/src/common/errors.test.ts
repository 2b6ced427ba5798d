import fc from 'fast-check';
import { ContractError, formatContractError, parseContractError, type ContractErrorCode } from './errors';

/**
 * The code and field of a contract error travel in its message; a field may carry a client's own
 * key (`record.<key>`). The full fuzz run of 2026-12-05 (seed 20261205, input 3,523) sent
 * RegisterRecord a record with the key `kB)}`: the `)` ended the field early, the message no
 * longer parsed, and the refusal reached the client untyped.
 */
describe('contract error messages', () => {
    it('keep a field with ")" and "\\\\" in it, as the fuzz run sent it', () => {
        const error = new ContractError('INVALID_ARGUMENT', 'is not a field of record (allowed: id)', 'record.kB)}');
        expect(parseContractError(error.message)).toEqual({
            code: 'INVALID_ARGUMENT',
            field: 'record.kB)}',
            detail: 'is not a field of record (allowed: id)',
        });
        for (const field of ['a)', ')', 'a\\', 'a\\)', 'a): FORBIDDEN: x', '\\\\)\\', 'line\nbreak)']) {
            expect(parseContractError(formatContractError('INVALID_ARGUMENT', 'rule', field))?.field).toBe(field);
        }
    });

    it('parse as they did without such characters, also inside a peer’s wrapped message', () => {
        expect(parseContractError('chaincode response 500, NOT_FOUND(items[3]): lot L1 does not exist')).toEqual({
            code: 'NOT_FOUND',
            field: 'items[3]',
            detail: 'lot L1 does not exist',
        });
        expect(parseContractError('FORBIDDEN: only the custodian')).toEqual({
            code: 'FORBIDDEN',
            field: undefined,
            detail: 'only the custodian',
        });
    });

    it('round-trip any code, field and detail (fixed seed)', () => {
        const codes: ContractErrorCode[] = ['INVALID_ARGUMENT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'];
        fc.assert(
            fc.property(
                fc.constantFrom(...codes),
                fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
                fc.string({ unit: 'binary', maxLength: 60 }),
                (code, field, detail) => {
                    expect(
                        parseContractError(`chaincode response 500, ${formatContractError(code, detail, field)}`),
                    ).toEqual({
                        code,
                        field,
                        detail,
                    });
                },
            ),
            { numRuns: 2000, seed: 20261205 },
        );
    });
});
