import 'reflect-metadata';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ContractHarness, type HarnessIdentity } from '@careledger/testing';
import { contracts, ErrorCodes } from '@careledger/chaincode';
import { ehrCast, registerRecord } from '../fixtures/ehr';
import { fuzzRuns, fuzzSeed, hostileArg, shortReport } from './arbitraries';

/**
 * Issue #17, bad input by the ten thousand, contract side: every transaction of every contract
 * gets hostile arguments from callers of every role, through the contract harness (the embedded
 * engine's endorsement path). Each call either succeeds or is refused with a typed contract error
 * (INVALID_ARGUMENT naming its field, FORBIDDEN, NOT_FOUND, CONFLICT) — never an untyped failure —
 * and a refused call leaves the world state (public, private and hashed) exactly as it was.
 * `FUZZ_RUNS` inputs per transaction (CI: 25, fixed seed; `npm run fuzz`: 10,000).
 */
jest.setTimeout(6 * 60 * 60 * 1000);

interface TransactionMeta {
    name: string;
    tag?: string[];
    parameters?: unknown[];
}

function transactionsOf(): Array<{ contract: string; name: string; arity: number; evaluate: boolean }> {
    return contracts.flatMap((Contract) => {
        const instance = new Contract() as unknown as { getName(): string };
        const metas = (Reflect.getMetadata('fabric:transactions', Contract.prototype) ?? []) as TransactionMeta[];
        return metas.map((meta) => {
            const fn = (Contract.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[meta.name];
            return {
                contract: instance.getName(),
                name: meta.name,
                arity: Math.max(0, fn.length - 1),
                evaluate: (meta.tag ?? []).includes('evaluateTx'),
            };
        });
    });
}

function digest(h: ContractHarness): string {
    return createHash('sha256').update(JSON.stringify(h.snapshot())).digest('hex');
}

export interface FuzzFigures {
    transaction: string;
    inputs: number;
    accepted: number;
    refused: Record<string, number>;
    untyped: number;
    stateChangedOnRefusal: number;
}

describe('fuzz: every contract transaction, hostile arguments', () => {
    let h: ContractHarness;
    let callers: HarnessIdentity[];
    const figures: FuzzFigures[] = [];

    beforeAll(async () => {
        h = await ContractHarness.create();
        const cast = await ehrCast(h);
        await registerRecord(h, cast.physician, cast.patientId, 'rec-fuzz-1');
        callers = [
            cast.patient,
            cast.physician,
            cast.nurse,
            cast.pharmacist,
            cast.hospitalAdmin,
            cast.distributor,
            cast.inspector,
            cast.noActorId,
            h.identity({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op-mfr-0001' }),
            h.identity({ mspId: 'ManufacturerMSP', role: 'admin', actorId: 'manufacturer-admin' }),
            h.identity({ mspId: 'RegulatorMSP', role: 'admin', actorId: 'regulator-admin' }),
        ];
    });

    afterAll(() => {
        const total = figures.reduce((sum, f) => sum + f.inputs, 0);
        process.stdout.write(
            `fuzz-contracts: ${figures.length} transactions, ${total} inputs, ${fuzzRuns} per transaction, seed ${fuzzSeed}\n` +
                figures
                    .map(
                        (f) =>
                            `  ${f.transaction}: ${f.inputs} inputs, ${f.accepted} accepted, refused ${JSON.stringify(f.refused)}, ` +
                            `untyped ${f.untyped}, state changed on refusal ${f.stateChangedOnRefusal}`,
                    )
                    .join('\n') +
                '\n',
        );
    });

    const transactions = transactionsOf();

    it('finds every transaction of every contract', () => {
        expect(transactions.length).toBeGreaterThan(60);
        expect(transactions.map((t) => `${t.contract}:${t.name}`)).toEqual(
            expect.arrayContaining(['ehr:RegisterRecord', 'supply:CommissionUnits', 'credentials:IssueCredential']),
        );
    });

    it.each(transactions.map((t) => [`${t.contract}:${t.name}`, t] as const))(
        '%s: typed refusals, state unchanged on refusal',
        async (label, transaction) => {
            const figure: FuzzFigures = {
                transaction: label,
                inputs: 0,
                accepted: 0,
                refused: {},
                untyped: 0,
                stateChangedOnRefusal: 0,
            };
            figures.push(figure);
            const argsArb = fc.array(hostileArg, {
                minLength: Math.max(0, transaction.arity - 1),
                maxLength: transaction.arity + 1,
            });
            await fc.assert(
                fc.asyncProperty(fc.nat({ max: callers.length - 1 }), argsArb, async (callerIndex, args) => {
                    figure.inputs += 1;
                    const before = digest(h);
                    try {
                        if (transaction.evaluate) {
                            await h.evaluate(callers[callerIndex], label, args);
                        } else {
                            await h.submit(callers[callerIndex], label, args);
                        }
                        figure.accepted += 1;
                        return;
                    } catch (error) {
                        const { code, field } = error as { code?: string; field?: string };
                        const typed =
                            code !== undefined &&
                            (ErrorCodes as readonly string[]).includes(code) &&
                            (code !== 'INVALID_ARGUMENT' || (typeof field === 'string' && field.length > 0));
                        if (!typed) {
                            figure.untyped += 1;
                            throw new Error(`untyped refusal: ${(error as Error).message.slice(0, 300)}`);
                        }
                        figure.refused[code] = (figure.refused[code] ?? 0) + 1;
                        if (digest(h) !== before) {
                            figure.stateChangedOnRefusal += 1;
                            throw new Error(`refused with ${code}(${field ?? ''}) but the world state changed`);
                        }
                    }
                }),
                { numRuns: fuzzRuns, seed: fuzzSeed, endOnFailure: true, reporter: shortReport },
            );
        },
    );
});
