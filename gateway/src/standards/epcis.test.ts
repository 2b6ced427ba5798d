import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { toEpcisDocument, type EpcisEventInput } from './epcis';
import { epcisDocumentSchema } from './epcis-schema';
import { glnUri, lgtinUri, sgtinUri, ssccUri } from './gs1';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(epcisDocumentSchema);

const unit = sgtinUri('09506000134352', 'S1');
const caseId = ssccUri('106141411234567897');
const history: EpcisEventInput[] = [
    {
        type: 'ObjectEvent',
        eventId: 'urn:careledger:tx:t2',
        eventTime: '2026-05-02T10:00:00Z',
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcs: [caseId],
        readPoint: glnUri('0614141000005'),
        sources: [{ type: 'owning_party', id: 'urn:careledger:org:ManufacturerMSP' }],
        destinations: [{ type: 'owning_party', id: 'urn:careledger:org:DistributorMSP' }],
        bizTransactions: [{ type: 'desadv', id: 'urn:careledger:shipment:sh-1' }],
    },
    {
        type: 'ObjectEvent',
        eventId: 'urn:careledger:tx:t0',
        eventTime: '2026-05-01T09:00:00Z',
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcs: [unit],
        lotNumber: 'L42',
        expirationDate: '2027-03-31',
    },
    {
        type: 'AggregationEvent',
        eventId: 'urn:careledger:tx:t1',
        eventTime: '2026-05-01T09:30:00Z',
        action: 'ADD',
        bizStep: 'packing',
        parentId: caseId,
        childEpcs: [unit],
    },
    {
        type: 'ObjectEvent',
        eventId: 'urn:careledger:tx:t3',
        eventTime: '2026-05-03T10:00:00Z',
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'sellable_accessible',
        quantities: [{ epcClass: lgtinUri('09506000134352', 'L42'), quantity: 10 }],
    },
];

describe('EPCIS 2.0 export', () => {
    const document = toEpcisDocument(history, { creationDate: '2026-06-01T00:00:00.000Z' });

    it('validates against the EPCIS 2.0 JSON schema', () => {
        const valid = validate(document);
        expect(validate.errors ?? []).toEqual([]);
        expect(valid).toBe(true);
    });

    it('lists events in event-time order with the CBV terms and lot master data', () => {
        const events = (document.epcisBody as { eventList: Array<Record<string, unknown>> }).eventList;
        expect(events.map((e) => e.bizStep)).toEqual(['commissioning', 'packing', 'shipping', 'receiving']);
        expect(events[0]).toMatchObject({
            type: 'ObjectEvent',
            action: 'ADD',
            epcList: [unit],
            eventTimeZoneOffset: '+00:00',
            ilmd: { 'cbvmda:lotNumber': 'L42', 'cbvmda:itemExpirationDate': '2027-03-31' },
        });
        expect(events[1]).toMatchObject({ type: 'AggregationEvent', parentID: caseId, childEPCs: [unit] });
        expect(events[2]).toMatchObject({ readPoint: { id: 'https://id.gs1.org/414/0614141000005' } });
    });

    it('is caught by the schema when it breaks a rule of the standard', () => {
        const broken = toEpcisDocument([{ ...history[1], bizStep: 'teleporting' } as unknown as EpcisEventInput], {
            creationDate: '2026-06-01T00:00:00.000Z',
        });
        expect(validate(broken)).toBe(false);
        const ilmdOnObserve = toEpcisDocument([], { creationDate: '2026-06-01T00:00:00.000Z' });
        (ilmdOnObserve.epcisBody as { eventList: unknown[] }).eventList.push({
            type: 'ObjectEvent',
            eventTime: '2026-05-01T09:00:00Z',
            eventTimeZoneOffset: '+00:00',
            action: 'OBSERVE',
            epcList: [unit],
            ilmd: { 'cbvmda:lotNumber': 'L42' },
        });
        expect(validate(ilmdOnObserve)).toBe(false);
    });
});
