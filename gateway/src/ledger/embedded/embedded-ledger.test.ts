import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { loadLedgerConfig } from '../config';
import type { Ledger, LedgerEvent, LedgerSession, SubmitResult } from '../ledger';
import { DevCertificateAuthority } from './dev-ca';
import { openEmbeddedLedger } from './index';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const request = (name: string, ...args: string[]) => ({ contract: 'system', name, args });

async function take(stream: AsyncIterable<LedgerEvent>, count: number): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for await (const event of stream) {
        events.push(event);
        if (events.length === count) {
            break;
        }
    }
    return events;
}

describe('embedded ledger (in memory)', () => {
    let ledger: Ledger;
    let operator: LedgerSession;
    beforeEach(async () => {
        ledger = await openEmbeddedLedger({ ...loadLedgerConfig({}), dataDir: ':memory:' });
        operator = ledger.connect(await ledger.identities.get('manufacturer', 'operator1'));
    });
    afterEach(() => ledger.close());

    it('lists the consortium orgs, the addable pharmacy included', async () => {
        expect(await ledger.identities.orgs()).toEqual([
            { org: 'hospital', mspId: 'HospitalMSP' },
            { org: 'manufacturer', mspId: 'ManufacturerMSP' },
            { org: 'distributor', mspId: 'DistributorMSP' },
            { org: 'regulator', mspId: 'RegulatorMSP' },
            { org: 'pharmacy', mspId: 'PharmacyMSP' },
        ]);
    });

    it('issues demo identities whose attributes the chaincode reads from the certificate', async () => {
        const physician = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
        expect(JSON.parse(text(await physician.evaluate(request('WhoAmI'))))).toMatchObject({
            mspId: 'HospitalMSP',
            role: 'physician',
            actorId: 'prac-hosp-0001',
        });
        expect(physician.identity).not.toHaveProperty('privateKey');
    });

    it('commits a submit in a block after the genesis block and shows it to a later read', async () => {
        const first = await operator.submit(request('Beat', 'g', 'n'));
        expect(first.blockNumber).toBeGreaterThanOrEqual(1n);
        expect(first.transactionId).toMatch(/^[0-9a-f]{64}$/);
        const page = JSON.parse(text(await operator.evaluate(request('ListBeats', 'g', '10', ''))));
        expect(page.items).toEqual([expect.objectContaining({ name: 'n', count: 1, txId: first.transactionId })]);
    });

    it('maps a contract rejection to its typed error', async () => {
        await expect(operator.submit(request('Ping', 'no/slashes'))).rejects.toMatchObject({
            name: 'LedgerError',
            code: 'INVALID_ARGUMENT',
            field: 'message',
        });
        await expect(operator.evaluate({ contract: 'system', name: 'Missing' })).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'function',
        });
    });

    it('orders concurrent submits into one block and invalidates the later of two conflicting ones', async () => {
        await operator.submit(request('Beat', 'g', 'n'));
        const results = await Promise.allSettled([
            operator.submit(request('Beat', 'g', 'n')),
            operator.submit(request('Beat', 'g', 'n')),
        ]);
        // Which of the two is ordered first depends on which endorsement finishes first.
        const winners = results.filter((r): r is PromiseFulfilledResult<SubmitResult> => r.status === 'fulfilled');
        const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect([winners.length, losers.length]).toEqual([1, 1]);
        const error = losers[0].reason;
        expect(error).toMatchObject({ code: 'MVCC_CONFLICT', transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(error.detail).toMatch(/MVCC_READ_CONFLICT/);
        expect(error.detail).toContain(`block ${winners[0].value.blockNumber}`);
        const history = JSON.parse(text(await operator.evaluate(request('BeatHistory', 'g', 'n'))));
        expect(history.map((version: { count: number }) => version.count)).toEqual([2, 1]);
    });

    it('delivers events of committed transactions with block number and transaction id, and resumes from a checkpoint', async () => {
        const live = await operator.events();
        const submitted = [];
        for (const name of ['a', 'b', 'c']) {
            submitted.push(await operator.submit(request('Beat', 'g', name)));
        }
        const events = await take(live, 3);
        expect(
            events.map((event) => [event.blockNumber, event.transactionId, event.eventName, event.chaincodeName]),
        ).toEqual(submitted.map((s) => [s.blockNumber, s.transactionId, 'system.Beat', 'careledger']));
        expect(JSON.parse(text(events[0].payload))).toMatchObject({ name: 'a', count: 1 });

        const resumed = await operator.events({
            from: { blockNumber: events[0].blockNumber, transactionId: events[0].transactionId },
        });
        expect((await take(resumed, 2)).map((event) => event.transactionId)).toEqual([
            submitted[1].transactionId,
            submitted[2].transactionId,
        ]);
        const fromBlock = await operator.events({ from: { blockNumber: events[1].blockNumber } });
        expect((await take(fromBlock, 1))[0].transactionId).toBe(submitted[1].transactionId);
    });

    it('delivers no event for a rejected or invalidated transaction', async () => {
        const live = await operator.events();
        await operator.submit(request('Beat', 'g', 'n'));
        await Promise.allSettled([
            operator.submit(request('Beat', 'g', 'n')),
            operator.submit(request('Beat', 'g', 'n')),
        ]);
        await operator.submit(request('Ping', 'bad/')).catch(() => undefined);
        const marker = await operator.submit(request('Ping', 'marker'));
        const events = await take(live, 3);
        expect(events.map((event) => event.eventName)).toEqual(['system.Beat', 'system.Beat', 'system.Pinged']);
        expect(events[2].transactionId).toBe(marker.transactionId);
    });

    it('rejects a certificate that its MSP did not issue, and a proposal signed with another key', async () => {
        const real = await ledger.identities.get('hospital', 'physician1');
        const { ca } = await DevCertificateAuthority.create('HospitalMSP', 'hospital.careledger.local');
        const forged = await ca.issue({ name: 'physician1', role: 'physician', actorId: 'prac-hosp-0001' });
        const impostor = ledger.connect({
            mspId: 'HospitalMSP',
            certificate: forged.certificate,
            privateKey: forged.privateKey,
        });
        await expect(impostor.submit(request('Ping', 'x'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

        const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString();
        const stolenCertificate = ledger.connect({
            mspId: real.mspId,
            certificate: real.certificate,
            privateKey: otherKey,
        });
        await expect(stolenCertificate.evaluate(request('WhoAmI'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

        const noKey = ledger.connect({ mspId: real.mspId, certificate: real.certificate });
        await expect(noKey.submit(request('Ping', 'x'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(createPrivateKey(otherKey).asymmetricKeyType).toBe('ec');
    });

    it('rejects an identity claiming another org', async () => {
        const physician = await ledger.identities.get('hospital', 'physician1');
        const claimed = ledger.connect({ ...physician, mspId: 'RegulatorMSP' });
        await expect(claimed.submit(request('Ping', 'x'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('has no identity for an unknown user', async () => {
        await expect(ledger.identities.get('hospital', 'nobody')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
});
