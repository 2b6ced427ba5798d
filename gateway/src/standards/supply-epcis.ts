import { supply } from '@careledger/chaincode';
import type { Disposition, EpcisEventInput, SourceDestination } from './epcis';
import { consortiumGlns, type GlnDirectory } from './gln-directory';
import { lgtinUri } from './gs1';

/**
 * How the steps the supply contract records read as EPCIS 2.0 events (the full mapping is
 * docs/standards/epcis.md): eventID the CBV 2.0 event hash of the event; eventTime =
 * recordTime = the transaction time; readPoint the recording org's site (SGLN, AI 414);
 * bizLocation that site too, except while objects are in transit or have left the supply
 * chain to a patient; sourceList/destinationList the sending and receiving orgs as
 * owning_party and possessing_party (party GLN, AI 417) and location (their site's GLN).
 * A step that names no objects (lot-level recalls and suspicions) lists its lots as
 * quantities of the lot's class (LGTIN).
 */
export function epcisEventOfStep(step: supply.SupplyStep): EpcisEventInput {
    return epcisEventWithGlns(step, consortiumGlns());
}

/** {@link epcisEventOfStep} with another GLN directory (tests, other consortia). */
export function epcisEventWithGlns(step: supply.SupplyStep, glns: GlnDirectory): EpcisEventInput {
    const site = glns.siteUri(step.actor.mspId);
    const ends = (mspId: string): SourceDestination[] => [
        { type: 'owning_party', id: glns.partyUri(mspId) },
        { type: 'possessing_party', id: glns.partyUri(mspId) },
        { type: 'location', id: glns.siteUri(mspId) },
    ];
    const leftTheSite = step.disposition === 'in_transit' || step.disposition === 'dispensed';
    const common = {
        eventTime: step.at,
        bizStep: step.bizStep,
        disposition: step.disposition as Disposition,
        readPoint: site,
        bizLocation: leftTheSite ? undefined : site,
        sources: step.from ? ends(step.from) : undefined,
        destinations: step.to ? ends(step.to) : undefined,
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

/** Lot-level steps (recall, quarantine, clearance, confirmation of a whole lot) name no units. */
export function isLotLevelStep(step: supply.SupplyStep): boolean {
    return step.epcs.length === 0 && step.kind !== 'commission';
}
