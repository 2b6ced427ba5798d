import type { LedgerEvent } from '../ledger';
import { formatPosition } from './checkpoint-store';

/** An event as JSON for SSE, webhooks and the CLI. Payloads are JSON by contract convention. */
export interface EventJson {
    /** Resume position: pass back as `from` (or SSE Last-Event-ID) to continue after this event. */
    position: string;
    blockNumber: string;
    transactionId: string;
    eventName: string;
    payload: unknown;
}

export function eventToJson(event: LedgerEvent): EventJson {
    const text = Buffer.from(event.payload).toString('utf8');
    let payload: unknown = text;
    try {
        payload = JSON.parse(text);
    } catch {
        // Not JSON: deliver it as text.
    }
    return {
        position: formatPosition(event),
        blockNumber: event.blockNumber.toString(),
        transactionId: event.transactionId,
        eventName: event.eventName,
        payload,
    };
}
