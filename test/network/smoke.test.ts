import type { Ledger } from '../../gateway/src/ledger';
import { consortium, json, nextEvent, openNetworkLedger, pingMessage } from './support';

/**
 * The network works end to end for every founding org: a registered user of the org submits
 * through its org's peers (endorsed by two orgs, ordered by Raft, committed everywhere), the
 * chaincode reads the role and id the org's Fabric CA wrote into the user's certificate, and
 * the transaction's chaincode event arrives.
 */
jest.setTimeout(60_000);

let ledger: Ledger;

beforeAll(async () => {
    ledger = await openNetworkLedger();
});

afterAll(async () => {
    await ledger?.close();
});

const cases = consortium.orgs.map((org) => {
    const user = org.users.find((candidate) => candidate.role !== 'admin') ?? org.users[0];
    return { org: org.org, mspId: org.mspId, user: user.name, role: user.role, id: user.id };
});

test('the ledger is the Fabric network', () => {
    expect(ledger.kind).toBe('fabric');
});

test('the identity directory lists every founding org', async () => {
    const orgs = await ledger.identities.orgs();
    for (const org of consortium.orgs) {
        expect(orgs).toContainEqual({ org: org.org, mspId: org.mspId });
    }
});

describe.each(cases)('$org user $user', ({ org, mspId, user, role, id }) => {
    test('WhoAmI returns the MSP id and the role and id from the certificate', async () => {
        const session = ledger.connect(await ledger.identities.get(org, user));
        const who = json(await session.evaluate({ contract: 'system', name: 'WhoAmI' }));
        expect(who).toMatchObject({ mspId, role, actorId: id });
        expect(who.id).toEqual(expect.stringContaining(`CN=${user}`));
    });

    test('Ping commits and its system.Pinged event arrives with the same transaction id and block', async () => {
        const session = ledger.connect(await ledger.identities.get(org, user));
        const message = pingMessage(`smoke ${org}`);
        const submitted = await session.submit({ contract: 'system', name: 'Ping', args: [message] });
        const ping = json(submitted.result);
        expect(ping).toMatchObject({ message, mspId, txId: submitted.transactionId });
        expect(submitted.blockNumber).toBeGreaterThan(0n);

        const stream = await session.events({ from: { blockNumber: submitted.blockNumber } });
        try {
            const event = await nextEvent(stream, (candidate) => candidate.transactionId === submitted.transactionId);
            expect(event).toMatchObject({
                eventName: 'system.Pinged',
                chaincodeName: consortium.chaincode,
                blockNumber: submitted.blockNumber,
            });
            expect(json(event.payload)).toEqual(ping);
        } finally {
            stream.close();
        }
    });
});

test('a contract rejection keeps its code and field', async () => {
    const session = ledger.connect(await ledger.identities.get(cases[0].org, cases[0].user));
    await expect(session.submit({ contract: 'system', name: 'Ping', args: ['not/allowed'] })).rejects.toMatchObject({
        name: 'LedgerError',
        code: 'INVALID_ARGUMENT',
        field: 'message',
    });
});

test('an unknown user is UNAUTHENTICATED', async () => {
    await expect(ledger.identities.get(cases[0].org, 'nobody')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
});
