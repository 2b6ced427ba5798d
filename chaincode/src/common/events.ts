import type { Context } from 'fabric-contract-api';
import { toBytes } from './json';

/**
 * Chaincode events. Fabric keeps only the last event a transaction sets, so a second emit in
 * one transaction is a bug in the contract and fails loudly here instead of losing the first.
 * Event names are `<domain>.<PastTenseVerb>`, e.g. `ehr.ConsentGranted`; payloads carry ids,
 * codes and org names, never personal health information.
 */
const emitted = new WeakMap<object, string>();

export function emitEvent(ctx: Context, name: string, payload: object): void {
    const previous = emitted.get(ctx.stub);
    if (previous !== undefined) {
        throw new Error(`transaction already emitted ${previous}; Fabric delivers one event per transaction`);
    }
    emitted.set(ctx.stub, name);
    ctx.stub.setEvent(name, toBytes(payload));
}
