import { LedgerError } from '../../ledger';
import type { DocumentLedger } from '../../documents';

/** Replaced by the EHR client's pointer registration and audited access once it lands. */
export const ehrDocumentLedger: DocumentLedger = {
    async register() {
        throw new LedgerError('UNAVAILABLE', 'EHR document registration is not available yet');
    },
    async authorizeRead() {
        throw new LedgerError('UNAVAILABLE', 'EHR document access is not available yet');
    },
};
