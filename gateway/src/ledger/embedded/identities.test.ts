import * as x509 from '@peculiar/x509';
import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig } from '../config';
import { createCsr } from '../csr';
import type { Ledger } from '../ledger';
import { loadConsortium } from './consortium';
import { FabricAttributesOid } from './dev-ca';
import { DevIdentities } from './identities';
import { openEmbeddedLedger } from './index';

const nurse = { user: 'nurse-new', role: 'nurse', actorId: 'prac-hosp-0999' };

/** The attributes a Fabric CA writes into the certificate (extension 1.2.3.4.5.6.7.8.1, JSON). */
function attributesOf(certificate: string): Record<string, string> {
    const extension = new x509.X509Certificate(certificate).getExtension(FabricAttributesOid);
    expect(extension).not.toBeNull();
    return (JSON.parse(Buffer.from(extension!.value).toString('utf8')) as { attrs: Record<string, string> }).attrs;
}

describe('development CA: registering users', () => {
    let folder: string;
    let identities: DevIdentities;
    beforeEach(async () => {
        folder = await mkdtemp(path.join(tmpdir(), 'careledger-devca-'));
        identities = await DevIdentities.open(loadConsortium(), folder);
    });
    afterEach(() => rm(folder, { recursive: true, force: true }));

    it('issues a certificate with role and actor id written by the CA, and a signer for its key', async () => {
        const identity = await identities.register('hospital', nurse);
        expect(identity).toMatchObject({ mspId: 'HospitalMSP' });
        expect(identity.privateKey).toBeUndefined();
        expect(attributesOf(identity.certificate)).toMatchObject({
            'careledger.role': 'nurse',
            'careledger.id': 'prac-hosp-0999',
            'hf.EnrollmentID': 'nurse-new',
            'hf.Type': 'client',
        });
        const message = Buffer.from('proposal');
        const signature = await identity.signer!(createHash('sha256').update(message).digest());
        expect(verify('sha256', message, new X509Certificate(identity.certificate).publicKey, signature)).toBe(true);
        expect((await identities.get('hospital', 'nurse-new')).certificate).toBe(identity.certificate);
    });

    it('keeps the new user under <org>/<user>/ (key 0600) and finds it again after a reopen', async () => {
        const identity = await identities.register('hospital', nurse);
        const userFolder = path.join(folder, 'hospital', 'nurse-new');
        expect((await stat(path.join(userFolder, 'key.pem'))).mode & 0o777).toBe(0o600);
        expect((await stat(userFolder)).mode & 0o777).toBe(0o700);
        const reopened = await DevIdentities.open(loadConsortium(), folder);
        expect((await reopened.get('hospital', 'nurse-new')).certificate).toBe(identity.certificate);
        await expect(reopened.register('hospital', nurse)).rejects.toMatchObject({ code: 'CONFLICT', field: 'user' });
    });

    it('refuses a name already registered, a demo user, the CA folder and a concurrent twin with CONFLICT', async () => {
        await identities.register('hospital', nurse);
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(identities.register('hospital', { ...nurse, user: 'physician1' })).rejects.toMatchObject({
            code: 'CONFLICT',
        });
        await expect(identities.register('hospital', { ...nurse, user: 'ca' })).rejects.toMatchObject({
            code: 'CONFLICT',
        });
        const twins = await Promise.allSettled([
            identities.register('hospital', { ...nurse, user: 'twin' }),
            identities.register('hospital', { ...nurse, user: 'twin' }),
        ]);
        expect(twins.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        // The same name in another org is another user.
        await expect(identities.register('manufacturer', { ...nurse, role: 'operator' })).resolves.toMatchObject({
            mspId: 'ManufacturerMSP',
        });
    });

    it('refuses bad names, roles and actor ids naming the field, before creating anything', async () => {
        for (const [bad, field] of [
            [{ ...nurse, user: '../escape' }, 'user'],
            [{ ...nurse, user: '' }, 'user'],
            [{ ...nurse, role: 'surgeon-general' }, 'role'],
            [{ ...nurse, actorId: 'Jane Doe' }, 'actorId'],
        ] as const) {
            await expect(identities.register('hospital', bad)).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field,
            });
        }
        expect((await readdir(path.join(folder, 'hospital'))).sort()).not.toContain('escape');
        await expect(identities.register('atlantis', nurse)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it("certifies a device's CSR and keeps only the certificate", async () => {
        const device = await createCsr('patient-device');
        const identity = await identities.enrollWithCsr('hospital', {
            user: 'patient-device',
            role: 'patient',
            actorId: 'pat-00000001',
            csrPem: device.csrPem,
        });
        expect(identity.mspId).toBe('HospitalMSP');
        const certified = new X509Certificate(identity.certificate).publicKey.export({ type: 'spki', format: 'der' });
        expect(certified.equals(createPublicKey(device.privateKey).export({ type: 'spki', format: 'der' }))).toBe(true);
        expect(attributesOf(identity.certificate)).toMatchObject({
            'careledger.role': 'patient',
            'careledger.id': 'pat-00000001',
        });
        expect(await readdir(path.join(folder, 'hospital', 'patient-device'))).toEqual(['cert.pem']);
        const found = await identities.get('hospital', 'patient-device');
        expect(found).toEqual({ mspId: 'HospitalMSP', certificate: identity.certificate });
        const reopened = await DevIdentities.open(loadConsortium(), folder);
        expect(await reopened.get('hospital', 'patient-device')).toEqual(found);
    });

    it('refuses a CSR for another name or one that is not a CSR, and frees the name again', async () => {
        const other = await createCsr('someone-else');
        const request = { user: 'patient-device', role: 'patient', actorId: 'pat-00000001' };
        await expect(identities.enrollWithCsr('hospital', { ...request, csrPem: other.csrPem })).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'csr',
        });
        await expect(identities.enrollWithCsr('hospital', { ...request, csrPem: 'junk' })).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'csr',
        });
        const own = await createCsr('patient-device');
        await expect(identities.enrollWithCsr('hospital', { ...request, csrPem: own.csrPem })).resolves.toMatchObject({
            mspId: 'HospitalMSP',
        });
    });
});

describe('development CA: a registered user on the embedded ledger', () => {
    let ledger: Ledger;
    beforeAll(async () => {
        ledger = await openEmbeddedLedger({ ...loadLedgerConfig({}), dataDir: ':memory:' });
    });
    afterAll(() => ledger.close());

    it('acts with the role and actor id of its certificate', async () => {
        const session = ledger.connect(await ledger.identities.register('hospital', nurse));
        const who = JSON.parse(
            Buffer.from(await session.evaluate({ contract: 'system', name: 'WhoAmI' })).toString('utf8'),
        );
        expect(who).toMatchObject({ mspId: 'HospitalMSP', role: 'nurse', actorId: 'prac-hosp-0999' });
    });
});
