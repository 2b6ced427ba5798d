import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commitDocument } from '../../gateway/src/credentials';
import { documentDigest } from '../../gateway/src/ehr';
import { withCheckDigit } from '../fixtures/supply';
import { CallError, Hosts, root, type OrgClient } from './hosts';

/**
 * Issue 16: the consortium on separate hosts. Each org runs network/org/org.sh in its own
 * network namespace (its own address on 192.0.2.0/24, a bridge this test makes), as its own
 * Unix user, in its own 0700 home; they exchange only files a real consortium exchanges
 * (public bundles, the genesis block, config updates, signatures, chaincode definitions)
 * through a mail folder. Applications use the gateway library on their own org's host.
 *
 * Figures (file list, time to onboard, commits during the cut, catch-up time) are printed and
 * written to $TMPDIR/careledger-multihost-report.json; no assertion depends on a timing.
 */
jest.setTimeout(20 * 60_000);

const addresses = {
    orderer: '192.0.2.10',
    hospital: '192.0.2.11',
    manufacturer: '192.0.2.12',
    distributor: '192.0.2.13',
    regulator: '192.0.2.14',
    pharmacy: '192.0.2.15',
};
const founders = ['hospital', 'manufacturer', 'distributor', 'regulator'] as const;

const orgScript = path.join(root, 'network', 'org', 'org.sh');
const hosts = new Hosts(mkdtempSync(path.join(tmpdir(), 'careledger-multihost-')), addresses);
const mail = (file: string) => path.join(hosts.mail, file);
const clients: Partial<Record<string, OrgClient>> = {};
const client = (org: string): OrgClient => (clients[org] ??= hosts.client(org));
const figures: Record<string, unknown> = {};
const gtin = withCheckDigit('0950600013435');
const lot = 'LOT-MH1';
const treatment = 'TREAT';
const seconds = (from: number) => Number(((Date.now() - from) / 1000).toFixed(1));

async function height(org: string): Promise<number> {
    return Number((await hosts.org(org, 'height')).trim());
}

async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 180_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

/** A licence from the regulator, issued on the regulator's host. */
async function license(mspId: string, actorId: string, type: string): Promise<void> {
    await client('regulator').call('admin', 'credentials', 'issue', {
        id: `lic-${actorId}`,
        type,
        subject: { mspId, actorId },
        commitment: commitDocument(`licence of ${actorId}`).commitment,
    });
}

const available = Hosts.available();
const describeHosts = available.ok ? describe : describe.skip;
if (!available.ok) {
    console.log(`multi-host test skipped: ${available.why}`);
}

describeHosts('a consortium on separate hosts', () => {
    beforeAll(() => hosts.up());

    afterAll(() => {
        Object.values(clients).forEach((c) => c?.close());
        const files = readdirSync(hosts.mail).sort();
        figures.exchangedFiles = files.map((f) => `${f} (${statSync(mail(f)).size} B)`);
        const report = JSON.stringify(figures, null, 2);
        console.log(`multi-host figures:\n${report}`);
        writeFileSync(path.join(tmpdir(), 'careledger-multihost-report.json'), report);
        hosts.down();
    });

    test('each founding org and the ordering service initialise on their own hosts and mail only public bundles', async () => {
        await Promise.all(['orderer', ...founders].map((org) => hosts.org(org, 'init')));
        for (const org of ['orderer', ...founders]) {
            await hosts.org(org, 'bundle', mail(`${org}.bundle.tgz`));
            const listing = execFileSync('tar', ['-tzf', mail(`${org}.bundle.tgz`)], { encoding: 'utf8' });
            expect(listing).toContain('./msp/cacerts/ca.pem');
            expect(listing).toContain('./org.json');
            expect(listing).not.toMatch(/keystore|_sk|\.key\b/);
            const contents = execFileSync('tar', ['-xzOf', mail(`${org}.bundle.tgz`)], { encoding: 'latin1' });
            expect(contents).not.toContain('PRIVATE KEY');
        }
    });

    test('a bundle holding a private key is refused before it leaves the host', async () => {
        // An operator's slip: the admin's key copied into the MSP folder that goes into the bundle.
        const domain = 'hospital.careledger.local';
        const msp = `${hosts.home('hospital')}/organizations/peerOrganizations/${domain}`;
        const planted = `${msp}/msp/tlscacerts/admin.pem`;
        expect(hosts.run('hospital', 'cp', `${msp}/users/admin@${domain}/msp/keystore/key.pem`, planted).status).toBe(
            0,
        );
        const refused = await hosts.orgRun('hospital', 'bundle', mail('hospital-slip.bundle.tgz'));
        expect(hosts.run('hospital', 'rm', planted).status).toBe(0);
        expect(refused.status).not.toBe(0);
        expect(refused.output).toContain('refused: msp/tlscacerts/admin.pem');
        expect(readdirSync(hosts.mail)).not.toContain('hospital-slip.bundle.tgz');
    });

    test('the ordering service builds the genesis block from the founders’ bundles and creates the channel', async () => {
        await hosts.org('orderer', 'start');
        await hosts.org(
            'orderer',
            'genesis',
            mail('careledger.genesis.block'),
            ...founders.map((o) => mail(`${o}.bundle.tgz`)),
        );
        const created = await hosts.org('orderer', 'create-channel');
        expect(created).toContain('channel careledger created on 3 orderers');
    });

    test('each founder starts its peers and joins from block 0 fetched from the ordering service', async () => {
        await Promise.all(
            founders.map(async (org) => {
                await hosts.org(org, 'trust-orderer', mail('orderer.bundle.tgz'));
                await hosts.org(org, 'start');
                expect(await hosts.org(org, 'join')).toContain('block 0 of careledger fetched from 192.0.2.10:7050');
            }),
        );
        for (const org of founders) {
            expect(await height(org)).toBeGreaterThanOrEqual(1);
        }
    });

    test('the chaincode is deployed with each org’s own approval', async () => {
        await hosts.org('hospital', 'define', mail('careledger.definition-1.json'));
        await Promise.all(founders.map((org) => hosts.org(org, 'approve', mail('careledger.definition-1.json'))));
        const committed = await hosts.org(
            'hospital',
            'commit',
            mail('careledger.definition-1.json'),
            ...['manufacturer', 'distributor'].map((o) => mail(`${o}.bundle.tgz`)),
        );
        expect(committed).toMatch(
            /approvals: DistributorMSP: true HospitalMSP: true ManufacturerMSP: true RegulatorMSP: true/,
        );
        expect(committed).toContain('committed careledger');
        await Promise.all(founders.map((org) => hosts.org(org, 'wait-chaincode')));
        const who = await client('manufacturer').call<{ mspId: string; role: string }>(
            'operator1',
            'session',
            'evaluate',
            {
                contract: 'system',
                name: 'WhoAmI',
            },
        );
        expect(who).toMatchObject({ mspId: 'ManufacturerMSP', role: 'operator' });
    });

    test('a supply hand-off and an EHR read, each org acting from its own host', async () => {
        const regulator = client('regulator');
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ]) {
            await regulator.call('inspector1', 'supply', 'authorizePartner', { mspId, kind });
        }
        const maker = client('manufacturer');
        await maker.call('operator1', 'supply', 'registerProduct', {
            gtin,
            name: 'Amoxicillin',
            strength: '500 mg',
            dosageForm: 'capsule',
        });
        await maker.call('operator1', 'supply', 'registerLot', { gtin, lot, expiry: '291231', quantity: 100 });
        await maker.call('operator1', 'supply', 'commission', gtin, lot, ['MH-1', 'MH-2', 'MH-3', 'MH-4']);
        const items = [
            { gtin, serial: 'MH-1' },
            { gtin, serial: 'MH-2' },
        ];
        await maker.call('operator1', 'supply', 'ship', items, 'DistributorMSP');
        await client('distributor').call('operator1', 'supply', 'receive', items);
        // Read on the regulator's own peer: the distributor's receipt reached the regulator's ledger copy.
        const unit = await client('regulator').call('inspector1', 'supply', 'getUnit', items[0]);
        expect(JSON.stringify(unit)).toContain('DistributorMSP');

        for (const type of ['MedicalLicense', 'NursingLicense', 'PharmacistLicense']) {
            await regulator.call('admin', 'credentials', 'registerIssuer', {
                type,
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            });
        }
        await license('HospitalMSP', 'prac-hosp-0001', 'MedicalLicense');
        await license('HospitalMSP', 'prac-hosp-0101', 'NursingLicense');
        const hospital = client('hospital');
        const { patientId } = await hospital.call<{ patientId: string }>('patient1', 'ehr', 'enrolPatient');
        const location = 'https://docs.hospital.example/records/mh-1.pdf';
        const { record } = await hospital.call<{ record: { id: string; contentHash: string } }>(
            'nurse1',
            'ehr',
            'registerRecord',
            {
                id: 'rec-mh-1',
                patientId,
                type: { system: 'http://loinc.org', code: '18842-5' },
                ...documentDigest('discharge summary (stand-in bytes)'),
                mediaType: 'application/pdf',
                location,
            },
        );
        await hospital.call('patient1', 'ehr', 'grantConsent', {
            id: 'consent-mh-1',
            grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
            scope: { kind: 'records', recordIds: [record.id] },
            purposes: [treatment],
            period: { end: new Date(Date.now() + 3_600_000).toISOString() },
        });
        const read = await hospital.call<{ access: { allowed: boolean }; location: { location: string } }>(
            'physician1',
            'ehr',
            'readRecord',
            record.id,
            treatment,
        );
        expect(read.access.allowed).toBe(true);
        expect(read.location.location).toBe(location);
        // The regulator's host holds the pointer (public) but never the location (the hospital's private data).
        const attempt = await client('regulator').call<{ allowed: boolean }>(
            'inspector1',
            'ehr',
            'accessRecord',
            record.id,
            treatment,
        );
        expect(attempt.allowed).toBe(false);
    });

    test('onboarding the pharmacy: its bundle, a config update signed by a majority on their own hosts, join, approve', async () => {
        const started = Date.now();
        await hosts.org('pharmacy', 'init');
        await hosts.org('pharmacy', 'bundle', mail('pharmacy.bundle.tgz'));
        const update = mail('add-pharmacy.update.pb');
        const proposed = await hosts.org('hospital', 'propose-add', mail('pharmacy.bundle.tgz'), update);
        expect(proposed).toContain('adds: PharmacyMSP');

        // Too few: the tooling names the missing signatures; forced through, the orderer refuses.
        const early = await hosts.orgRun('hospital', 'submit', update);
        expect(early.status).not.toBe(0);
        expect(early.output).toMatch(
            /too few signatures: 1 of 3 needed; missing 2 more from: DistributorMSP ManufacturerMSP RegulatorMSP/,
        );
        const forced = await hosts.orgRun('hospital', 'submit', update, '--force');
        expect(forced.status).not.toBe(0);
        expect(forced.output).toMatch(/refused the update: .*BAD_REQUEST.*requires 3 of the 'Admins' sub-policies/s);

        await hosts.org('manufacturer', 'sign', update, mail('add-pharmacy.ManufacturerMSP.sig'));
        // A signature over another update, and an update changed after signing, are refused.
        const other = mail('remove-regulator.update.pb');
        await hosts.org('hospital', 'propose-remove', 'RegulatorMSP', other);
        const mismatched = await hosts.orgRun('hospital', 'submit', other, mail('add-pharmacy.ManufacturerMSP.sig'));
        expect(mismatched.output).toContain('is a signature over another update');
        expect(mismatched.status).not.toBe(0);
        const tampered = mail('add-pharmacy-tampered.update.pb');
        hosts.run('hospital', 'bash', '-c', `sed 's/192\\.0\\.2\\.15/192.0.2.66/' '${update}' > '${tampered}'`);
        const changed = await hosts.orgRun('hospital', 'submit', tampered, mail('add-pharmacy.ManufacturerMSP.sig'));
        expect(changed.output).toContain('is a signature over another update');
        expect(changed.status).not.toBe(0);

        await hosts.org('distributor', 'sign', update, mail('add-pharmacy.DistributorMSP.sig'));
        const submitted = await hosts.org(
            'hospital',
            'submit',
            update,
            mail('add-pharmacy.ManufacturerMSP.sig'),
            mail('add-pharmacy.DistributorMSP.sig'),
        );
        expect(submitted).toContain('3 of the 4 members');
        expect(submitted).toContain('accepted by the ordering service');

        await hosts.org('pharmacy', 'trust-orderer', mail('orderer.bundle.tgz'));
        await hosts.org('pharmacy', 'start');
        await hosts.org('pharmacy', 'join');
        await hosts.org('pharmacy', 'approve', mail('careledger.definition-1.json'));
        await hosts.org('pharmacy', 'wait-chaincode');
        const who = await client('pharmacy').call<{ mspId: string; actorId: string }>(
            'pharmacist1',
            'session',
            'evaluate',
            {
                contract: 'system',
                name: 'WhoAmI',
            },
        );
        expect(who).toMatchObject({ mspId: 'PharmacyMSP', actorId: 'prac-phar-0001' });
        figures.onboardSeconds = seconds(started);

        // Endorsement: the pharmacy's transactions commit; private data: in its own collection.
        await client('regulator').call('inspector1', 'supply', 'authorizePartner', {
            mspId: 'PharmacyMSP',
            kind: 'dispenser',
        });
        const items = [{ gtin, serial: 'MH-1' }];
        await client('distributor').call('operator1', 'supply', 'ship', items, 'PharmacyMSP');
        await client('pharmacy').call('pharmacist1', 'supply', 'receive', items);
        // The pharmacy's clinic nurse, registered by the pharmacy's own CA from its own host, keeps
        // a record whose location lives in the pharmacy's private data (its implicit collection).
        const nurse = { user: 'nurse1', role: 'nurse', actorId: 'prac-phar-0101' };
        expect(await client('pharmacy').call('admin', 'identities', 'register', nurse)).toMatchObject({
            mspId: 'PharmacyMSP',
        });
        await license('PharmacyMSP', nurse.actorId, 'NursingLicense');
        const location = 'https://docs.pharmacy.example/clinic/mh-2.pdf';
        const { record } = await client('pharmacy').call<{ record: { id: string; custodianMsp: string } }>(
            'nurse1',
            'ehr',
            'registerRecord',
            {
                id: 'rec-mh-2',
                patientId: 'pat-7c1e04a9',
                type: { system: 'http://loinc.org', code: '29551-9' },
                ...documentDigest('vaccination record (stand-in bytes)'),
                mediaType: 'application/pdf',
                location,
            },
        );
        expect(record.custodianMsp).toBe('PharmacyMSP');
        await client('hospital').call('patient1', 'ehr', 'grantConsent', {
            id: 'consent-mh-2',
            grantee: { mspId: 'PharmacyMSP', actorId: nurse.actorId },
            scope: { kind: 'records', recordIds: [record.id] },
            purposes: [treatment],
            period: { end: new Date(Date.now() + 3_600_000).toISOString() },
        });
        const read = await client('pharmacy').call<{ access: { allowed: boolean }; location: { location: string } }>(
            'nurse1',
            'ehr',
            'readRecord',
            record.id,
            treatment,
        );
        expect(read.access.allowed).toBe(true);
        expect(read.location.location).toBe(location);
        // The hospital's physician, without consent, is denied that record.
        const denied = await client('hospital').call<{ allowed: boolean }>(
            'physician1',
            'ehr',
            'accessRecord',
            record.id,
            treatment,
        );
        expect(denied.allowed).toBe(false);
        figures.onboardToFirstPrivateReadSeconds = seconds(started);
    });

    test('cutting the distributor’s link: the consortium keeps committing; restored, it catches up', async () => {
        const before = await height('distributor');
        hosts.cut('distributor');
        const cutAt = Date.now();
        const commits: string[] = [];
        const serials = ['MH-3', 'MH-4'];
        // Bounded: ten transactions from three other hosts, each endorsed by two orgs that are up.
        for (let i = 0; i < 8; i += 1) {
            const result = await client('hospital').call<{ transactionId: string }>('physician1', 'session', 'submit', {
                contract: 'system',
                name: 'Ping',
                args: [`during the cut ${i}`],
            });
            commits.push(result.transactionId);
        }
        await client('manufacturer').call(
            'operator1',
            'supply',
            'ship',
            serials.map((serial) => ({ gtin, serial })),
            'DistributorMSP',
        );
        commits.push('ship');
        await client('pharmacy').call('pharmacist1', 'session', 'submit', {
            contract: 'system',
            name: 'Ping',
            args: ['pharmacy during the cut'],
        });
        commits.push('pharmacy ping');
        figures.commitsDuringCut = commits.length;
        figures.cutSeconds = seconds(cutAt);
        const others = await height('hospital');
        expect(others).toBeGreaterThanOrEqual(before + commits.length / 2);
        expect(await height('distributor')).toBe(before); // its peer saw none of it

        hosts.restore('distributor');
        const restoredAt = Date.now();
        await waitFor('the distributor to catch up', async () => (await height('distributor')) >= others);
        figures.catchUpSeconds = seconds(restoredAt);
        figures.blocksCaughtUp = others - before;
        // Blocks arrive from the orderer before gossip re-learns the other orgs' peers, and until then the
        // distributor's peer cannot name endorsers (discovery answers UNAVAILABLE, nothing is submitted). A real
        // client retries that; so does this one, bounded, and only for that answer.
        const receive = (): Promise<unknown> =>
            // What was shipped to it during the cut, it now receives from its own host.
            client('distributor').call(
                'operator1',
                'supply',
                'receive',
                serials.map((serial) => ({ gtin, serial })),
            );
        let received: unknown;
        for (const deadline = Date.now() + 60_000; received === undefined;) {
            received = await receive().catch((err: unknown) => {
                const noEndorsers = err instanceof CallError && /no combination of peers/.test(err.message);
                if (!noEndorsers || Date.now() > deadline) {
                    throw err;
                }
                return new Promise((resolve) => setTimeout(() => resolve(undefined), 500));
            });
        }
        figures.endorsersFoundSeconds = seconds(restoredAt);
        expect(JSON.stringify(received)).toContain('MH-3');
    });

    test('no process of one org can read another org’s keys', () => {
        const keyOf: Record<string, string> = {
            hospital: `${hosts.home('hospital')}/organizations/peerOrganizations/hospital.careledger.local/peers/peer0.hospital.careledger.local/tls/server.key`,
            manufacturer: `${hosts.home('manufacturer')}/organizations/peerOrganizations/manufacturer.careledger.local/users/admin@manufacturer.careledger.local/msp/keystore/key.pem`,
            orderer: `${hosts.home('orderer')}/organizations/ordererOrganizations/orderer.careledger.local/orderers/orderer0.orderer.careledger.local/tls/server.key`,
            pharmacy: `${hosts.home('pharmacy')}/ca/msp/keystore`,
        };
        for (const [owner, key] of Object.entries(keyOf)) {
            expect(hosts.run(owner, 'test', '-e', key).status).toBe(0); // it exists, for its owner
            for (const reader of Object.keys(addresses).filter((o) => o !== owner)) {
                const attempt = hosts.run(reader, 'cat', key);
                expect(attempt.status).not.toBe(0);
                expect(attempt.output).toContain('Permission denied');
            }
        }
        // Every process on each host runs as that org's user and has open only its own files.
        const uids = Object.fromEntries(
            Object.keys(addresses).map((org) => [
                org,
                Number(execFileSync('id', ['-u', `clmh-${org}`], { encoding: 'utf8' }).trim()),
            ]),
        );
        let checked = 0;
        for (const org of Object.keys(addresses)) {
            for (const { pid, uid, files } of hosts.openFiles(org)) {
                expect({ org, pid, uid }).toEqual({ org, pid, uid: uids[org] });
                const foreign = files.filter(
                    (file) => file.startsWith(`${hosts.dir}/hosts/`) && !file.startsWith(`${hosts.dir}/hosts/${org}/`),
                );
                expect({ org, pid, foreign }).toEqual({ org, pid, foreign: [] });
                checked += 1;
            }
        }
        expect(checked).toBeGreaterThanOrEqual(20);
        figures.processesChecked = checked;
    });

    test('rotating the regulator’s admin: new key, old certificate revoked through the channel, then refused', async () => {
        const retired = `${hosts.home('regulator')}/run/retired-admin`;
        const asRetired = (...args: string[]) =>
            hosts.run('regulator', 'env', `CARELEDGER_ADMIN_MSP=${retired}`, 'bash', orgScript, ...args);
        await hosts.org('regulator', 'rotate-admin', mail('regulator-rotated.bundle.tgz'));
        // Until the channel knows, the old certificate still works: that is why the update matters.
        expect(asRetired('fetch-config', `${hosts.home('regulator')}/run/before.pb`).status).toBe(0);
        const update = mail('regulator-rotated.update.pb');
        const proposed = await hosts.org(
            'regulator',
            'propose-update-msp',
            mail('regulator-rotated.bundle.tgz'),
            update,
        );
        expect(proposed).toContain('changes: RegulatorMSP');
        await hosts.org('hospital', 'sign', update, mail('regulator-rotated.HospitalMSP.sig'));
        await hosts.org('manufacturer', 'sign', update, mail('regulator-rotated.ManufacturerMSP.sig'));
        const submitted = await hosts.org(
            'regulator',
            'submit',
            update,
            mail('regulator-rotated.HospitalMSP.sig'),
            mail('regulator-rotated.ManufacturerMSP.sig'),
        );
        expect(submitted).toContain('accepted by the ordering service');
        const refused = asRetired('fetch-config', `${hosts.home('regulator')}/run/after.pb`);
        expect(refused.status).not.toBe(0);
        expect(refused.output).toMatch(/FORBIDDEN|access denied|revoked/i);
        // The new admin goes on acting for the regulator (it proposes and submits the next update).
        expect(
            (await hosts.orgRun('regulator', 'fetch-config', `${hosts.home('regulator')}/run/after.pb`)).status,
        ).toBe(0);
    });

    test('removing a member: the pharmacy leaves by a majority’s signed update, and can no longer transact', async () => {
        const update = mail('remove-pharmacy.update.pb');
        await hosts.org('regulator', 'propose-remove', 'PharmacyMSP', update);
        await hosts.org('manufacturer', 'sign', update, mail('remove-pharmacy.ManufacturerMSP.sig'));
        await hosts.org('hospital', 'sign', update, mail('remove-pharmacy.HospitalMSP.sig'));
        const submitted = await hosts.org(
            'regulator',
            'submit',
            update,
            mail('remove-pharmacy.ManufacturerMSP.sig'),
            mail('remove-pharmacy.HospitalMSP.sig'),
        );
        expect(submitted).toContain('3 of the 5 members');
        await expect(
            client('pharmacy').call('pharmacist1', 'session', 'submit', {
                contract: 'system',
                name: 'Ping',
                args: ['after removal'],
            }),
        ).rejects.toBeInstanceOf(CallError);
        // The others go on.
        await client('hospital').call('physician1', 'session', 'submit', {
            contract: 'system',
            name: 'Ping',
            args: ['after removal'],
        });
    });
});
