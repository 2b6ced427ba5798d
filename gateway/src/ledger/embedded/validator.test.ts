import { keyHashOf } from './hashing';
import type { EndorsedTransaction, Height, RwSet } from './types';
import { validateBlock } from './validator';
import { WorldState } from './world-state';

const empty: RwSet = { reads: [], rangeQueries: [], writes: [], metadataWrites: [], collections: [] };

function tx(txId: string, rwset: Partial<RwSet>): EndorsedTransaction {
    return {
        txId,
        creatorMspId: 'HospitalMSP',
        timestamp: { seconds: 0, nanos: 0 },
        functionName: 'test:Tx',
        rwset: { ...empty, ...rwset },
        response: { status: 200, message: '', payload: Buffer.alloc(0) },
    };
}

/** A state with keys a and c written in block 0. */
function seeded(): WorldState {
    const state = new WorldState();
    const seed = tx('seed', {
        writes: [
            { key: 'a', value: Buffer.from('1') },
            { key: 'c', value: Buffer.from('1') },
        ],
    });
    state.apply({ number: 0, previousHash: '', transactions: [seed], validation: ['VALID'] });
    return state;
}

const v0: Height = { blockNum: 0, txNum: 0 };

describe('validateBlock', () => {
    it('accepts reads of unchanged versions, including of keys that do not exist', () => {
        const state = seeded();
        const reads = [
            { key: 'a', version: v0 },
            { key: 'b', version: null },
        ];
        expect(validateBlock(state, [tx('t1', { reads })], 1)).toEqual(['VALID']);
    });

    it('invalidates a read of a version that is no longer current', () => {
        const state = seeded();
        expect(validateBlock(state, [tx('t1', { reads: [{ key: 'a', version: null }] })], 1)).toEqual([
            'MVCC_READ_CONFLICT',
        ]);
    });

    it('invalidates a read of a key written by an earlier valid transaction of the same block, not by an invalid one', () => {
        const state = seeded();
        const reads = [{ key: 'a', version: v0 }];
        const writes = [{ key: 'a', value: Buffer.from('2') }];
        const codes = validateBlock(
            state,
            [
                tx('t1', { reads, writes }),
                tx('t2', { reads, writes }),
                tx('t3', { reads: [{ key: 'c', version: v0 }] }),
            ],
            1,
        );
        expect(codes).toEqual(['VALID', 'MVCC_READ_CONFLICT', 'VALID']);
    });

    it('finds a phantom: a key inserted into a range scanned earlier', () => {
        const state = seeded();
        const scan = tx('scan', {
            rangeQueries: [
                {
                    startKey: 'a',
                    endKey: 'z',
                    itrExhausted: true,
                    reads: [
                        { key: 'a', version: v0 },
                        { key: 'c', version: v0 },
                    ],
                },
            ],
        });
        const insert = tx('insert', { writes: [{ key: 'b', value: Buffer.from('new') }] });
        expect(validateBlock(state, [insert, scan], 1)).toEqual(['VALID', 'PHANTOM_READ_CONFLICT']);
        expect(validateBlock(state, [scan, insert], 1)).toEqual(['VALID', 'VALID']);
    });

    it('checks a range scan that stopped early only up to the last key it read', () => {
        const state = seeded();
        const partial = tx('scan', {
            rangeQueries: [{ startKey: 'a', endKey: 'a', itrExhausted: false, reads: [{ key: 'a', version: v0 }] }],
        });
        const beyond = tx('insert', { writes: [{ key: 'b', value: Buffer.from('new') }] });
        expect(validateBlock(state, [beyond, partial], 1)).toEqual(['VALID', 'VALID']);
    });

    it('invalidates a changed private data hash and a duplicate transaction id', () => {
        const state = seeded();
        const write = tx('p1', {
            collections: [
                {
                    collection: 'c1',
                    hashedReads: [],
                    writes: [{ key: 'k', value: Buffer.from('x'), purge: false }],
                    metadataWrites: [],
                },
            ],
        });
        const read = tx('p2', {
            collections: [
                {
                    collection: 'c1',
                    hashedReads: [{ keyHash: keyHashOf('k'), version: null }],
                    writes: [],
                    metadataWrites: [],
                },
            ],
        });
        expect(validateBlock(state, [write, read, tx('seed', {})], 1)).toEqual([
            'VALID',
            'MVCC_READ_CONFLICT',
            'DUPLICATE_TXID',
        ]);
    });
});
