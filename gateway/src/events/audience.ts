import * as x509 from '@peculiar/x509';
import { mayReceiveEhrEvent, supply, type EventReader } from '@careledger/chaincode';
import { LedgerError, type LedgerEvent, type LedgerSession, type SigningIdentity } from '../ledger';
import { eventToJson } from './event-json';

/** The extension in which Fabric CA (and the development CA) writes enrolment attributes. */
const fabricAttributesOid = '1.2.3.4.5.6.7.8.1';

/**
 * Which events a stream's reader receives: the EHR contract's rule ({@link mayReceiveEhrEvent}) and
 * the supply contract's (trade data: `supply.mayReceiveSupplyEvent`), applied to every stream the
 * gateway serves (SSE and webhooks). The reader's role and actor id
 * are the `careledger.role` / `careledger.id` attributes of the certificate the token was issued
 * for (what the chaincode trusts too). Whether a patient reader is enrolled with their own MSP
 * is asked of the EHR contract once per stream (ehr:ListDelegates answers only for such a
 * patient); a patient who signs offline (the key stays on their device, so the gateway cannot
 * ask as them) counts as enrolled here when the certificate is of this gateway's MSP.
 */
export async function eventReaderOf(session: LedgerSession, identity: SigningIdentity): Promise<EventReader> {
    const attributes = certificateAttributes(identity.certificate);
    const reader: EventReader = {
        mspId: identity.mspId,
        role: attributes['careledger.role'],
        actorId: attributes['careledger.id'],
    };
    if (reader.role === 'patient') {
        if (!identity.privateKey && !identity.signer) {
            reader.patientEnrolledHere = true;
            return reader;
        }
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

/** Whether `reader` may receive `event`: the EHR rule for EHR events, the trade-data rule for supply events. */
export function readerMayReceive(reader: EventReader, event: LedgerEvent): boolean {
    const { payload } = eventToJson(event);
    return (
        mayReceiveEhrEvent(reader, event.eventName, payload) &&
        supply.mayReceiveSupplyEvent(reader, event.eventName, payload)
    );
}

function certificateAttributes(pem: string): Record<string, string> {
    try {
        const extension = new x509.X509Certificate(pem).getExtension(fabricAttributesOid);
        if (!extension) {
            return {};
        }
        const parsed = JSON.parse(Buffer.from(extension.value).toString('utf8')) as { attrs?: Record<string, string> };
        return parsed.attrs ?? {};
    } catch {
        return {};
    }
}
