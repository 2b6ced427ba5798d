import { consortium, json, network, nextEvent, openNetworkLedger, pingMessage } from './support';

/**
 * `network.sh addOrg pharmacy` on the running network: the pharmacy's CA, identities, channel
 * membership (a config update signed by a majority of the member orgs' admins), peer and
 * chaincode server. Then its pharmacist, a user the pharmacy's own CA enrolled, transacts.
 */
jest.setTimeout(240_000);

const pharmacy = consortium.addableOrgs.find((org) => org.org === 'pharmacy');

test('consortium.json offers the pharmacy as an addable org', () => {
    expect(pharmacy).toMatchObject({ org: 'pharmacy', mspId: 'PharmacyMSP' });
});

test('addOrg pharmacy makes PharmacyMSP a member whose pharmacist submits a transaction', async () => {
    const output = network('addOrg', 'pharmacy');
    expect(output).toContain(`pharmacy (PharmacyMSP) is a member of ${consortium.channel}`);

    const ledger = await openNetworkLedger();
    try {
        expect(await ledger.identities.orgs()).toContainEqual({ org: 'pharmacy', mspId: 'PharmacyMSP' });
        const pharmacist = ledger.connect(await ledger.identities.get('pharmacy', 'pharmacist1'));

        // Evaluated on the pharmacy's own peer, through its own chaincode server.
        const who = json(await pharmacist.evaluate({ contract: 'system', name: 'WhoAmI' }));
        expect(who).toMatchObject({ mspId: 'PharmacyMSP', role: 'pharmacist', actorId: 'prac-phar-0001' });

        const message = pingMessage('pharmacy');
        const submitted = await pharmacist.submit({ contract: 'system', name: 'Ping', args: [message] });
        expect(json(submitted.result)).toMatchObject({ message, mspId: 'PharmacyMSP', txId: submitted.transactionId });

        // A founding org sees the pharmacy's transaction in its own copy of the ledger.
        const regulator = ledger.connect(await ledger.identities.get('regulator', 'inspector1'));
        const stream = await regulator.events({ from: { blockNumber: submitted.blockNumber } });
        try {
            const event = await nextEvent(stream, (candidate) => candidate.transactionId === submitted.transactionId);
            expect(event.eventName).toBe('system.Pinged');
            expect(json(event.payload)).toMatchObject({ mspId: 'PharmacyMSP', message });
        } finally {
            stream.close();
        }
    } finally {
        await ledger.close();
    }
});

test('adding the same org again changes nothing and succeeds', () => {
    const output = network('addOrg', 'pharmacy');
    expect(output).toContain('PharmacyMSP is already in the channel configuration');
});
