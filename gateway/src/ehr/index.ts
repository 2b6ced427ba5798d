export {
    documentDigest,
    EhrClient,
    type BreakGlassResult,
    type NewRecord,
    type PageRequest,
    type RecordAmendment,
    type RecordRead,
    type EhrClientOptions,
    type RegisteredRecord,
    type RegisteredRecords,
} from './client';
export {
    FilePendingPointerJournal,
    type PendingIntent,
    type PendingLocation,
    type PendingPointerJournal,
} from './pending-journal';
export { completePendingPointers, flaggedPointers, type RecoveryReport } from './recovery';
