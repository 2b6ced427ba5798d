import {
    call,
    commission,
    expectRejected,
    Gtin,
    LotNumber,
    supplyWorld,
    transfer,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { productDigitalLink } from './gs1';
import type { Lot, Unit, VerificationRecord, VerificationResult } from './types';
import { verdict } from './verification';

const at = new Date('2026-06-01T12:00:00Z');
const unitOnRecord: Unit = {
    gtin: Gtin,
    serial: 'S1',
    lot: 'L1',
    expiry: '271200',
    manufacturer: 'ManufacturerMSP',
    status: 'active',
    custodian: 'HospitalMSP',
    steps: 3,
    commissionedAt: '2026-01-01T00:00:00.000Z',
    commissionTxId: 'tx',
};
const lotOnRecord: Lot = {
    gtin: Gtin,
    lot: 'L1',
    expiry: '271200',
    quantity: 10,
    manufacturer: 'ManufacturerMSP',
    registeredAt: '2026-01-01T00:00:00.000Z',
    txId: 'tx',
};
const suspicion = { reason: 'r', since: '2026-05-01T00:00:00.000Z', by: 'HospitalMSP', txId: 't' };
const illegitimacy = { reason: 'r', confirmedAt: 'c', confirmedBy: 'RegulatorMSP', notifyBy: 'n', txId: 't' };
const recall = { recallClass: 'I' as const, reason: 'r', at: 'a', by: 'ManufacturerMSP', txId: 't' };

describe('verdict', () => {
    /** `unit: null` asks about a serial the ledger does not know. */
    const ask = (
        request: Partial<{ lot: string; expiry: string }>,
        unit: Partial<Unit> | null = {},
        lot: Partial<Lot> = {},
        when = at,
    ) =>
        verdict(
            { gtin: Gtin, serial: 'S1', ...request },
            unit ? { ...unitOnRecord, ...unit } : undefined,
            { ...lotOnRecord, ...lot },
            when,
        );

    it('verifies a matching identifier, comparing expiries as calendar dates', () => {
        expect(ask({ lot: 'L1', expiry: '271200' })).toEqual({
            request: { gtin: Gtin, serial: 'S1', lot: 'L1', expiry: '271200' },
            verified: true,
            verificationTimestamp: '2026-06-01T12:00:00.000Z',
        });
        expect(ask({ lot: 'L1', expiry: '271231' }).verified).toBe(true);
        expect(ask({}).verified).toBe(true);
    });

    it.each([
        [{ lot: 'L2', expiry: '271200' }, 'No_match_GTIN_Serial_Lot'],
        [{ lot: 'L1', expiry: '271130' }, 'No_match_GTIN_Serial_Expiry'],
        [{ lot: 'L2', expiry: '280101' }, 'No_match_GTIN_Serial_Lot_Expiry'],
        [{ lot: 'L2' }, 'No_match_GTIN_Serial_Lot'],
    ])('%j does not match: %s', (request, reason) => {
        expect(ask(request)).toMatchObject({ verified: false, verificationFailureReason: reason });
    });

    it('an unknown GTIN + serial is No_match_GTIN_Serial, with nothing else disclosed', () => {
        expect(ask({ lot: 'L1' }, null)).toEqual({
            request: { gtin: Gtin, serial: 'S1', lot: 'L1' },
            verified: false,
            verificationFailureReason: 'No_match_GTIN_Serial',
            verificationTimestamp: '2026-06-01T12:00:00.000Z',
        });
    });

    it('a unit out of commerce is Not_for_re-distribution', () => {
        expect(ask({}, { status: 'dispensed' })).toMatchObject({
            verified: false,
            verificationFailureReason: 'Not_for_re-distribution',
        });
        expect(ask({}, { status: 'decommissioned' })).toMatchObject({
            verificationFailureReason: 'Not_for_re-distribution',
        });
        expect(ask({ lot: 'L9' }, { status: 'dispensed' })).toMatchObject({
            verificationFailureReason: 'No_match_GTIN_Serial_Lot',
        });
    });

    it('adds the most serious condition: Illegitimate, Suspect, Recalled, Expired', () => {
        const expired = new Date('2028-01-01T00:00:00Z');
        expect(ask({}, {}, {}, new Date('2027-12-31T23:59:59Z')).additionalInfo).toBeUndefined();
        expect(ask({}, {}, {}, expired).additionalInfo).toBe('Expired');
        expect(ask({}, {}, { recall }, expired).additionalInfo).toBe('Recalled');
        expect(ask({}, { suspect: suspicion }, { recall }).additionalInfo).toBe('Suspect');
        expect(ask({}, {}, { suspect: suspicion, recall }).additionalInfo).toBe('Suspect');
        expect(ask({}, { illegitimate: illegitimacy }, { suspect: suspicion }).additionalInfo).toBe('Illegitimate');
        expect(ask({}, {}, { illegitimate: illegitimacy }).additionalInfo).toBe('Illegitimate');
        expect(ask({ lot: 'L2' }, {}, { recall })).toMatchObject({ verified: false, additionalInfo: 'Recalled' });
    });
});

describe('verification on the ledger', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
        await commission(w, ['S1', 'S2']);
        await transfer(w, [unit('S1')], w.manufacturer, w.hospital);
    });
    const verify = async (who: Parameters<typeof call>[1], product: string) =>
        (await w.h.evaluate(who, 'supply-safety:VerifyProduct', [product])).json<VerificationResult>();

    it('gives the same verdict whoever asks, from any identifier form', async () => {
        const forms = [
            `(01)${Gtin}(17)291231(10)${LotNumber}(21)S1`,
            `01${Gtin}17291231` + `10${LotNumber}\u001d21S1`,
            productDigitalLink({ gtin: Gtin, serial: 'S1', lot: LotNumber, expiry: '291231' }),
            JSON.stringify({ gtin: Gtin, serial: 'S1', lot: LotNumber, expiry: '291231' }),
        ];
        const askers = [
            w.pharmacist,
            w.distributor,
            w.manufacturer,
            w.regulator,
            w.physician,
            w.h.identity({ mspId: 'HospitalMSP', role: 'patient', actorId: 'pat-1' }),
        ];
        const verdicts = [];
        for (const who of askers) {
            for (const form of forms) {
                verdicts.push(await verify(who, form));
            }
        }
        expect(new Set(verdicts.map((v) => JSON.stringify(v))).size).toBe(1);
        expect(verdicts[0]).toMatchObject({ verified: true });
    });

    it('answers wrong lot, unknown serial and recalled unit with their codes', async () => {
        expect(await verify(w.pharmacist, `(01)${Gtin}(17)291231(10)WRONG(21)S1`)).toMatchObject({
            verified: false,
            verificationFailureReason: 'No_match_GTIN_Serial_Lot',
        });
        expect(await verify(w.pharmacist, `(01)${Gtin}(17)291231(10)${LotNumber}(21)UNKNOWN`)).toMatchObject({
            verified: false,
            verificationFailureReason: 'No_match_GTIN_Serial',
        });
        await call(w, w.manufacturer, 'supply-safety:RecallLot', {
            gtin: Gtin,
            lot: LotNumber,
            recallClass: 'II',
            reason: 'label',
        });
        expect(await verify(w.pharmacist, `(01)${Gtin}(17)291231(10)${LotNumber}(21)S1`)).toMatchObject({
            verified: true,
            additionalInfo: 'Recalled',
        });
    });

    it('answers Expired by the transaction date', async () => {
        w.h.setTime('2030-01-01T00:00:00Z');
        expect(await verify(w.pharmacist, `(01)${Gtin}(21)S2`)).toMatchObject({
            verified: true,
            additionalInfo: 'Expired',
        });
    });

    it('rejects malformed identifiers and containers clearly', async () => {
        await expect(verify(w.pharmacist, `(01)09506000134353(21)S1`)).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'product.gtin',
            detail: 'GTIN-14 check digit must be 2, got 3',
        });
        await expect(verify(w.pharmacist, `(00)006141410000000012`)).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'product',
        });
        await expect(
            verify(w.pharmacist, JSON.stringify({ gtin: Gtin, serial: 'S1', expiry: '291301' })),
        ).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'product.expiry',
        });
        await expect(verify(w.pharmacist, 'hello')).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'product',
        });
    });

    it('a trading partner records a verification (saleable return) without touching the unit', async () => {
        const before = w.h.getState<Unit>(w.h.key('supply.unit', Gtin, 'S1'));
        const r = await w.h.submit(w.hospital, 'supply-safety:RecordVerification', [
            JSON.stringify({ product: `(01)${Gtin}(17)291231(10)${LotNumber}(21)S1`, context: 'dscsaSaleableReturn' }),
        ]);
        const record = r.json<VerificationRecord>();
        expect(record).toMatchObject({
            verified: true,
            context: 'dscsaSaleableReturn',
            requester: { mspId: 'HospitalMSP', actorId: 'hosp-admin' },
            txId: r.txId,
        });
        expect(r.event).toEqual({ name: 'supply.VerificationRecorded', payload: record });
        expect(w.h.getState(w.h.key('supply.verification', Gtin, 'S1', '2026-01-01T00:00:00.000Z', r.txId))).toEqual(
            record,
        );
        expect(w.h.getState<Unit>(w.h.key('supply.unit', Gtin, 'S1'))).toEqual(before);
    });

    it('recording needs a trading partner and a known context', async () => {
        const input = { product: { gtin: Gtin, serial: 'S1' }, context: 'dscsaSaleableReturn' };
        await expectRejected(w.h, () => call(w, w.physician, 'supply-safety:RecordVerification', input), {
            code: 'FORBIDDEN',
        });
        await expectRejected(w.h, () => call(w, w.regulator, 'supply-safety:RecordVerification', input), {
            code: 'FORBIDDEN',
        });
        await expectRejected(
            w.h,
            () => call(w, w.hospital, 'supply-safety:RecordVerification', { ...input, context: 'curiosity' }),
            {
                code: 'INVALID_ARGUMENT',
                field: 'verification.context',
            },
        );
        await expectRejected(
            w.h,
            () => call(w, w.hospital, 'supply-safety:RecordVerification', { context: 'dscsaSaleableReturn' }),
            {
                code: 'INVALID_ARGUMENT',
                field: 'verification.product',
            },
        );
    });
});
