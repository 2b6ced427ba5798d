import { fromBytes, mayReceiveEhrEvent, type EventReader } from '@careledger/chaincode';
import { LedgerError, type LedgerEvent, type LedgerSession } from '../ledger';
import { eventToJson } from './event-json';

/**
 * Which events a stream's reader receives: the EHR contract's rule ({@link mayReceiveEhrEvent}),
 * applied to every stream the gateway serves (SSE and webhooks). The reader's role and actor id
 * come from the chaincode (system:WhoAmI reads them from the certificate), and whether a patient
 * reader is enrolled with their own MSP from the EHR contract (ehr:ListDelegates answers only for
 * such a patient) — asked once when the stream opens.
 */
export async function eventReaderOf(session: LedgerSession): Promise<EventReader> {
    const who = fromBytes<{ mspId: string; role?: string; actorId?: string }>(
        await session.evaluate({ contract: 'system', name: 'WhoAmI' }),
    );
    const reader: EventReader = { mspId: who.mspId, role: who.role, actorId: who.actorId };
    if (who.role === 'patient') {
        try {
            await session.evaluate({ contract: 'ehr', name: 'ListDelegates', args: ['1', ''] });
            reader.patientEnrolledHere = true;
        } catch (error) {
            if (!(error instanceof LedgerError) || !['FORBIDDEN', 'NOT_FOUND'].includes(error.code)) {
                throw error;
            }
        }
    }
    return reader;
}

/** Whether `reader` may receive `event`. */
export function readerMayReceive(reader: EventReader, event: LedgerEvent): boolean {
    return mayReceiveEhrEvent(reader, event.eventName, eventToJson(event).payload);
}
