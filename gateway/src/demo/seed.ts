import { createHash } from 'node:crypto';
import { CredentialsClient, commitDocument } from '../credentials';
import type { DocumentStore } from '../documents';
import { DocumentService, ehrDocumentLedger } from '../documents';
import { EhrClient } from '../ehr';
import { LedgerError, withRetry, type Ledger, type LedgerSession } from '../index';
import { SupplyClient } from '../supply';
import { DemoWorld } from './world';

export interface SeedOptions {
    ledger: Ledger;
    /** The hospital's document store, so the demo record's document can be read back; else a pointer only. */
    documents?: DocumentStore;
    /** Progress, one line per step. */
    log?: (line: string) => void;
}

export interface SeedReport {
    /** Steps that changed the ledger. */
    done: string[];
    /** Steps already on the ledger (an earlier seed). */
    present: string[];
}

/**
 * Seeds the demo world (world.ts) through the same typed clients any org uses, each step as
 * the persona who would do it: the regulator trusts issuers, licenses the clinicians and
 * pharmacists and authorises the trading partners; the manufacturer registers a product and a
 * lot, commissions units and ships some to the distributor, who receives them; the patients
 * enrol; physician1 stores a progress note for patient1, who consents to the hospital's
 * clinicians reading it for treatment. Every step is idempotent: what exists is left as it is.
 */
export async function seedDemoWorld(options: SeedOptions): Promise<SeedReport> {
    const { ledger } = options;
    const report: SeedReport = { done: [], present: [] };
    const as = async (org: string, user: string): Promise<LedgerSession> =>
        withRetry(ledger.connect(await ledger.identities.get(org, user)));
    const step = async (name: string, body: () => Promise<unknown>, present?: () => Promise<boolean>) => {
        if (present && (await present())) {
            report.present.push(name);
            return;
        }
        try {
            await body();
            report.done.push(name);
            options.log?.(`seeded: ${name}`);
        } catch (error) {
            if (error instanceof LedgerError && error.code === 'CONFLICT') {
                report.present.push(name);
                return;
            }
            throw new Error(`seeding the demo world failed at "${name}": ${(error as Error).message}`, {
                cause: error,
            });
        }
    };
    const orgs = new Set((await ledger.identities.orgs()).map((o) => o.mspId));

    const regulator = new CredentialsClient(await as('regulator', 'admin'));
    for (const type of DemoWorld.regulatorIssues) {
        await step(`RegulatorMSP trusted to issue ${type}`, () =>
            regulator.registerIssuer({ type, mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' }),
        );
    }
    for (const mspId of DemoWorld.ownOrgIssues.mspIds) {
        await step(`${mspId} trusted to issue ${DemoWorld.ownOrgIssues.type} to its own`, () =>
            regulator.registerIssuer({
                type: DemoWorld.ownOrgIssues.type,
                mspId,
                roles: ['admin'],
                subjectScope: 'own-org',
            }),
        );
    }
    for (const licence of DemoWorld.licences.filter((l) => orgs.has(l.mspId))) {
        const subject = { mspId: licence.mspId, actorId: licence.actorId };
        const id = `demo-${licence.type}-${licence.actorId}`;
        await step(
            `${licence.type} for ${licence.actorId}`,
            () => regulator.issue({ id, type: licence.type, subject, commitment: demoCommitment(id) }),
            async () => (await regulator.checkPractitioner(subject, licence.type)).verdict === 'valid',
        );
    }

    const inspector = new SupplyClient(await as('regulator', 'inspector1'));
    for (const partner of DemoWorld.partners.filter((p) => orgs.has(p.mspId))) {
        await step(
            `trading partner ${partner.mspId} (${partner.kind})`,
            () => inspector.authorizePartner(partner),
            async () => exists(() => inspector.getPartner(partner.mspId)),
        );
    }
    const maker = new SupplyClient(await as('manufacturer', 'operator1'));
    const { product, lot, serials } = DemoWorld;
    await step(
        `product ${product.gtin}`,
        () => maker.registerProduct(product),
        async () => exists(() => maker.getProduct(product.gtin)),
    );
    await step(
        `lot ${lot.lot} of ${lot.gtin}`,
        () => maker.registerLot(lot),
        async () => exists(() => maker.getLot(lot.gtin, lot.lot)),
    );
    const units = serials.map((serial) => ({ gtin: lot.gtin, serial }));
    await step(
        `${serials.length} serialized units`,
        () => maker.commission(lot.gtin, lot.lot, serials),
        async () => exists(() => inspector.getUnit(units[0])),
    );
    const shipped = units.slice(0, DemoWorld.shippedToDistributor);
    const distributor = new SupplyClient(await as('distributor', 'operator1'));
    await step(
        `${shipped.length} units shipped to DistributorMSP and received`,
        async () => {
            if (!(await inspector.getUnit(shipped[0])).destination) {
                await maker.ship(shipped, 'DistributorMSP');
            }
            await distributor.receive(shipped);
        },
        async () => (await inspector.getUnit(shipped[0])).custodian === 'DistributorMSP',
    );

    for (const patient of DemoWorld.patients) {
        await step(`${patient} enrolled`, async () => new EhrClient(await as('hospital', patient)).enrolPatient());
    }
    const { record, consent } = DemoWorld;
    const physician = await as('hospital', 'physician1');
    await step(
        `record ${record.id} of ${record.patientId}`,
        async () => {
            const metadata = { recordId: record.id, patientId: record.patientId, type: record.type };
            const bytes = Buffer.from(record.content, 'utf8');
            if (options.documents) {
                await new DocumentService(options.documents, ehrDocumentLedger).store(
                    physician,
                    bytes,
                    record.contentType,
                    metadata,
                );
            } else {
                await new EhrClient(physician).registerRecord({
                    id: record.id,
                    patientId: record.patientId,
                    type: record.type,
                    contentHash: createHash('sha256').update(bytes).digest('hex'),
                    size: bytes.length,
                    mediaType: record.contentType,
                    location: `demo:${record.id}`,
                });
            }
        },
        async () => exists(() => new EhrClient(physician).getRecord(record.id)),
    );
    const patient1 = new EhrClient(await as('hospital', 'patient1'));
    await step(
        `consent ${consent.id}: patient1 lets HospitalMSP's clinicians read it for TREAT`,
        () =>
            patient1.grantConsent({
                ...consent,
                scope: { kind: 'records', recordIds: [...consent.scope.recordIds] },
                purposes: [...consent.purposes],
            }),
        async () => exists(() => patient1.getConsent(consent.id)),
    );
    return report;
}

/** The salted commitment of a demo licence's (stand-in) document; the salt is derived from the id. */
export function demoCommitment(credentialId: string): string {
    const salt = createHash('sha256').update(`careledger-demo:${credentialId}`).digest('hex');
    return commitDocument(`Demo licence ${credentialId}`, salt).commitment;
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
    try {
        await read();
        return true;
    } catch (error) {
        if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
            return false;
        }
        throw error;
    }
}
