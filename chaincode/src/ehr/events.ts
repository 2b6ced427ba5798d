import type { Context } from 'fabric-contract-api';
import { emitEvent } from '../common';
import type { EhrEventName, EhrEventPayloads } from './types';

/** The one event of an EHR transaction, its payload checked against the event's declared type. */
export function emitEhrEvent<N extends EhrEventName>(ctx: Context, name: N, payload: EhrEventPayloads[N]): void {
    emitEvent(ctx, name, payload);
}
