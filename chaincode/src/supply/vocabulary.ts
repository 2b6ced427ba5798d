import type { DecommissionReason, StepKind, SupplyBizStep, SupplyDisposition, SupplyStep } from './types';

/**
 * How each supply step reads in EPCIS 2.0 / CBV 2.0 terms. The gateway's exporter turns a
 * {@link SupplyStep} into an event with these, `eventID` {@link eventIdOf}, and `readPoint`,
 * `bizLocation`, `sourceList`, `destinationList` from the orgs ({@link orgUri}).
 */
export interface EpcisShape {
    eventType: SupplyStep['eventType'];
    action: SupplyStep['action'];
    bizStep: SupplyBizStep;
    disposition: SupplyDisposition;
}

const shapes: Record<Exclude<StepKind, 'decommission'>, EpcisShape> = {
    commission: { eventType: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
    pack: { eventType: 'AggregationEvent', action: 'ADD', bizStep: 'packing', disposition: 'in_progress' },
    unpack: { eventType: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', disposition: 'in_progress' },
    ship: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' },
    receive: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', disposition: 'active' },
    // The receiver refuses the delivery: the shipment is voided and custody stays with the sender.
    reject: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'void_shipping', disposition: 'active' },
    dispense: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'dispensing', disposition: 'dispensed' },
    recall: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'holding', disposition: 'recalled' },
    quarantine: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'holding', disposition: 'non_sellable_other' },
    clear: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'inspecting', disposition: 'active' },
    confirmIllegitimate: {
        eventType: 'ObjectEvent',
        action: 'DELETE',
        bizStep: 'decommissioning',
        disposition: 'inactive',
    },
};

const decommissionShapes: Record<DecommissionReason, EpcisShape> = {
    damaged: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'damaged' },
    destroyed: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'destroying', disposition: 'destroyed' },
    expired: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'expired' },
    stolen: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'stolen' },
    sample: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'inactive' },
    other: { eventType: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition: 'inactive' },
};

export function epcisShapeOf(kind: StepKind, reason?: DecommissionReason): EpcisShape {
    if (kind === 'decommission') {
        return decommissionShapes[reason ?? 'other'];
    }
    return shapes[kind];
}

/** EPCIS eventID of a step: the transaction id as a URN. */
export function eventIdOf(txId: string): string {
    return `urn:careledger:tx:${txId}`;
}

/** An org as an EPCIS party or location when it has no GLN: `urn:careledger:org:{mspId}`. */
export function orgUri(mspId: string): string {
    return `urn:careledger:org:${mspId}`;
}
