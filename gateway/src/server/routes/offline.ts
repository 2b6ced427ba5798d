import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LedgerError, type PreparedCommit, type PreparedProposal, type PreparedTransaction } from '../../ledger';
import type { GatewayContext } from '../context';
import { forbiddenHere, notFoundHere } from '../errors';
import { defineRoute } from './define';

/**
 * Offline signing over REST. The client (a patient's device) keeps its private key: the
 * gateway prepares the proposal and returns its digest; each signature the client posts moves
 * the transaction one step (endorse → order → commit status) and returns the next digest.
 * Pending transactions belong to the token's user, live in memory and expire.
 */
type Stage =
    | { kind: 'proposal'; step: PreparedProposal; evaluate: boolean }
    | { kind: 'transaction'; step: PreparedTransaction }
    | { kind: 'commit'; step: PreparedCommit };

interface Pending {
    owner: string;
    stage: Stage;
    expires: number;
}

const lifetimeMs = 5 * 60_000;
const maxPending = 10_000;

const stepSchema = {
    type: 'object',
    required: ['id', 'transactionId', 'stage'],
    properties: {
        id: { type: 'string' },
        transactionId: { type: 'string' },
        stage: {
            type: 'string',
            enum: ['proposal', 'transaction', 'commit', 'done'],
            description: 'What the next signature is for; `done` carries the result',
        },
        digest: { type: 'string', description: 'Base64 SHA-256 of `bytes`: sign it (ECDSA P-256, DER, low-S)' },
        bytes: { type: 'string', description: 'Base64 of what is being signed, for clients that inspect it' },
        result: { type: 'string', description: 'Base64 of the transaction function result (stage `done`)' },
        blockNumber: { type: 'string' },
    },
} as const;

export function offlineRoutes(app: FastifyInstance, context: GatewayContext): void {
    const pending = new Map<string, Pending>();
    const sweep = () => {
        const now = Date.now();
        for (const [id, entry] of pending) if (entry.expires < now) pending.delete(id);
    };
    const view = (id: string, stage: Stage) => ({
        id,
        transactionId: stage.step.transactionId,
        stage: stage.kind,
        digest: Buffer.from(stage.step.digest).toString('base64'),
        bytes: Buffer.from(stage.step.bytes).toString('base64'),
    });

    defineRoute<
        never,
        never,
        {
            contract: string;
            name: string;
            args?: string[];
            transient?: Record<string, string>;
            endorsingOrganizations?: string[];
            evaluate?: boolean;
        }
    >(app, context, {
        method: 'POST',
        url: '/offline/proposals',
        tag: 'offline',
        summary: 'Prepare a transaction for the client to sign; returns the proposal digest',
        description:
            "For tokens issued with the user's own certificate (`signing: offline`) and any other token. `transient` " +
            'values are base64. With `evaluate: true` the signed proposal is run as a query.',
        body: {
            type: 'object',
            required: ['contract', 'name'],
            additionalProperties: false,
            properties: {
                contract: { type: 'string', maxLength: 64 },
                name: { type: 'string', maxLength: 64 },
                args: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 1_000_000 } },
                transient: { type: 'object', additionalProperties: { type: 'string' } },
                endorsingOrganizations: { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 64 } },
                evaluate: { type: 'boolean' },
            },
        },
        status: 201,
        response: stepSchema,
        handler: async ({ actor, body }) => {
            if (!actor.session.prepare) {
                throw new LedgerError('UNAVAILABLE', 'this ledger does not support offline signing');
            }
            sweep();
            if (pending.size >= maxPending) {
                throw new LedgerError('UNAVAILABLE', 'too many transactions awaiting signatures; try again shortly');
            }
            const step = await actor.session.prepare({
                contract: body.contract,
                name: body.name,
                args: body.args,
                transient: body.transient
                    ? Object.fromEntries(Object.entries(body.transient).map(([k, v]) => [k, Buffer.from(v, 'base64')]))
                    : undefined,
                endorsingOrganizations: body.endorsingOrganizations,
            });
            const id = randomUUID();
            const stage: Stage = { kind: 'proposal', step, evaluate: body.evaluate === true };
            pending.set(id, { owner: ownerOf(actor), stage, expires: Date.now() + lifetimeMs });
            return view(id, stage);
        },
    });

    defineRoute<{ id: string }, never, { signature: string }>(app, context, {
        method: 'POST',
        url: '/offline/proposals/:id/signature',
        tag: 'offline',
        summary: "Post the client's signature of the current digest; returns the next digest or the result",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        body: {
            type: 'object',
            required: ['signature'],
            additionalProperties: false,
            properties: { signature: { type: 'string', maxLength: 256, description: 'Base64 DER ECDSA signature' } },
        },
        response: stepSchema,
        handler: async ({ actor, params, body }) => {
            const entry = pending.get(params.id);
            if (!entry || entry.expires < Date.now()) {
                throw notFoundHere(`no transaction ${params.id} awaits a signature (expired or finished)`);
            }
            if (entry.owner !== ownerOf(actor)) {
                throw forbiddenHere('this transaction was prepared for another user');
            }
            const signature = Buffer.from(body.signature, 'base64');
            const { stage } = entry;
            // A step is used once: a failed or repeated signature needs a new proposal.
            pending.delete(params.id);
            if (stage.kind === 'proposal' && stage.evaluate) {
                const result = await stage.step.evaluate(signature);
                return done(params.id, stage.step.transactionId, result);
            }
            if (stage.kind === 'commit') {
                const committed = await stage.step.status(signature);
                return {
                    ...done(params.id, committed.transactionId, committed.result),
                    blockNumber: committed.blockNumber.toString(),
                };
            }
            const next: Stage =
                stage.kind === 'proposal'
                    ? { kind: 'transaction', step: await stage.step.endorse(signature) }
                    : { kind: 'commit', step: await stage.step.submit(signature) };
            pending.set(params.id, { ...entry, stage: next, expires: Date.now() + lifetimeMs });
            return view(params.id, next);
        },
    });
}

/** The user and the exact certificate: a re-enrolled user cannot finish the old certificate's transaction. */
function ownerOf(actor: { org: string; user: string; identity: { certificate: string } }): string {
    return `${actor.org}/${actor.user}/${createHash('sha256').update(actor.identity.certificate).digest('hex')}`;
}

function done(id: string, transactionId: string, result: Uint8Array) {
    return { id, transactionId, stage: 'done' as const, result: Buffer.from(result).toString('base64') };
}
