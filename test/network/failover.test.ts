import type { Ledger, LedgerSession } from '../../gateway/src/ledger';
import { json, network, nextEvent, openNetworkLedger, pingMessage } from './support';

/**
 * The hospital runs two peers. When the one its gateway sessions use stops, calls move to the
 * other: queries, submits (endorse, order, commit status) and an open event stream, which
 * resumes after the last event it delivered, so no event is lost.
 */
jest.setTimeout(120_000);

const firstPeer = 'peer0.hospital.careledger.local';
let ledger: Ledger;
let physician: LedgerSession;

beforeAll(async () => {
    ledger = await openNetworkLedger();
    physician = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
});

afterAll(async () => {
    await ledger?.close();
});

test('calls and an open event stream fail over to the second hospital peer', async () => {
    const before = await physician.submit({ contract: 'system', name: 'Ping', args: [pingMessage('before failover')] });
    const stream = await physician.events({ from: { blockNumber: before.blockNumber } });
    let stopped = false;
    try {
        await nextEvent(stream, (event) => event.transactionId === before.transactionId);

        network('stop', firstPeer);
        stopped = true;

        const who = json(await physician.evaluate({ contract: 'system', name: 'WhoAmI' }));
        expect(who).toMatchObject({ mspId: 'HospitalMSP', role: 'physician' });

        const message = pingMessage('after failover');
        const after = await physician.submit({ contract: 'system', name: 'Ping', args: [message] });
        expect(json(after.result)).toMatchObject({ message, txId: after.transactionId });
        expect(after.blockNumber).toBeGreaterThan(before.blockNumber);

        const event = await nextEvent(stream, (candidate) => candidate.transactionId === after.transactionId);
        expect(event.blockNumber).toBe(after.blockNumber);
    } finally {
        stream.close();
        if (stopped) {
            network('start', firstPeer);
        }
    }
});

test('the restarted peer serves the hospital again', async () => {
    const hospital = await openNetworkLedger();
    try {
        const session = hospital.connect(await hospital.identities.get('hospital', 'nurse1'));
        const who = json(await session.evaluate({ contract: 'system', name: 'WhoAmI' }));
        expect(who).toMatchObject({ mspId: 'HospitalMSP', role: 'nurse' });
    } finally {
        await hospital.close();
    }
});
