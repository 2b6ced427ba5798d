/**
 * Bounds on what one transaction may do. Fabric rejects a transaction whose envelope exceeds
 * the orderer's AbsoluteMaxBytes (10 MB in network/configtx/configtx.yaml) and aborts chaincode
 * that runs longer than the peer's execute timeout (30 s); update transactions also may not use
 * paginated queries, so every scan here is bounded. How the numbers were chosen is in README.md
 * ("Bulk limits"), measured by batch-size.test.ts.
 */

/** Serials one CommissionUnits transaction may commission. */
export const MaxCommissionBatch = 5_000;

/** Units and containers one move (pack, unpack, ship, receive, reject) may touch, all levels counted. */
export const MaxObjectsPerMove = 5_000;

/**
 * Product identifiers one VerifyProducts query answers: two batched reads of at most this many
 * keys, an answer of ~0.3 KB each (~300 KB, far below gRPC's 100 MB), well inside the 30 s timeout.
 */
export const MaxVerifyBatch = 1_000;

/** Units a lot may be registered for. */
export const MaxLotQuantity = 10_000_000;

/** Commissioning batches a lot may have (CommissionUnits sums them; a bounded, non-paginated read). */
export const MaxBatchesPerLot = 5_000;

/** Nesting of containers: a pallet of cases of units is 2 container levels. */
export const MaxContainerDepth = 3;

/** EPCs an event payload lists; the step record keeps them all. */
export const MaxEventEpcs = 100;

/** Free-text reasons (recall, quarantine, rejection): short, and never personal data. */
export const MaxReasonLength = 500;

/** A suspect investigation open longer than this is overdue for notification (DSCSA: 24 hours). */
export const SuspectNotificationMs = 24 * 60 * 60 * 1000;
