import { commitDocument, CredentialsClient } from '../../gateway/src/credentials';
import type { HistoryIndex } from '../../gateway/src/history';
import { LedgerError } from '../../gateway/src/ledger';
import { SupplyClient } from '../../gateway/src/supply';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { caughtUpIndex, databaseKind } from './support';

/**
 * Verification from the history index's read model (issue 19) through the public REST routes:
 * `source=index` gives the same verdicts as the ledger's evaluate path (`source=ledger`, the
 * default) for every kind of product and credential verdict, states the block height it
 * reflects, never shows what the index has not ingested, and refuses bad input like the ledger.
 * Both ledgers; PGlite, or PostgreSQL when CARELEDGER_HISTORY_PG is set.
 */
jest.setTimeout(600_000);

type Lightweight = { verificationTimestamp: string; data: Record<string, unknown>; corrUUID?: string };

describe(`verification from the read model (${databaseKind()})`, () => {
    let env: ScenarioLedger;
    let index: HistoryIndex;
    let gateway: RestGateway;
    let manufacturer: SupplyClient;
    let credentials: CredentialsClient;
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('L');
    const recalledLot = uniqueId('R');
    const licenseText = `read model licence ${uniqueId('doc')}`;
    const license = commitDocument(licenseText);
    const suspendedLicense = commitDocument(`read model licence ${uniqueId('doc')}`);
    const revokedLicense = commitDocument(`read model licence ${uniqueId('doc')}`);
    const ids = { valid: uniqueId('vc'), suspended: uniqueId('vc'), revoked: uniqueId('vc') };

    beforeAll(async () => {
        env = await openScenarioLedger();
        const regulator = new SupplyClient(await env.session('regulator', 'inspector1'));
        manufacturer = new SupplyClient(await env.session('manufacturer', 'operator1'));
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
        ] as const) {
            await regulator.authorizePartner({ mspId, kind });
        }
        await manufacturer.registerProduct({ gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' });
        await manufacturer.registerLot({ gtin, lot, expiry: '301231', quantity: 100 });
        await manufacturer.commission(gtin, lot, ['A1', 'A2', 'A3']);
        await manufacturer.quarantine({ item: { gtin, serial: 'A2' } }, 'seal broken');
        await manufacturer.decommission({ gtin, serial: 'A3' }, 'damaged');
        await manufacturer.registerLot({ gtin, lot: recalledLot, expiry: '301231', quantity: 10 });
        await manufacturer.commission(gtin, recalledLot, ['R1']);
        await manufacturer.recall({ gtin, lot: recalledLot, recallClass: 'II', reason: 'label error' });

        credentials = new CredentialsClient(await env.session('regulator', 'admin'));
        await credentials
            .registerIssuer({
                type: 'MedicalLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            })
            .catch((error: unknown) => {
                if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
            });
        for (const [id, document] of [
            [ids.valid, license],
            [ids.suspended, suspendedLicense],
            [ids.revoked, revokedLicense],
        ] as const) {
            await credentials.issue({
                id,
                type: 'MedicalLicense',
                subject: { mspId: 'HospitalMSP', actorId: uniqueId('prac') },
                commitment: document.commitment,
            });
        }
        await credentials.suspend(ids.suspended, { code: 'investigation-pending', reference: 'case-7' });
        await credentials.revoke(ids.revoked, { code: 'disciplinary-action' });

        index = await caughtUpIndex(env.ledger, 'hospital');
        gateway = await startGateway(env, 'hospital', { history: index });
    });

    afterAll(async () => {
        await gateway?.app.close();
        await index?.close();
        await env?.close();
    });

    // The Lightweight Messaging Standard's corrUUID is a UUID; the gateway refuses anything else with 400.
    const corrUUID = '0b6f1d2e-4c3a-4f5b-9e7d-8a1c2b3d4e5f';
    const verifyProduct = (path: string, source?: string) =>
        gateway.call<Lightweight>(
            'GET',
            `${path}${path.includes('?') ? '&' : '?'}corrUUID=${corrUUID}${source ? `&source=${source}` : ''}`,
        );
    const verifyCredential = (id: string, body: Record<string, string>, source?: string) =>
        gateway.call<Record<string, unknown>>('POST', `/credentials/${id}/verify${source ? `?source=${source}` : ''}`, {
            body,
        });

    it('gives every product verdict the ledger gives, stating the block height it reflects', async () => {
        const height = (await index.status()).indexedHeight;
        const cases = [
            `/verify/01/${gtin}/10/${lot}/21/A1`, // verified
            `/verify/01/${gtin}/21/A1?17=301231`, // verified, expiry compared
            `/verify/01/${gtin}/10/${lot}/21/A2`, // Suspect
            `/verify/01/${gtin}/21/A3`, // Not_for_re-distribution
            `/verify/01/${gtin}/21/R1`, // Recalled
            `/verify/01/${gtin}/10/OTHER/21/A1?17=291231`, // lot and expiry mismatch
            `/verify/01/${gtin}/10/OTHER/21/A1`, // lot mismatch
            `/verify/01/${gtin}/21/A1?17=291231`, // expiry mismatch
            `/verify/01/${gtin}/21/NOSUCH`, // unknown serial
        ];
        const verdicts = new Set<string>();
        for (const path of cases) {
            const fromLedger = await verifyProduct(path);
            const fromIndex = await verifyProduct(path, 'index');
            expect([fromLedger.status, fromIndex.status]).toEqual([200, 200]);
            expect(fromIndex.body.data).toEqual(fromLedger.body.data);
            expect(fromIndex.body.corrUUID).toBe(corrUUID);
            expect(fromLedger.headers.get('careledger-source')).toBe('ledger');
            expect(fromIndex.headers.get('careledger-source')).toBe('index');
            expect(Number(fromIndex.headers.get('careledger-block-height'))).toBe(height);
            expect(Date.parse(fromIndex.headers.get('careledger-ledger-time') ?? '')).not.toBeNaN();
            verdicts.add(JSON.stringify(fromIndex.body.data));
        }
        // The cases are distinct verdicts, not one verdict repeated.
        expect(verdicts.size).toBeGreaterThanOrEqual(7);
        expect([...verdicts].map((v) => JSON.parse(v))).toEqual(
            expect.arrayContaining([
                { verified: true },
                { verified: true, additionalInfo: 'Suspect' },
                { verified: false, verificationFailureReason: 'Not_for_re-distribution' },
                { verified: true, additionalInfo: 'Recalled' },
                { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
            ]),
        );
    });

    it('gives every credential verdict the ledger gives', async () => {
        const cases: Array<[string, Record<string, string>, string]> = [
            [ids.valid, { documentSha256: license.documentSha256, salt: license.salt }, 'valid'],
            [ids.valid, { commitment: license.commitment }, 'valid'],
            [ids.valid, { document: Buffer.from(licenseText).toString('base64'), salt: license.salt }, 'valid'],
            [ids.valid, { commitment: suspendedLicense.commitment }, 'hash_mismatch'],
            [ids.suspended, { commitment: suspendedLicense.commitment }, 'suspended'],
            [ids.revoked, { commitment: revokedLicense.commitment }, 'revoked'],
            [uniqueId('vc-none'), { commitment: license.commitment }, 'unknown'],
        ];
        const height = (await index.status()).indexedHeight;
        for (const [id, proof, verdict] of cases) {
            const fromLedger = await verifyCredential(id, proof);
            const fromIndex = await verifyCredential(id, proof, 'index');
            expect([fromLedger.status, fromIndex.status]).toEqual([200, 200]);
            const { checkedAt: ledgerTime, ...ledgerVerdict } = fromLedger.body;
            const { checkedAt: indexTime, readModel, ...indexVerdict } = fromIndex.body;
            expect(indexVerdict).toEqual(ledgerVerdict);
            expect(indexVerdict.verdict).toBe(verdict);
            expect(Date.parse(String(indexTime))).toBeGreaterThanOrEqual(Date.parse(String(ledgerTime)) - 60_000);
            expect(readModel).toMatchObject({ source: 'index', blockHeight: height });
            expect(fromIndex.headers.get('careledger-block-height')).toBe(String(height));
        }
    });

    it('never shows what the index has not ingested, and says which blocks it reflects', async () => {
        const before = (await index.status()).indexedHeight;
        await manufacturer.commission(gtin, lot, ['NEW1']);
        const path = `/verify/01/${gtin}/21/NEW1`;
        const stale = await verifyProduct(path, 'index');
        expect(stale.body.data).toEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' });
        expect(Number(stale.headers.get('careledger-block-height'))).toBe(before);
        expect(
            Number(await env.ledger.connect(await env.ledger.identities.get('hospital', 'admin')).chainHeight()),
        ).toBeGreaterThan(before);
        const fresh = await verifyProduct(path, 'ledger');
        expect(fresh.body.data).toEqual({ verified: true });

        // A1 answered (and kept by the read model) before it changes on the ledger.
        expect((await verifyProduct(`/verify/01/${gtin}/21/A1`, 'index')).body.data).toEqual({ verified: true });
        await manufacturer.quarantine({ item: { gtin, serial: 'A1' } }, 'found opened');

        await index.catchUp();
        expect((await verifyProduct(`/verify/01/${gtin}/21/A1`, 'index')).body.data).toEqual({
            verified: true,
            additionalInfo: 'Suspect',
        });
        const caughtUp = await verifyProduct(path, 'index');
        expect(caughtUp.body.data).toEqual({ verified: true });
        expect(Number(caughtUp.headers.get('careledger-block-height'))).toBeGreaterThan(before);
    });

    it('refuses bad input naming the field, as the ledger path does', async () => {
        const badSource = await verifyProduct(`/verify/01/${gtin}/21/A1`, 'cache');
        expect(badSource.status).toBe(400);
        expect(JSON.stringify(badSource.body)).toContain('source');
        const badGtin = await verifyProduct('/verify/01/12345/21/A1', 'index');
        const badGtinLedger = await verifyProduct('/verify/01/12345/21/A1');
        expect(badGtin.status).toBe(400);
        const { transactionId: _ignored, ...ledgerError } = badGtinLedger.body as Record<string, unknown>;
        expect(badGtin.body).toEqual(ledgerError);
        const badProof = await verifyCredential(ids.valid, { documentSha256: 'xyz', salt: license.salt }, 'index');
        const badProofLedger = await verifyCredential(ids.valid, { documentSha256: 'xyz', salt: license.salt });
        expect(badProof.status).toBe(400);
        const { transactionId: _ignored2, ...ledgerProofError } = badProofLedger.body as Record<string, unknown>;
        expect(badProof.body).toEqual(ledgerProofError);
        expect(JSON.stringify(badProof.body)).toContain('documentSha256');
    });

    it('answers 503 with source=index on a gateway without an index, and still answers from the ledger', async () => {
        const plain = await startGateway(env, 'hospital');
        try {
            const refused = await plain.call<Record<string, unknown>>('GET', `/verify/01/${gtin}/21/R1?source=index`);
            expect(refused.status).toBe(503);
            expect(JSON.stringify(refused.body)).toContain('source=ledger');
            const answered = await plain.call<Lightweight>('GET', `/verify/01/${gtin}/21/R1`);
            expect(answered.status).toBe(200);
            expect(answered.body.data).toEqual({ verified: true, additionalInfo: 'Recalled' });
        } finally {
            await plain.app.close();
        }
    });
});
