import { epcisEventHash, epcisPreHash } from './epcis-hash';
import { toEpcisEvent } from './epcis';

/**
 * GS1's reference examples for the CBV 2.0 event hash: events, pre-hash strings and hashes
 * from github.com/RalphTro/epcis-event-hash-generator (MIT), tests/examples
 * epcisDocWithShippingAndTransportingEvent.* and epcisDocWithVariousEventTypes.*. The
 * reference writes EPC URNs; the hash is syntax-agnostic, so the same events written as GS1
 * Digital Link URIs (as CareLedger emits them) must hash to the same values.
 */
describe('CBV 2.0 event hash against GS1 reference examples', () => {
    it('a shipping (departing) event with business transaction, source and destination', () => {
        const event = {
            type: 'ObjectEvent',
            eventTime: '2022-02-16T12:50:00.000+01:00',
            eventTimeZoneOffset: '+01:00',
            epcList: ['https://id.gs1.org/00/140123451122233341'],
            action: 'OBSERVE',
            bizStep: 'departing',
            readPoint: { id: 'https://id.gs1.org/414/4012345000221' },
            bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:ASN1099' }],
            sourceList: [{ type: 'possessing_party', source: 'https://id.gs1.org/417/4012345000009' }],
            destinationList: [{ type: 'possessing_party', destination: 'https://id.gs1.org/417/4023333000000' }],
        };
        expect(epcisPreHash(event)).toBe(
            'eventType=ObjectEventeventTime=2022-02-16T11:50:00.000ZeventTimeZoneOffset=+01:00epcListepc=https://id.gs1.org/00/140123451122233341action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departingreadPointid=https://id.gs1.org/414/4012345000221bizTransactionListtype=https://ref.gs1.org/cbv/BTT-desadvbizTransaction=urn:epcglobal:cbv:bt:4012345000009:ASN1099destinationListtype=https://ref.gs1.org/cbv/SDT-possessing_partydestination=https://id.gs1.org/417/4023333000000sourceListtype=https://ref.gs1.org/cbv/SDT-possessing_partysource=https://id.gs1.org/417/4012345000009',
        );
        expect(epcisEventHash(event)).toBe(
            'ni:///sha-256;7a82a68b0f9c78bebb1c729d950edbf1fd40c56f3351906020d2d67d5dffbc72?ver=CBV2.0',
        );
    });

    it('a commissioning event with a quantity of a lot and ILMD', () => {
        const event = {
            type: 'ObjectEvent',
            eventTime: '2019-10-21T14:58:56.000+02:00',
            eventTimeZoneOffset: '+02:00',
            quantityList: [{ epcClass: 'https://id.gs1.org/01/04054739999148/10/20160711', quantity: 600, uom: 'KGM' }],
            action: 'ADD',
            bizStep: 'commissioning',
            readPoint: { id: 'https://id.gs1.org/414/4054739000011' },
            ilmd: { 'cbvmda:bestBeforeDate': '2019-10-21' },
        };
        expect(epcisEventHash(event)).toBe(
            'ni:///sha-256;5f396ea5cb32fe4d0980cb79f5a5eb9640559e9f5a6cefa5c98a7d6ad554b50b?ver=CBV2.0',
        );
    });

    it('a packing event: children sorted as strings ("107" before "97")', () => {
        const event = {
            type: 'AggregationEvent',
            eventTime: '2019-10-21T11:58:56.591+02:00',
            eventTimeZoneOffset: '+02:00',
            parentID: 'https://id.gs1.org/00/040470231111111229',
            childEPCs: [98, 97, 107, 109].map((serial) => `https://id.gs1.org/01/04047023775511/21/${serial}`),
            action: 'ADD',
            bizStep: 'packing',
            readPoint: { id: 'https://id.gs1.org/414/4047023000125' },
        };
        expect(epcisEventHash(event)).toBe(
            'ni:///sha-256;c941e6486c561c2be83c28dc228c150eaef9a6befb1015e6cc563982fb7414b6?ver=CBV2.0',
        );
    });

    it('ignores eventID and recordTime, and changes with any hashed field', () => {
        const base = {
            type: 'ObjectEvent',
            eventTime: '2026-01-01T00:00:00.000Z',
            eventTimeZoneOffset: '+00:00',
            epcList: ['https://id.gs1.org/01/03135982116481/21/S1'],
            action: 'OBSERVE',
            bizStep: 'shipping',
        };
        const hash = epcisEventHash(base);
        expect(epcisEventHash({ ...base, eventID: 'urn:uuid:x', recordTime: '2027-01-01T00:00:00Z' })).toBe(hash);
        expect(epcisEventHash({ ...base, bizStep: 'receiving' })).not.toBe(hash);
        expect(epcisEventHash({ ...base, epcList: ['https://id.gs1.org/01/03135982116481/21/S2'] })).not.toBe(hash);
    });

    it('numbers in canonical form, as the reference (Python float) writes them', () => {
        const at = { type: 'ObjectEvent', eventTime: '2026-01-01T00:00:00Z', action: 'ADD' };
        const q = (quantity: unknown) =>
            epcisPreHash({
                ...at,
                quantityList: [{ epcClass: 'https://id.gs1.org/01/03135982116481/10/L1', quantity }],
            });
        expect(q('007')).toContain('quantity=7');
        expect(q('5.0')).toContain('quantity=5');
        expect(q(2.5)).toContain('quantity=2.5');
        expect(q('0.00001')).toContain('quantity=1e-05');
    });

    it('toEpcisEvent fills eventID with the hash when none is given', () => {
        const event = toEpcisEvent({
            type: 'ObjectEvent',
            action: 'OBSERVE',
            eventTime: '2026-01-01T00:00:00.000Z',
            bizStep: 'shipping',
            epcs: ['https://id.gs1.org/01/03135982116481/21/S1'],
        });
        expect(event.eventID).toBe(epcisEventHash(event));
        expect(event.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    });
});
