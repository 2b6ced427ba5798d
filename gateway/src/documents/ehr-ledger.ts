import type { ConsentPurpose, EhrCoding } from '@careledger/chaincode';
import { EhrClient } from '../ehr';
import { LedgerError } from '../ledger';
import type { DocumentLedger } from './service';

/**
 * Documents on the EHR contracts: storing registers a record pointer (SHA-256, size, media
 * type; the location goes to the custodian's private data), reading is the audited,
 * consent-checked `AccessRecord` followed by the custodian's location grant.
 */
export const ehrDocumentLedger: DocumentLedger = {
    async register(session, pointer, metadata, storeBytes) {
        const { record } = await new EhrClient(session).registerRecord(
            {
                id: String(metadata.recordId),
                patientId: String(metadata.patientId),
                type: metadata.type as EhrCoding,
                contentHash: pointer.sha256,
                ...(pointer.sha1 ? { contentSha1: pointer.sha1 } : {}),
                size: pointer.size,
                mediaType: pointer.contentType,
                location: pointer.uri,
            },
            { beforeLocation: storeBytes },
        );
        return { recordId: record.id };
    },

    async authorizeRead(session, recordId, purpose) {
        const { access, location } = await new EhrClient(session).readRecord(recordId, purpose as ConsentPurpose);
        if (!access.allowed || !location || !access.record) {
            throw new LedgerError(
                'FORBIDDEN',
                `access to record ${recordId} denied (${access.audit.outcomeDesc ?? 'no consent'}); audit ${access.audit.id}`,
            );
        }
        return {
            sha256: location.contentHash,
            size: access.record.size,
            contentType: location.mediaType,
            location: location.location,
            auditId: access.audit.id,
        };
    },
};
