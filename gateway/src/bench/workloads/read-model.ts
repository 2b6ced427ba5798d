import { commitDocument, CredentialsClient } from '../../credentials';
import { HistoryIndex } from '../../history';
import { LedgerError } from '../../ledger';
import { forEachConcurrently, type BenchContext, type Workload } from '../workload';
import { ensureSupplyWorld, lotWithUnits, SupplyExpiry as Expiry, VerifiedUnits } from './supply';

const Credentials = 200;

/**
 * The history index the read-model workloads ask (issue 19): one per benchmark run, following
 * the network's blocks as the regulator's admin, on `CARELEDGER_HISTORY_DB` (an org's
 * PostgreSQL) or PGlite in memory; caught up before each workload measures.
 */
function historyIndex(context: BenchContext): Promise<HistoryIndex> {
    return context.once('history-index', async () => {
        const index = await HistoryIndex.open({
            databaseUrl: process.env.CARELEDGER_HISTORY_DB ?? 'memory://',
            session: await context.session('regulator', 'admin'),
            source: `bench:${context.tag}`,
        });
        context.atEnd(() => index.close());
        index.start();
        return index;
    });
}

async function caughtUp(context: BenchContext): Promise<HistoryIndex> {
    const index = await historyIndex(context);
    const started = Date.now();
    const status = await index.catchUp();
    if (status.state === 'broken') {
        throw new Error(`history index broken: ${status.lastError}`);
    }
    context.log(
        `history index: ${status.indexedHeight} blocks on ${index.db.kind}, caught up in ${Date.now() - started} ms`,
    );
    return index;
}

/** verify-product's question answered by the read model (`source=index`) instead of the peer. */
export const readModelVerifyProduct: Workload = {
    name: 'read-model-verify-product',
    title: 'Verify a product (read model)',
    call: 'evaluate',
    operation: `VerificationReadModel.verifyProduct of a scanned GS1 element string over ${VerifiedUnits} units, from the history index (cache fed by its indexer)`,
    callsPerOp: 1,
    floor: 'floor-get',
    async prepare(context) {
        const world = await ensureSupplyWorld(context);
        const lot = `M${context.tag}`;
        const serials = await lotWithUnits(world, lot, 'm', VerifiedUnits);
        const scanned = serials.map((serial) => `(01)${world.gtin}(17)${Expiry}(10)${lot}(21)${serial}`);
        const index = await caughtUp(context);
        return async (client, seq) => {
            const result = await context.measure(() =>
                index.readModel.verifyProduct(scanned[(client * 31 + seq) % scanned.length]),
            );
            if (!result.verified) {
                throw new Error(`read-model-verify-product: not verified (${result.verificationFailureReason})`);
            }
        };
    },
};

/** verify-credential's question answered by the read model over 1,000 issued licences. */
export const readModelVerifyCredential: Workload = {
    name: 'read-model-verify-credential',
    title: 'Verify a credential (read model)',
    call: 'evaluate',
    operation: `VerificationReadModel.verifyCredential of a presented MedicalLicense (hashed locally) over ${Credentials} credentials, from the history index`,
    callsPerOp: 1,
    floor: 'floor-get',
    async prepare(context) {
        const regulator = new CredentialsClient(await context.session('regulator', 'admin'));
        await regulator
            .registerIssuer({
                type: 'MedicalLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            })
            .catch((error: unknown) => {
                if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
            });
        const presented = Array.from({ length: Credentials }, (_, i) => {
            const committed = commitDocument(`bench read-model MedicalLicense ${context.tag} ${i}`);
            return {
                id: `vc-rm-${context.tag}-${i}`,
                actorId: `bench-rm-${context.tag}-${i}`,
                commitment: committed.commitment,
                proof: { documentSha256: committed.documentSha256, salt: committed.salt },
            };
        });
        await forEachConcurrently(presented, 32, (credential) =>
            regulator.issue({
                id: credential.id,
                type: 'MedicalLicense',
                subject: { mspId: 'HospitalMSP', actorId: credential.actorId },
                commitment: credential.commitment,
            }),
        );
        const index = await caughtUp(context);
        return async (client, seq) => {
            const { id, proof } = presented[(client * 31 + seq) % presented.length];
            const verification = await context.measure(() => index.readModel.verifyCredential(id, proof));
            if (verification.verdict !== 'valid') {
                throw new Error(`read-model-verify-credential: ${verification.verdict} (${verification.reason})`);
            }
        };
    },
};
