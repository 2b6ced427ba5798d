export {
    documentDigest,
    EhrClient,
    type BreakGlassResult,
    type NewRecord,
    type PageRequest,
    type RecordAmendment,
    type RecordRead,
    type RegisteredRecord,
} from './client';
