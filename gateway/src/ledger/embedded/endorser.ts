import { certificateRole } from '../certificate-role';
import type { CollectionRegistry } from './collections';
import type { ContractRuntime, SimulationOutcome } from './contract-runtime';
import type { ParsedProposal } from './proposal';
import type { EndorsedTransaction, RwSet } from './types';
import type { WorldState } from './world-state';

/** Why an endorsement produced no transaction. */
export type EndorsementFailure =
    /** Every endorser's chaincode rejected the proposal with this response message. */
    | { kind: 'rejected'; message: string }
    /** Endorsers disagree: results differ, or some rejected while others did not. */
    | { kind: 'mismatch'; message: string };

export type EndorsementResult =
    { ok: true; transaction: EndorsedTransaction } | { ok: false; failure: EndorsementFailure };

/**
 * Simulates a proposal on the peers of `endorsers` (one run each, one after the other, on
 * the same committed state) and compares what they produced, as the gateway compares
 * proposal responses before it orders a transaction. A difference means the transaction
 * is not deterministic (wall clock, randomness, unordered iteration) or it read private
 * data that only some endorsers' peers hold; it fails naming the function.
 */
export async function endorse(
    runtime: ContractRuntime,
    proposal: ParsedProposal,
    state: WorldState,
    collections: CollectionRegistry,
    endorsers: readonly string[],
): Promise<EndorsementResult> {
    const outcomes: SimulationOutcome[] = [];
    for (const mspId of endorsers) {
        if (outcomes.length) {
            // Two endorsing peers never run in the same millisecond; make sure ours don't either.
            await nextMillisecond();
        }
        outcomes.push(await runtime.simulate(proposal, state, collections, { mspId }));
    }
    const functionName = functionNameOf(proposal);
    const failed = outcomes.filter((outcome) => outcome.response.status >= 400);
    if (failed.length === outcomes.length) {
        return { ok: false, failure: { kind: 'rejected', message: failed[0].response.message } };
    }
    if (failed.length) {
        const [first] = failed;
        const succeeded = outcomes.find((outcome) => outcome.response.status < 400) as SimulationOutcome;
        return {
            ok: false,
            failure: {
                kind: 'mismatch',
                message: `endorsers disagree on ${functionName}: the peer of ${succeeded.peerMspId} endorsed it, the peer of ${first.peerMspId} failed: ${first.response.message}`,
            },
        };
    }
    const [reference, ...others] = outcomes;
    for (const other of others) {
        const difference = firstDifference(reference, other);
        if (difference) {
            return {
                ok: false,
                failure: {
                    kind: 'mismatch',
                    message:
                        `endorsers disagree on ${functionName}: ${difference} between the peers of ${reference.peerMspId} and ${other.peerMspId}. ` +
                        'The transaction is not deterministic (wall clock, randomness, unordered iteration) or reads private data only some endorsers hold',
                },
            };
        }
    }
    return {
        ok: true,
        transaction: {
            txId: proposal.txId,
            args: proposal.args,
            creatorMspId: proposal.creator.mspId,
            creatorRole: certificateRole(proposal.creator.certificate),
            timestamp: proposal.timestamp,
            functionName,
            rwset: reference.rwset,
            response: reference.response,
            event: reference.event,
        },
    };
}

export function functionNameOf(proposal: ParsedProposal): string {
    return proposal.args[0]?.toString('utf8') ?? '';
}

/** Names the first part of two simulations that differs, or undefined when they are identical. */
export function firstDifference(a: SimulationOutcome, b: SimulationOutcome): string | undefined {
    if (!a.response.payload.equals(b.response.payload) || a.response.status !== b.response.status) {
        return 'the return values differ';
    }
    if (canonical(a.event) !== canonical(b.event)) {
        return 'the chaincode events differ';
    }
    return rwsetDifference(a.rwset, b.rwset);
}

function rwsetDifference(a: RwSet, b: RwSet): string | undefined {
    const parts: Array<[string, (set: RwSet) => Array<{ key?: string; keyHash?: string; collection?: string }>]> = [
        ['read', (set) => set.reads],
        ['write', (set) => set.writes],
        ['metadata write', (set) => set.metadataWrites],
        ['range query', (set) => set.rangeQueries.map((query) => ({ ...query, key: query.startKey }))],
        ['private data', (set) => set.collections],
    ];
    for (const [name, list] of parts) {
        const left = list(a);
        const right = list(b);
        const length = Math.max(left.length, right.length);
        for (let i = 0; i < length; i++) {
            if (canonical(left[i]) !== canonical(right[i])) {
                const item = left[i] ?? right[i];
                const label = item.collection ?? JSON.stringify(item.key ?? item.keyHash);
                return `the ${name} of ${label} differs`;
            }
        }
    }
    return undefined;
}

function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, item: unknown) => {
        if (item && typeof item === 'object' && (item as { type?: string }).type === 'Buffer') {
            return Buffer.from((item as { data: number[] }).data).toString('base64');
        }
        return item;
    });
}

async function nextMillisecond(): Promise<void> {
    const start = Date.now();
    while (Date.now() === start) {
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
}
