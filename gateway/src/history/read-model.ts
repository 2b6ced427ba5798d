import {
    commitmentFromProof,
    requireId,
    supply,
    type Credential,
    type Verification,
    verifyPresented,
} from '@careledger/chaincode';
import type { Context } from 'fabric-contract-api';
import { contractErrorFrom } from '../ledger/errors';
import type { HistoryDatabase } from './database';
import type { ReadModelCache } from './read-model-cache';
import { compositeKeyText, keyText } from './rows';

/**
 * How fresh a read-model answer is. The index holds only blocks its org's peer committed, and
 * only the writes of their valid transactions, so an answer never reflects anything the ledger
 * has not committed; it may lag behind the newest blocks, and says by how much it could.
 */
export interface ReadModelFreshness {
    source: 'index';
    /** The answer reflects blocks 0..blockHeight-1 and nothing after them. */
    blockHeight: number;
    /** The timestamp of the newest transaction in those blocks: the ledger time the answer reflects. */
    ledgerTime?: string;
}

export type ReadModelAnswer<T> = T & { readModel: ReadModelFreshness };

/**
 * Verification served from the history index (issue 19): the same verdicts as the chaincode's
 * `VerifyProduct` and `VerifyCredential`, computed by the chaincode's own rules
 * (`supply.verdict`, `assessCredential`) over the state the index holds, at the current time.
 * Each answer is one SQL statement, so the state it reads and the height it states are one
 * snapshot. Like the ledger path it is public: the verdict never depends on who asks.
 *
 * For an answer as of the newest block, ask the ledger (the evaluate path); the REST routes do
 * that unless `source=index` is given (docs in history/README.md).
 */
export class VerificationReadModel {
    /**
     * @param cache when the index's own indexer feeds it ({@link HistoryIndex.readModel}), answers
     *   whose keys have not been written since are served from memory, exactly as the database would.
     */
    constructor(
        private readonly db: HistoryDatabase,
        private readonly cache?: ReadModelCache<VerdictInputs>,
        private readonly now: () => Date = () => new Date(),
    ) {}

    /** Serves `id` from the cache, or reads it with `read` (one statement) and keeps it. */
    private async inputs(
        id: string,
        read: () => Promise<{ row: SnapshotRow | undefined; inputs: VerdictInputs; keys: readonly string[] }>,
    ): Promise<{ inputs: VerdictInputs; freshness: ReadModelFreshness }> {
        const cached = this.cache?.get(id);
        if (cached && this.cache?.height !== undefined) {
            return {
                inputs: cached,
                freshness: { source: 'index', blockHeight: this.cache.height, ledgerTime: this.cache.ledgerTime },
            };
        }
        const generation = this.cache?.generation ?? 0;
        const { row, inputs, keys } = await read();
        const freshness = freshnessOf(row);
        this.cache?.put(id, inputs, keys, {
            generation,
            height: freshness.blockHeight,
            ledgerTime: freshness.ledgerTime,
        });
        return { inputs, freshness };
    }

    /** VerifyProduct from the index: `product` as scanned (element string, Digital Link, JSON) or parsed. */
    async verifyProduct(
        product: string | supply.VerificationRequest,
    ): Promise<ReadModelAnswer<supply.VerificationResult>> {
        const request = asLedgerError(() =>
            supply.requireProductIdentifier(
                typeof product === 'string' ? supply.itemArgument(product) : product,
                'product',
            ),
        );
        const unitKey = compositeKeyText('supply.unit', [request.gtin, request.serial]);
        const { inputs, freshness } = await this.inputs(`product ${unitKey}`, async () => {
            const [row] = await this.db.query<SnapshotRow & { unit: supply.Unit | null; lot: supply.Lot | null }>(
                `SELECT c.next_block AS height, ${ledgerTime} AS ledger_time, u.doc AS unit, l.doc AS lot
                 FROM (SELECT 1) AS one
                 LEFT JOIN history_checkpoint c ON c.id = 1
                 LEFT JOIN history_state u ON u.key = $1
                 LEFT JOIN history_state l ON l.key = ${keyExpression('supply.lot', ["u.doc->>'gtin'", "u.doc->>'lot'"])}`,
                [unitKey],
            );
            const unit = row?.unit ?? undefined;
            return {
                row,
                inputs: { kind: 'product', unit, lot: row?.lot ?? undefined },
                keys: unit ? [unitKey, compositeKeyText('supply.lot', [unit.gtin, unit.lot])] : [unitKey],
            };
        });
        const { unit, lot } = inputs as ProductInputs;
        return { ...supply.verdict(request, unit, lot, this.now()), readModel: freshness };
    }

    /** VerifyCredential from the index: `proof` is `{ documentSha256, salt }` or `{ commitment }`. */
    async verifyCredential(
        credentialId: string,
        proof: Record<string, unknown>,
    ): Promise<ReadModelAnswer<Verification>> {
        const id = asLedgerError(() => requireId(credentialId, 'credentialId'));
        const commitment = asLedgerError(() => commitmentFromProof(proof, 'proof'));
        const credentialKey = compositeKeyText('credentials.credential', [id]);
        const { inputs, freshness } = await this.inputs(`credential ${credentialKey}`, async () => {
            const [row] = await this.db.query<
                SnapshotRow & { credential: Credential | null; renewal: Credential | null; issuer: unknown }
            >(
                `SELECT c.next_block AS height, ${ledgerTime} AS ledger_time, v.doc AS credential, r.doc AS renewal,
                        i.doc AS issuer
                 FROM (SELECT 1) AS one
                 LEFT JOIN history_checkpoint c ON c.id = 1
                 LEFT JOIN history_state v ON v.key = $1
                 LEFT JOIN history_state r ON r.key = ${keyExpression('credentials.credential', ["v.doc->>'replacedBy'"])}
                 LEFT JOIN history_state i
                        ON i.key = ${keyExpression('credentials.issuer', ["v.doc->'issuer'->>'mspId'", "v.doc->>'type'"])}`,
                [credentialKey],
            );
            const credential = row?.credential ?? undefined;
            // Every key the chaincode's assessment may read, with what the snapshot holds (or nothing).
            const state = new Map<string, unknown>([[credentialKey, credential]]);
            if (credential?.replacedBy) {
                state.set(
                    compositeKeyText('credentials.credential', [credential.replacedBy]),
                    row?.renewal ?? undefined,
                );
            }
            if (credential) {
                state.set(
                    compositeKeyText('credentials.issuer', [credential.issuer.mspId, credential.type]),
                    row?.issuer ?? undefined,
                );
            }
            return { row, inputs: { kind: 'credential', credential, state }, keys: [...state.keys()] };
        });
        const { credential, state } = inputs as CredentialInputs;
        const verification = await verifyPresented(snapshotContext(state), id, credential, commitment, this.now());
        return { ...verification, readModel: freshness };
    }
}

/** The newest transaction's timestamp in the indexed blocks (ISO text sorts as it compares). */
const ledgerTime = `(SELECT max(t.ts) FROM history_transactions t WHERE t.block_number = c.next_block - 1)`;

/**
 * SQL for the index text of a composite key whose parts are SQL expressions, as
 * {@link compositeKeyText} builds it in JavaScript: PostgreSQL's `to_json(text)` escapes a
 * string as `JSON.stringify` does, and the array is written without spaces like it.
 */
function keyExpression(objectType: string, parts: readonly string[]): string {
    return `'[' || ${[`'${JSON.stringify(objectType)}'`, ...parts.map((part) => `to_json(${part})::text`)].join(" || ',' || ")} || ']'`;
}

/** The columns every read-model statement starts with: the snapshot's height and ledger time. */
interface SnapshotRow {
    height: number | null;
    ledger_time: string | null;
}

interface ProductInputs {
    kind: 'product';
    unit?: supply.Unit;
    lot?: supply.Lot;
}

interface CredentialInputs {
    kind: 'credential';
    credential?: Credential;
    /** Each key the assessment reads (index text) with its value in the snapshot, undefined if absent. */
    state: ReadonlyMap<string, unknown>;
}

/** What a verdict is computed from: the state one statement read (cached as is; verdicts depend on the time). */
export type VerdictInputs = ProductInputs | CredentialInputs;

function freshnessOf(row: SnapshotRow | undefined): ReadModelFreshness {
    return { source: 'index', blockHeight: row?.height ?? 0, ledgerTime: row?.ledger_time ?? undefined };
}

/**
 * What the chaincode's keyed reads need of a transaction context, answered from state read in
 * one snapshot. A key outside it is a programming error (the chaincode's rules read more than
 * this read model fetched), never silently "absent".
 */
function snapshotContext(state: ReadonlyMap<string, unknown>): Context {
    const stub = {
        createCompositeKey: (objectType: string, parts: string[]) =>
            `\u0000${objectType}\u0000${parts.map((part) => `${part}\u0000`).join('')}`,
        getState: async (key: string) => {
            const text = keyText(key);
            if (!state.has(text)) {
                throw new Error(`the read model did not fetch ${text}, which the chaincode's rules read`);
            }
            const value = state.get(text);
            return value === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(value));
        },
    };
    return { stub } as unknown as Context;
}

/** The chaincode's input checks throw contract errors; faces expect LedgerError (400 naming the field). */
function asLedgerError<T>(check: () => T): T {
    try {
        return check();
    } catch (error) {
        throw contractErrorFrom((error as Error).message) ?? error;
    }
}
