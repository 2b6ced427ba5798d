import { keyHashOf, sha256 } from './hashing';
import type { EndorsedTransaction, RwSet } from './types';
import { WorldState } from './world-state';

/**
 * The world state's running digest is what the fuzz suites compare before and after every refused
 * call: it must move on every kind of committed write (a digest that ignored one would let a
 * refused call's write pass unseen) and agree with a digest computed from scratch.
 */
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

function commit(state: WorldState, rwset: Partial<RwSet>): void {
    state.apply({
        number: state.height,
        previousHash: '',
        transactions: [tx(`t${state.height}`, rwset)],
        validation: ['VALID'],
    });
}

function seeded(): WorldState {
    const state = new WorldState();
    commit(state, {
        writes: [
            { key: 'a', value: Buffer.from('1') },
            { key: '\u0000record\u0000r1\u0000', value: Buffer.from('{"id":"r1"}') },
        ],
        collections: [
            {
                collection: '_implicit_org_HospitalMSP',
                hashedReads: [],
                writes: [{ key: 'loc', value: Buffer.from('https://docs.example/r1'), purge: false }],
                metadataWrites: [],
            },
        ],
    });
    return state;
}

describe('WorldState digest', () => {
    const writes: Array<[string, Partial<RwSet>]> = [
        ['a new public key', { writes: [{ key: 'b', value: Buffer.from('1') }] }],
        ['a changed public value', { writes: [{ key: 'a', value: Buffer.from('2') }] }],
        ['the same public value rewritten (new version)', { writes: [{ key: 'a', value: Buffer.from('1') }] }],
        ['a public delete', { writes: [{ key: 'a', value: null }] }],
        [
            'public metadata (key-level endorsement policy)',
            { metadataWrites: [{ key: 'a', entries: { VALIDATION_PARAMETER: Buffer.from('p') } }] },
        ],
        [
            'a private value',
            {
                collections: [
                    {
                        collection: '_implicit_org_HospitalMSP',
                        hashedReads: [],
                        writes: [{ key: 'loc', value: Buffer.from('https://docs.example/other'), purge: false }],
                        metadataWrites: [],
                    },
                ],
            },
        ],
        [
            'a private purge',
            {
                collections: [
                    {
                        collection: '_implicit_org_HospitalMSP',
                        hashedReads: [],
                        writes: [{ key: 'loc', value: null, purge: true }],
                        metadataWrites: [],
                    },
                ],
            },
        ],
    ];

    it.each(writes)('changes on %s', (_name, rwset) => {
        const state = seeded();
        const before = state.digest();
        commit(state, rwset);
        expect(state.digest()).not.toBe(before);
        expect(state.recomputeDigest()).toBe(state.digest());
    });

    it('changes on a hash-only write, as a peer outside the collection commits it', () => {
        const state = seeded();
        const before = state.digest();
        state.apply({
            number: state.height,
            previousHash: '',
            transactions: [
                {
                    ...tx('h', {}),
                    rwset: {
                        ...empty,
                        collections: [
                            {
                                collection: '_implicit_org_DistributorMSP',
                                hashedReads: [],
                                hashedWrites: [{ keyHash: keyHashOf('k'), valueHash: sha256('v'), purge: false }],
                                hashedMetadataWrites: [],
                            },
                        ],
                    },
                },
            ],
            validation: ['VALID'],
        });
        expect(state.digest()).not.toBe(before);
        expect(state.recomputeDigest()).toBe(state.digest());
    });

    it('does not change on an invalidated transaction or a read-only one', () => {
        const state = seeded();
        const before = state.digest();
        state.apply({
            number: state.height,
            previousHash: '',
            transactions: [tx('bad', { writes: [{ key: 'a', value: Buffer.from('9') }] })],
            validation: ['MVCC_READ_CONFLICT'],
        });
        commit(state, { reads: [{ key: 'a', version: { blockNum: 0, txNum: 0 } }] });
        expect(state.digest()).toBe(before);
    });

    it('depends on the state reached (values and versions), not on writes undone on the way', () => {
        const one = new WorldState();
        commit(one, { writes: [{ key: 'x', value: Buffer.from('1') }] });
        commit(one, { writes: [{ key: 'y', value: Buffer.from('1') }] });
        const two = new WorldState();
        commit(two, { writes: [{ key: 'y', value: Buffer.from('1') }] });
        commit(two, { writes: [{ key: 'x', value: Buffer.from('1') }] });
        // Versions differ (x in block 0 vs 1), so the states differ: the digest says so.
        expect(one.digest()).not.toBe(two.digest());
        const three = new WorldState();
        commit(three, { writes: [{ key: 'x', value: Buffer.from('1') }] });
        commit(three, { writes: [{ key: 'y', value: Buffer.from('1') }] });
        expect(three.digest()).toBe(one.digest());
        // Writing a key and deleting it leaves the digest of the state without it.
        const four = new WorldState();
        commit(four, { writes: [{ key: 'x', value: Buffer.from('1') }] });
        const withX = four.digest();
        commit(four, { writes: [{ key: 'z', value: Buffer.from('1') }] });
        commit(four, { writes: [{ key: 'z', value: null }] });
        expect(four.digest()).toBe(withX);
    });

    it('sees a value changed behind apply() when recomputed', () => {
        const state = seeded();
        state.getState('a')!.value.write('9');
        expect(state.recomputeDigest()).not.toBe(state.digest());
    });
});
