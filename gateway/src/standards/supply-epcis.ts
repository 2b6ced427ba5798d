import { supply } from '@careledger/chaincode';
import type { Disposition, EpcisEventInput } from './epcis';
import { lgtinUri } from './gs1';

/**
 * How the steps the supply contract records read as EPCIS 2.0 events: eventID
 * `urn:careledger:tx:<txId>`, eventTime = recordTime = the transaction time, readPoint and
 * bizLocation the recording org, source and destination the owning parties. A step that
 * names no objects (commissioning, lot-level recalls) lists its lots as quantities.
 */
export function epcisEventOfStep(step: supply.SupplyStep): EpcisEventInput {
    const org = (mspId: string) => supply.orgUri(mspId);
    const common = {
        eventId: supply.eventIdOf(step.txId),
        eventTime: step.at,
        bizStep: step.bizStep,
        disposition: step.disposition as Disposition,
        readPoint: org(step.actor.mspId),
        bizLocation: org(step.actor.mspId),
        sources: step.from ? [{ type: 'owning_party' as const, id: org(step.from) }] : undefined,
        destinations: step.to ? [{ type: 'owning_party' as const, id: org(step.to) }] : undefined,
    };
    if (step.eventType === 'AggregationEvent' && step.parent) {
        return {
            ...common,
            type: 'AggregationEvent',
            action: step.action,
            parentId: step.parent,
            childEpcs: step.epcs,
        };
    }
    const [firstLot] = step.lots;
    const adds = step.action === 'ADD' && firstLot !== undefined;
    return {
        ...common,
        type: 'ObjectEvent',
        action: step.action,
        epcs: step.epcs.length > 0 ? step.epcs : undefined,
        quantities:
            step.epcs.length > 0
                ? undefined
                : step.lots.map((lot) => ({ epcClass: lgtinUri(lot.gtin, lot.lot), quantity: lot.quantity })),
        lotNumber: adds && step.lots.length === 1 ? firstLot.lot : undefined,
        expirationDate: adds && step.lots.length === 1 ? supply.gs1.expiryToIsoDate(firstLot.expiry) : undefined,
    };
}
