import type { BenchOptions } from '../options';
import type { Workload, WorkloadName } from '../workload';
import { verifyCredential } from './credentials';
import { accessRecord, grantConsent, registerEhrPointer } from './ehr';
import { ehrConsentsBulk, ehrPointers, ehrPointersBulk } from './ehr-bulk';
import { floorGet, floorPut } from './floor';
import { readModelVerifyCredential, readModelVerifyProduct } from './read-model';
import { commission, shipReceive, verifyProduct } from './supply';
import { bulkShipReceive, verifyList } from './supply-bulk';

/** Every workload by name, configured from the options. */
export function workloadsOf(options: BenchOptions): Record<WorkloadName, Workload> {
    return {
        'floor-put': floorPut,
        'floor-get': floorGet,
        'register-ehr-pointer': registerEhrPointer,
        'grant-consent': grantConsent,
        'access-record': accessRecord,
        commission: commission(options.commissionBatch, Math.max(...options.commissionLevels)),
        'ship-receive': shipReceive,
        'verify-product': verifyProduct,
        'verify-credential': verifyCredential,
        'bulk-ship-receive': bulkShipReceive(10, 100, Math.max(...options.bulkLevels)),
        'verify-list': verifyList,
        'ehr-pointers': ehrPointers,
        'ehr-pointers-bulk': ehrPointersBulk,
        'ehr-consents-bulk': ehrConsentsBulk,
        'read-model-verify-product': readModelVerifyProduct,
        'read-model-verify-credential': readModelVerifyCredential,
    };
}
