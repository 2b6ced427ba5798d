import { saltedDigest, type CustodianViewOfRecord } from '@careledger/chaincode';
import { LedgerError, type LedgerSession } from '../ledger';
import { EhrClient } from './client';
import type { FilePendingPointerJournal, PendingIntent, PendingLocation } from './pending-journal';

/** What one recovery pass did with the journal's intents. */
export interface RecoveryReport {
    /** Record ids whose location this pass stored. */
    completed: string[];
    /** Record ids needing nothing: the location had committed, or the pointer never did (or is not ours). */
    settled: string[];
    /** Record ids that cannot be completed; the intent stays, flagged, for the custodian to cancel. */
    flagged: Array<{ recordId: string; reason: string }>;
    /** Record ids left for the next pass: the ledger was unreachable. */
    deferred: string[];
}

const retryable = new Set(['UNAVAILABLE', 'TIMEOUT', 'MVCC_CONFLICT', 'INTERNAL', 'ENDORSEMENT_FAILURE']);

/**
 * Completes what a gateway that stopped between a pointer and its location left in the journal:
 * for each intent not yet flagged, signs as the clinician who began it, asks the ledger which of
 * its pointers committed and still wait (pending, with the digest of this very location), and
 * stores their locations in one custodian-only transaction. A pointer that never committed, or
 * whose location committed meanwhile, needs nothing. A refusal (the clinician's licence lapsed,
 * the key is gone, the record was erased) flags the intent: the pointer stays pending, listed by
 * `GET /ehr/records/pending` with the reason, until the custodian cancels it. An unreachable
 * ledger leaves the intent for the next start.
 */
export async function completePendingPointers(
    journal: FilePendingPointerJournal,
    sessionOf: (org: string, user: string) => Promise<LedgerSession>,
): Promise<RecoveryReport> {
    const report: RecoveryReport = { completed: [], settled: [], flagged: [], deferred: [] };
    for (const intent of await journal.intents()) {
        if (intent.flagged) {
            continue;
        }
        const ids = intent.locations.map((l) => l.recordId);
        try {
            const client = new EhrClient(await sessionOf(intent.org, intent.user));
            const waiting: PendingLocation[] = [];
            for (const location of intent.locations) {
                const record = await pointerOf(client, location.recordId);
                const ours =
                    record &&
                    'locationDigest' in record &&
                    record.locationDigest === saltedDigest(location.salt, location.location);
                if (record?.pending && ours) {
                    waiting.push(location);
                } else {
                    report.settled.push(location.recordId);
                }
            }
            if (waiting.length === 1) {
                await client.storeRecordLocation(waiting[0].recordId, waiting[0].location, waiting[0].salt);
            } else if (waiting.length > 1) {
                await client.storeRecordLocations(waiting);
            }
            report.completed.push(...waiting.map((l) => l.recordId));
            await journal.remove(intent.id);
        } catch (error) {
            const code = error instanceof LedgerError ? error.code : undefined;
            if (code !== undefined && retryable.has(code)) {
                report.deferred.push(...ids);
                continue;
            }
            const reason = error instanceof Error ? error.message : String(error);
            await journal.flag(intent, reason);
            report.flagged.push(...ids.map((recordId) => ({ recordId, reason })));
        }
    }
    return report;
}

/** The pointer as the custodian's staff see it (with `pending`), or undefined when it never committed. */
async function pointerOf(client: EhrClient, recordId: string): Promise<CustodianViewOfRecord | undefined> {
    try {
        return (await client.getRecord(recordId)) as CustodianViewOfRecord;
    } catch (error) {
        if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
            return undefined;
        }
        throw error;
    }
}

/** Flagged intents of one org, as the custodian may see them: record ids and reasons, never locations. */
export async function flaggedPointers(
    journal: FilePendingPointerJournal,
    org: string,
): Promise<Array<{ recordId: string; reason: string; at: string }>> {
    return (await journal.intents())
        .filter((intent): intent is PendingIntent & { flagged: NonNullable<PendingIntent['flagged']> } =>
            Boolean(intent.org === org && intent.flagged),
        )
        .flatMap((intent) =>
            intent.locations.map((l) => ({
                recordId: l.recordId,
                reason: intent.flagged.reason,
                at: intent.flagged.at,
            })),
        );
}
