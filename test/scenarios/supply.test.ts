import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { supply } from '@careledger/chaincode';
import { commitDocument, CredentialsClient } from '../../gateway/src/credentials';
import { LedgerError } from '../../gateway/src/ledger';
import { toEpcisDocument, type EpcisEventInput } from '../../gateway/src/standards/epcis';
import { epcisDocumentSchema } from '../../gateway/src/standards/epcis-schema';
import { SupplyClient } from '../../gateway/src/supply';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';

/**
 * Issue 6 end to end, through the supply gateway client, on the embedded ledger and on the
 * real network. Everything this file creates has a run-unique GTIN, lot and SSCC; the only
 * shared identity whose state it relies on is the hospital's pharmacist1, whose
 * PharmacistLicense it ensures and never suspends.
 */
jest.setTimeout(300_000);

const { gs1 } = supply;

/** A run-unique GS1 key of `length` digits (check digit included), from a unique id. */

const isCode = (error: unknown, code: string) => error instanceof LedgerError && error.code === code;

describe('supply: serialised units, custody, verification, recalls, suspect products, chain of custody', () => {
    let env: ScenarioLedger;
    let regulator: SupplyClient;
    let manufacturer: SupplyClient;
    let distributor: SupplyClient;
    let pharmacist: SupplyClient;

    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('L');
    const recalledLot = uniqueId('R');
    const caseSscc = uniqueKey('sscc', 18);
    const serials = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'];
    const unitOf = (serial: string) => ({ gtin, serial });
    const caseRef = `(00)${caseSscc}`;
    const expiry = '301231';
    const scanned = (serial: string, lotNumber = lot) => `(01)${gtin}(17)${expiry}(10)${lotNumber}(21)${serial}`;
    let dispenseTxId: string;

    /**
     * pharmacist1 must hold a valid PharmacistLicense: issued once, by the regulator, if missing.
     * The registry may already trust the regulator for it (an earlier run on the shared network):
     * then one of the roles it lists issues.
     */
    async function ensurePharmacistLicense(): Promise<void> {
        const admin = new CredentialsClient(await env.session('regulator', 'admin'));
        await admin
            .registerIssuer({
                type: 'PharmacistLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            })
            .catch((error: unknown) => {
                if (!isCode(error, 'CONFLICT')) throw error;
            });
        const subject = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' };
        const standing = await admin.checkPractitioner(subject, 'PharmacistLicense');
        if (standing.verdict === 'valid') {
            return;
        }
        const { roles } = await admin.getIssuer('PharmacistLicense', 'RegulatorMSP');
        const issuer = roles.includes('admin')
            ? admin
            : new CredentialsClient(await env.session('regulator', 'inspector1'));
        const { commitment } = commitDocument(JSON.stringify({ license: uniqueId('pharm'), jurisdiction: 'XX' }));
        await issuer.issue({ id: uniqueId('pharm-lic'), type: 'PharmacistLicense', subject, commitment });
    }

    /** Trading partners, authorised by the regulator; repeating an identical authorisation is a no-op. */
    async function ensurePartners(): Promise<void> {
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ] as const) {
            await regulator.authorizePartner({ mspId, kind });
        }
    }

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = new SupplyClient(await env.session('regulator', 'inspector1'));
        manufacturer = new SupplyClient(await env.session('manufacturer', 'operator1'));
        distributor = new SupplyClient(await env.session('distributor', 'operator1'));
        pharmacist = new SupplyClient(await env.session('hospital', 'pharmacist1'));
        await ensurePartners();
        await ensurePharmacistLicense();
    });

    afterAll(async () => {
        await env?.close();
    });

    it('the manufacturer registers a product and a lot, and commissions serialised units', async () => {
        await manufacturer.registerProduct({ gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' });
        await manufacturer.registerLot({ gtin, lot, expiry, quantity: 100 });
        const [result] = await manufacturer.commissionInBatches(gtin, lot, serials);
        expect(result.batch).toMatchObject({ gtin, lot, count: serials.length });
        expect(result.step).toMatchObject({ bizStep: 'commissioning', disposition: 'active' });
        await expect(pharmacist.getLot(gtin, lot)).resolves.toMatchObject({
            expiry,
            quantity: 100,
            manufacturer: 'ManufacturerMSP',
        });
    });

    it('a bad GTIN check digit gives a clear error and changes nothing', async () => {
        const badGtin = `${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}`;
        await expect(
            manufacturer.registerProduct({ gtin: badGtin, name: 'X', strength: '1 mg', dosageForm: 'tablet' }),
        ).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'product.gtin',
            detail: `GTIN-14 check digit must be ${gtin[13]}, got ${badGtin[13]}`,
        });
        await expect(manufacturer.ship([unitOf('A5'), `(01)${badGtin}(21)A6`], 'DistributorMSP')).rejects.toMatchObject(
            {
                code: 'INVALID_ARGUMENT',
                field: 'shipment.items[1].gtin',
            },
        );
        // The valid unit of the refused shipment did not move.
        await expect(manufacturer.getUnit(unitOf('A5'))).resolves.toMatchObject({
            status: 'active',
            custodian: 'ManufacturerMSP',
        });
        await expect(manufacturer.getProduct(gtin)).resolves.toMatchObject({ gtin });
    });

    it('packs units into a case, which travels manufacturer → distributor → hospital', async () => {
        await manufacturer.pack(caseSscc, [scanned('A1'), scanned('A2'), unitOf('A3'), unitOf('A4')]);
        const shipped = await manufacturer.ship([caseRef], 'DistributorMSP');
        expect(shipped).toMatchObject({ bizStep: 'shipping', from: 'ManufacturerMSP', to: 'DistributorMSP' });
        await expect(distributor.getUnit(unitOf('A1'))).resolves.toMatchObject({
            status: 'in_transit',
            destination: 'DistributorMSP',
        });
        await distributor.receive([caseRef]);
        await expect(distributor.getUnit(unitOf('A2'))).resolves.toMatchObject({
            status: 'active',
            custodian: 'DistributorMSP',
            parent: caseSscc,
        });
        await distributor.ship([caseRef], 'HospitalMSP');
        await pharmacist.receive([caseRef]);
        await expect(pharmacist.getContainer(caseRef)).resolves.toMatchObject({
            custodian: 'HospitalMSP',
            status: 'active',
        });
    });

    it('the hospital unpacks and dispenses one unit, which then never moves again', async () => {
        await pharmacist.unpack(caseSscc, [unitOf('A1')]);
        const dispensed = await pharmacist.dispense(scanned('A1'));
        dispenseTxId = dispensed.txId;
        expect(dispensed).toMatchObject({
            bizStep: 'dispensing',
            disposition: 'dispensed',
            actor: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' },
        });
        await expect(pharmacist.ship([unitOf('A1')], 'DistributorMSP')).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(pharmacist.verify(scanned('A1'))).resolves.toMatchObject({
            verified: false,
            verificationFailureReason: 'Not_for_re-distribution',
        });
    });

    it('the hospital verifies a pack with a wrong lot and one with an unknown serial', async () => {
        await expect(pharmacist.verify(scanned('A2', 'WRONG-LOT'))).resolves.toMatchObject({
            verified: false,
            verificationFailureReason: 'No_match_GTIN_Serial_Lot',
        });
        await expect(pharmacist.verify(scanned('NO-SUCH-SERIAL'))).resolves.toMatchObject({
            verified: false,
            verificationFailureReason: 'No_match_GTIN_Serial',
        });
        const good = await pharmacist.verify(gs1.productDigitalLink({ gtin, serial: 'A2', lot, expiry }));
        expect(good).toMatchObject({ verified: true });
        expect(good.additionalInfo).toBeUndefined();
        // The verdict is the same whoever asks.
        const others = await Promise.all(
            [manufacturer, distributor, regulator].map((client) => client.verify(scanned('A2', 'WRONG-LOT'))),
        );
        for (const other of others) {
            expect({ ...other, verificationTimestamp: undefined }).toEqual({
                ...(await pharmacist.verify(scanned('A2', 'WRONG-LOT'))),
                verificationTimestamp: undefined,
            });
        }
    });

    it('a recall mid-chain is reflected everywhere', async () => {
        await manufacturer.registerLot({ gtin, lot: recalledLot, expiry, quantity: 10 });
        await manufacturer.commission(gtin, recalledLot, ['R1', 'R2']);
        await manufacturer.ship([unitOf('R1'), unitOf('R2')], 'DistributorMSP');
        await distributor.receive([unitOf('R1'), unitOf('R2')]);
        await distributor.ship([unitOf('R1')], 'HospitalMSP');

        const recall = await manufacturer.recall({
            gtin,
            lot: recalledLot,
            recallClass: 'I',
            reason: 'sterility failure',
        });
        expect(recall).toMatchObject({ bizStep: 'holding', disposition: 'recalled', recallClass: 'I' });

        // Every reader sees the recall on the lot, and every unit answers Recalled.
        for (const client of [pharmacist, distributor, regulator]) {
            await expect(client.getLot(gtin, recalledLot)).resolves.toMatchObject({
                recall: { recallClass: 'I', by: 'ManufacturerMSP' },
            });
        }
        await expect(pharmacist.verify(scanned('R1', recalledLot))).resolves.toMatchObject({
            verified: true,
            additionalInfo: 'Recalled',
        });
        await expect(distributor.verify(scanned('R2', recalledLot))).resolves.toMatchObject({
            additionalInfo: 'Recalled',
        });
        // The unit in transit may still be received, not dispensed; the one at the distributor goes back only to the manufacturer.
        await pharmacist.receive([unitOf('R1')]);
        await expect(pharmacist.dispense(unitOf('R1'))).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(distributor.ship([unitOf('R2')], 'HospitalMSP')).rejects.toMatchObject({ code: 'CONFLICT' });
        await distributor.ship([unitOf('R2')], 'ManufacturerMSP');
        // The regulator sees where every unit of the recalled lot is now.
        await expect(regulator.lotWhereabouts(gtin, recalledLot)).resolves.toEqual({
            gtin,
            lot: recalledLot,
            total: 2,
            byCustodian: [
                { custodian: 'DistributorMSP', status: 'in_transit', destination: 'ManufacturerMSP', count: 1 },
                { custodian: 'HospitalMSP', status: 'active', count: 1 },
            ],
        });
    });

    it('a suspect quarantine stops a shipment until the manufacturer clears it', async () => {
        await pharmacist.unpack(caseSscc, [unitOf('A2')]);
        const quarantined = await pharmacist.quarantine({ item: unitOf('A2') }, 'seal broken on receipt');
        await expect(pharmacist.ship([unitOf('A2')], 'DistributorMSP')).rejects.toMatchObject({
            code: 'CONFLICT',
            field: 'shipment.items[0]',
        });
        await expect(pharmacist.verify(scanned('A2'))).resolves.toMatchObject({
            verified: true,
            additionalInfo: 'Suspect',
        });
        // A suspect unit inside a case stops the whole case.
        await pharmacist.quarantine({ item: unitOf('A3') }, 'blister damaged');
        await expect(pharmacist.ship([caseRef], 'DistributorMSP')).rejects.toMatchObject({
            code: 'CONFLICT',
            field: 'shipment.items[0]',
        });
        await regulator.clearSuspicion({ item: unitOf('A3') }, 'cosmetic damage only');
        const open = await regulator.listOpenSuspicions({ pageSize: 200 });
        expect(open.items).toContainEqual(
            expect.objectContaining({
                scope: 'unit',
                gtin,
                serial: 'A2',
                since: quarantined.at,
                by: 'HospitalMSP',
                overdue: false,
            }),
        );
        await manufacturer.clearSuspicion({ item: unitOf('A2') }, 'seal intact on inspection');
        await pharmacist.ship([unitOf('A2')], 'DistributorMSP');
        await distributor.reject([unitOf('A2')], 'not ordered');
        await expect(pharmacist.getUnit(unitOf('A2'))).resolves.toMatchObject({
            status: 'active',
            custodian: 'HospitalMSP',
        });
    });

    it("a non-owner's ship is denied", async () => {
        await expect(distributor.ship([unitOf('A5')], 'HospitalMSP')).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(manufacturer.getUnit(unitOf('A5'))).resolves.toMatchObject({
            status: 'active',
            custodian: 'ManufacturerMSP',
        });
        // Being the destination of a shipment is not custody: the distributor cannot pass the case on before receiving it.
        await pharmacist.ship([caseRef], 'DistributorMSP');
        await expect(distributor.ship([caseRef], 'ManufacturerMSP')).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await distributor.receive([caseRef]);
        await expect(distributor.getUnit(unitOf('A4'))).resolves.toMatchObject({
            custodian: 'DistributorMSP',
            parent: caseSscc,
        });
    });

    it('the regulator reads the whole chain of custody, exportable as EPCIS 2.0', async () => {
        const history = await regulator.unitHistory(unitOf('A1'));
        expect(history.steps.map((step) => [step.bizStep, step.from ?? '', step.to ?? '', step.actor.mspId])).toEqual([
            ['commissioning', '', '', 'ManufacturerMSP'],
            ['packing', '', '', 'ManufacturerMSP'],
            ['shipping', 'ManufacturerMSP', 'DistributorMSP', 'ManufacturerMSP'],
            ['receiving', 'ManufacturerMSP', 'DistributorMSP', 'DistributorMSP'],
            ['shipping', 'DistributorMSP', 'HospitalMSP', 'DistributorMSP'],
            ['receiving', 'DistributorMSP', 'HospitalMSP', 'HospitalMSP'],
            ['unpacking', '', '', 'HospitalMSP'],
            ['dispensing', '', '', 'HospitalMSP'],
        ]);
        expect(history.steps.at(-1)?.txId).toBe(dispenseTxId);
        expect(new Set(history.steps.map((step) => step.txId)).size).toBe(history.steps.length);
        expect(history.current).toMatchObject({ status: 'dispensed', custodian: 'HospitalMSP' });

        // The manufacturer sees its part only: up to the distributor's receipt of its shipment.
        const manufacturerView = await manufacturer.unitHistory(unitOf('A1'));
        expect(manufacturerView.steps.map((step) => step.bizStep)).toEqual([
            'commissioning',
            'packing',
            'shipping',
            'receiving',
        ]);

        const lotSteps = await regulator.allLotHistory(gtin, lot);
        expect(lotSteps.map((step) => step.txId)).toEqual(
            expect.arrayContaining(history.steps.map((step) => step.txId)),
        );

        const document = toEpcisDocument(history.steps.map(toEpcisInput), { creationDate: new Date().toISOString() });
        const ajv = new Ajv({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(epcisDocumentSchema);
        const valid = validate(document);
        expect(validate.errors ?? []).toEqual([]);
        expect(valid).toBe(true);
    });
});

/** How the steps the ledger records read as EPCIS events (the gateway's exporter does the same). */
function toEpcisInput(step: supply.SupplyStep): EpcisEventInput {
    const org = (mspId: string) => supply.orgUri(mspId);
    const common = {
        eventId: supply.eventIdOf(step.txId),
        eventTime: step.at,
        bizStep: step.bizStep,
        disposition: step.disposition as EpcisEventInput['disposition'],
        readPoint: org(step.actor.mspId),
        bizLocation: org(step.actor.mspId),
        sources: step.from ? [{ type: 'owning_party' as const, id: org(step.from) }] : undefined,
        destinations: step.to ? [{ type: 'owning_party' as const, id: org(step.to) }] : undefined,
    };
    if (step.eventType === 'AggregationEvent') {
        return {
            ...common,
            type: 'AggregationEvent',
            action: step.action,
            parentId: step.parent!,
            childEpcs: step.epcs,
        };
    }
    const [lot] = step.lots;
    return {
        ...common,
        type: 'ObjectEvent',
        action: step.action,
        epcs: step.epcs,
        lotNumber: step.action === 'ADD' ? lot.lot : undefined,
        expirationDate: step.action === 'ADD' ? supply.gs1.expiryToIsoDate(lot.expiry) : undefined,
    };
}
