import { ContractHarness } from '@careledger/testing';
import {
    expectRejected,
    Expiry,
    Gtin,
    LotNumber,
    OtherGtin,
    supplyWorld,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import type { Lot, Product, TradingPartner } from './types';

const product = (gtin = OtherGtin) =>
    JSON.stringify({ gtin, name: 'Ibuprofen', strength: '200 mg', dosageForm: 'tablet' });
const lot = (fields: Record<string, unknown> = {}) =>
    JSON.stringify({ gtin: Gtin, lot: 'LOT-B2', expiry: '281000', quantity: 50, ...fields });

describe('trading partners', () => {
    let h: ContractHarness;
    beforeEach(async () => {
        h = await ContractHarness.create();
    });
    const regulator = () => h.identity({ mspId: 'RegulatorMSP', role: 'inspector', actorId: 'insp-1' });

    it('the regulator authorises an org, with an event, and repeating it is a no-op', async () => {
        const first = await h.submit(regulator(), 'supply:AuthorizePartner', [
            JSON.stringify({ mspId: 'DistributorMSP', kind: 'distributor', gln: '0614141000005' }),
        ]);
        const partner = first.json<TradingPartner>();
        expect(partner).toMatchObject({
            mspId: 'DistributorMSP',
            kind: 'distributor',
            gln: '0614141000005',
            authorizedBy: 'RegulatorMSP',
        });
        expect(first.event).toEqual({ name: 'supply.PartnerAuthorized', payload: partner });
        const before = h.snapshot();
        const again = await h.submit(regulator(), 'supply:AuthorizePartner', [
            JSON.stringify({ mspId: 'DistributorMSP', kind: 'distributor', gln: '0614141000005' }),
        ]);
        expect(again.json()).toEqual(partner);
        expect(again.event).toBeUndefined();
        expect(h.snapshot()).toEqual(before);
        const read = await h.evaluate(
            h.identity({ mspId: 'HospitalMSP', role: 'physician', actorId: 'p' }),
            'supply-trace:GetPartner',
            ['DistributorMSP'],
        );
        expect(read.json()).toEqual(partner);
    });

    it('refuses a different authorisation of an org already authorised', async () => {
        await h.submit(regulator(), 'supply:AuthorizePartner', [
            JSON.stringify({ mspId: 'DistributorMSP', kind: 'distributor' }),
        ]);
        await expectRejected(
            h,
            () =>
                h.submit(regulator(), 'supply:AuthorizePartner', [
                    JSON.stringify({ mspId: 'DistributorMSP', kind: 'dispenser' }),
                ]),
            { code: 'CONFLICT', field: 'partner' },
        );
    });

    it.each([
        [{ mspId: 'RegulatorMSP', kind: 'dispenser' }, 'partner.mspId'],
        [{ mspId: 'Bad MSP', kind: 'dispenser' }, 'partner.mspId'],
        [{ mspId: 'PharmacyMSP', kind: 'wholesaler' }, 'partner.kind'],
        [{ mspId: 'PharmacyMSP', kind: 'dispenser', gln: '0614141000006' }, 'partner.gln'],
        [{ mspId: 'PharmacyMSP', kind: 'dispenser', gln: '614141' }, 'partner.gln'],
    ])('rejects %j naming %s', async (input, field) => {
        await expectRejected(h, () => h.submit(regulator(), 'supply:AuthorizePartner', [JSON.stringify(input)]), {
            code: 'INVALID_ARGUMENT',
            field,
        });
    });

    it.each([
        [{ mspId: 'ManufacturerMSP', role: 'admin', actorId: 'a' }],
        [{ mspId: 'RegulatorMSP', role: 'operator', actorId: 'o' }],
        [{ mspId: 'RegulatorMSP', role: 'inspector' }],
    ])('only an inspector or admin of the regulator authorises (%j is refused)', async (who) => {
        await expectRejected(
            h,
            () =>
                h.submit(h.identity(who), 'supply:AuthorizePartner', [
                    JSON.stringify({ mspId: 'DistributorMSP', kind: 'distributor' }),
                ]),
            { code: 'FORBIDDEN' },
        );
    });

    it('an unknown partner is NOT_FOUND', async () => {
        await expect(h.evaluate(regulator(), 'supply-trace:GetPartner', ['NobodyMSP'])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });
});

describe('products', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
    });

    it('the manufacturer registers a product it then owns, readable by anyone', async () => {
        const r = await w.h.submit(w.manufacturer, 'supply:RegisterProduct', [product()]);
        const registered = r.json<Product>();
        expect(registered).toMatchObject({
            gtin: OtherGtin,
            name: 'Ibuprofen',
            manufacturer: 'ManufacturerMSP',
            txId: r.txId,
        });
        expect(r.event).toEqual({ name: 'supply.ProductRegistered', payload: registered });
        const read = await w.h.evaluate(w.physician, 'supply-trace:GetProduct', [OtherGtin]);
        expect(read.json()).toEqual(registered);
    });

    it('a bad GTIN check digit is a clear error and changes nothing', async () => {
        await expectRejected(
            w.h,
            () => w.h.submit(w.manufacturer, 'supply:RegisterProduct', [product('09506000134353')]),
            {
                code: 'INVALID_ARGUMENT',
                field: 'product.gtin',
                detail: 'GTIN-14 check digit must be 2, got 3',
            },
        );
    });

    it.each([
        [{ name: '' }, 'product.name'],
        [{ strength: 5 }, 'product.strength'],
        [{ dosageForm: 'x'.repeat(65) }, 'product.dosageForm'],
        [{ gtin: '123' }, 'product.gtin'],
    ])('rejects %j naming %s', async (override, field) => {
        const input = { ...JSON.parse(product()), ...override };
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:RegisterProduct', [JSON.stringify(input)]), {
            code: 'INVALID_ARGUMENT',
            field,
        });
    });

    it('a product is registered once', async () => {
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:RegisterProduct', [product(Gtin)]), {
            code: 'CONFLICT',
            field: 'product.gtin',
        });
    });

    it('only an authorised manufacturer registers products', async () => {
        await expectRejected(w.h, () => w.h.submit(w.distributor, 'supply:RegisterProduct', [product()]), {
            code: 'FORBIDDEN',
        });
        await expectRejected(w.h, () => w.h.submit(w.regulator, 'supply:RegisterProduct', [product()]), {
            code: 'FORBIDDEN',
        });
        await expectRejected(w.h, () => w.h.submit(w.physician, 'supply:RegisterProduct', [product()]), {
            code: 'FORBIDDEN',
        });
        const unauthorised = await ContractHarness.create();
        const operator = unauthorised.identity({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op' });
        await expectRejected(unauthorised, () => unauthorised.submit(operator, 'supply:RegisterProduct', [product()]), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('not an authorised trading partner'),
        });
    });

    it('an unknown product is NOT_FOUND', async () => {
        await expect(w.h.evaluate(w.physician, 'supply-trace:GetProduct', [OtherGtin])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });
});

describe('lots', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
    });

    it('the product’s manufacturer registers a lot with expiry and quantity, public to read', async () => {
        const r = await w.h.submit(w.manufacturer, 'supply:RegisterLot', [lot()]);
        const registered = r.json<Lot>();
        expect(registered).toMatchObject({
            gtin: Gtin,
            lot: 'LOT-B2',
            expiry: '281000',
            quantity: 50,
            manufacturer: 'ManufacturerMSP',
        });
        expect(r.event).toEqual({ name: 'supply.LotRegistered', payload: registered });
        const read = await w.h.evaluate(w.pharmacist, 'supply-trace:GetLot', [Gtin, 'LOT-B2']);
        expect(read.json()).toEqual(registered);
    });

    it.each([
        [{ lot: '' }, 'lot.lot'],
        [{ lot: 'L'.repeat(21) }, 'lot.lot'],
        [{ expiry: '281301' }, 'lot.expiry'],
        [{ expiry: '2028-10-01' }, 'lot.expiry'],
        [{ quantity: 0 }, 'lot.quantity'],
        [{ quantity: 10_000_001 }, 'lot.quantity'],
        [{ quantity: 1.5 }, 'lot.quantity'],
        [{ gtin: '09506000134353' }, 'lot.gtin'],
    ])('rejects %j naming %s', async (override, field) => {
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:RegisterLot', [lot(override)]), {
            code: 'INVALID_ARGUMENT',
            field,
        });
    });

    it('a lot is registered once, for a product that exists', async () => {
        await expectRejected(
            w.h,
            () => w.h.submit(w.manufacturer, 'supply:RegisterLot', [lot({ lot: LotNumber, expiry: Expiry })]),
            {
                code: 'CONFLICT',
                field: 'lot.lot',
            },
        );
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:RegisterLot', [lot({ gtin: OtherGtin })]), {
            code: 'NOT_FOUND',
        });
    });

    it("only the product's own manufacturer registers its lots", async () => {
        const rival = w.h.identity({ mspId: 'DistributorMSP', role: 'operator', actorId: 'op-d' });
        await expectRejected(w.h, () => w.h.submit(rival, 'supply:RegisterLot', [lot()]), { code: 'FORBIDDEN' });
        // Another authorised manufacturer still cannot register lots of a product it did not register.
        const h = await ContractHarness.create();
        const regulator = h.identity({ mspId: 'RegulatorMSP', role: 'admin', actorId: 'reg' });
        const other = h.identity({ mspId: 'DistributorMSP', role: 'operator', actorId: 'op-2' });
        const maker = h.identity({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op-1' });
        await h.submit(regulator, 'supply:AuthorizePartner', [
            JSON.stringify({ mspId: 'ManufacturerMSP', kind: 'manufacturer' }),
        ]);
        await h.submit(regulator, 'supply:AuthorizePartner', [
            JSON.stringify({ mspId: 'DistributorMSP', kind: 'manufacturer' }),
        ]);
        await h.submit(maker, 'supply:RegisterProduct', [product(Gtin)]);
        await expectRejected(h, () => h.submit(other, 'supply:RegisterLot', [lot()]), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('only ManufacturerMSP, the manufacturer of'),
        });
    });

    it('an unknown lot is NOT_FOUND and a malformed one INVALID_ARGUMENT', async () => {
        await expect(w.h.evaluate(w.physician, 'supply-trace:GetLot', [Gtin, 'NOPE'])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
        await expect(w.h.evaluate(w.physician, 'supply-trace:GetLot', [Gtin, 'NO PE'])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'lot',
        });
    });
});
