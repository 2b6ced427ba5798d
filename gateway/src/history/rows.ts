import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { BlockTransaction, LedgerBlock } from '../ledger';

/**
 * The rows one block becomes, and the digest that ties them to the block. The digest is
 * computed the same way from a block the ledger delivers and from the rows the index holds,
 * so `verify` finds a block whose rows were altered, added or removed in the database.
 */
export interface BlockRow {
    number: number;
    hash: string;
    previousHash: string;
    dataHash: string;
    transactions: TransactionRow[];
}

export interface TransactionRow {
    txId: string;
    position: number;
    ts: string;
    creatorMsp: string;
    creatorRole: string | null;
    contract: string | null;
    function: string | null;
    validationCode: string;
    eventName: string | null;
    eventPayload: Buffer | null;
    /** Only a valid transaction's writes reach the index (an invalid one changed nothing). */
    writes: WriteRow[];
}

export interface WriteRow {
    /** See {@link keyText}. */
    key: string;
    objectType: string | null;
    isDelete: boolean;
    value: Buffer | null;
    /**
     * The value as UTF-8 text when it is valid UTF-8 (sent to the database as text, which it
     * turns back into the same bytes: no base64 on the hot path); null otherwise.
     */
    text: string | null;
    /** Whether `text` is JSON PostgreSQL's jsonb can hold (it becomes the row's `doc`). */
    json: boolean;
}

const separator = '\u0000';

/**
 * A ledger key as index text: a simple key as itself, a composite key (U+0000 objectType
 * U+0000 part U+0000 ...) as the JSON array `[objectType, ...parts]`.
 */
export function keyText(key: string): string {
    if (!key.startsWith(separator)) {
        return key;
    }
    return JSON.stringify(key.slice(1, key.endsWith(separator) ? -1 : undefined).split(separator));
}

/** The ledger key of index text made by {@link keyText}. */
export function ledgerKey(text: string): string {
    if (!text.startsWith('["')) {
        return text;
    }
    const parts = JSON.parse(text) as string[];
    return separator + parts.join(separator) + separator;
}

/** The object type of a composite key, e.g. `supply.unit`; null for a simple key. */
export function objectTypeOf(key: string): string | null {
    if (!key.startsWith(separator)) {
        return null;
    }
    const end = key.indexOf(separator, 1);
    return key.slice(1, end < 0 ? undefined : end);
}

/** A composite key as index text, e.g. `compositeKeyText('supply.unit', [gtin, serial])`. */
export function compositeKeyText(objectType: string, parts: readonly string[]): string {
    return JSON.stringify([objectType, ...parts]);
}

export function blockRow(block: LedgerBlock): BlockRow {
    return {
        number: Number(block.number),
        hash: block.hash,
        previousHash: block.previousHash,
        dataHash: block.dataHash,
        transactions: block.transactions.map(transactionRow),
    };
}

function transactionRow(tx: BlockTransaction): TransactionRow {
    const [contract, fn] = splitFunction(tx.functionName);
    return {
        txId: tx.transactionId,
        position: tx.position,
        ts: tx.timestamp,
        creatorMsp: tx.creatorMspId,
        creatorRole: tx.creatorRole ?? null,
        contract,
        function: fn,
        validationCode: tx.validationCode,
        eventName: tx.event?.name ?? null,
        eventPayload: tx.event ? Buffer.from(tx.event.payload) : null,
        writes: tx.validationCode === 'VALID' ? tx.writes.map((write) => writeRow(write.key, write.value)) : [],
    };
}

function writeRow(key: string, value: Uint8Array | undefined): WriteRow {
    const bytes = value === undefined ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const text = bytes !== null && isUtf8(bytes) ? bytes.toString('utf8') : null;
    return {
        key: keyText(key),
        objectType: objectTypeOf(key),
        isDelete: bytes === null,
        value: bytes,
        text,
        json: text !== null && isJsonDocument(text),
    };
}

/** `ehr:GrantConsent` as contract `ehr` and function `GrantConsent`; a name without a contract keeps contract null. */
function splitFunction(name: string | undefined): [string | null, string | null] {
    if (name === undefined || name === '') {
        return [null, null];
    }
    const colon = name.indexOf(':');
    return colon < 0 ? [null, name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** An object or array in JSON that jsonb can hold (it cannot hold U+0000). */
function isJsonDocument(text: string): boolean {
    const first = text.charCodeAt(0);
    if ((first !== 0x7b && first !== 0x5b) || text.includes('\\u0000')) {
        return false;
    }
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

/** SHA-256 over a canonical form of the block's header and rows (everything but the derived `doc`). */
export function blockDigest(block: BlockRow): string {
    const canonical = JSON.stringify([
        block.number,
        block.hash,
        block.previousHash,
        block.dataHash,
        block.transactions.map((tx) => [
            tx.txId,
            tx.position,
            tx.ts,
            tx.creatorMsp,
            tx.creatorRole,
            tx.contract,
            tx.function,
            tx.validationCode,
            tx.eventName,
            tx.eventPayload?.toString('base64') ?? null,
            [...tx.writes]
                .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
                .map((write) => [write.key, write.isDelete, write.value?.toString('base64') ?? null]),
        ]),
    ]);
    return createHash('sha256').update(canonical).digest('hex');
}
