import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One location a registration still has to store: what StoreRecordLocation needs, nothing more. */
export interface PendingLocation {
    recordId: string;
    location: string;
    salt: string;
}

/**
 * A registration whose second step (the location) has not been seen to commit: written before the
 * pointer's submit, removed once the location committed or the pointer is known never to have
 * committed. `org` and `user` name the clinician whose key completes it.
 */
export interface PendingIntent {
    id: string;
    org: string;
    user: string;
    createdAt: string;
    locations: PendingLocation[];
    /** Set when completing it failed for a reason a retry cannot fix; the custodian decides (cancel). */
    flagged?: { reason: string; at: string };
}

/** What EhrClient needs of a journal: make an intent durable before the first submit, drop it after the last. */
export interface PendingPointerJournal {
    begin(locations: PendingLocation[]): Promise<string>;
    finish(intentId: string): Promise<void>;
}

/**
 * The gateway's durable intent journal of two-step pointer registrations: one JSON file per
 * intent in `dir`, written to a temporary name, fsynced and renamed, so a process killed at any
 * instant leaves either the whole intent or none. The files hold locations (private to the
 * custodian), so the folder and files are the gateway user's alone (0700 / 0600), beside the
 * org's document store; an intent lives only from the pointer's submit to its location's commit.
 */
export class FilePendingPointerJournal {
    constructor(private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    }

    /** The journal as one clinician's registrations write to it. */
    forUser(org: string, user: string): PendingPointerJournal {
        return {
            begin: async (locations) => {
                const intent: PendingIntent = {
                    id: randomBytes(12).toString('hex'),
                    org,
                    user,
                    createdAt: new Date().toISOString(),
                    locations,
                };
                await this.write(intent);
                return intent.id;
            },
            finish: (intentId) => this.remove(intentId),
        };
    }

    /** Every intent on disk, oldest first. */
    async intents(): Promise<PendingIntent[]> {
        const names = (await fs.promises.readdir(this.dir)).filter((name) => name.endsWith('.json'));
        const intents: PendingIntent[] = [];
        for (const name of names) {
            try {
                intents.push(
                    JSON.parse(await fs.promises.readFile(path.join(this.dir, name), 'utf8')) as PendingIntent,
                );
            } catch {
                // A file that does not parse was never renamed into place whole; nothing to complete.
            }
        }
        return intents.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    }

    async flag(intent: PendingIntent, reason: string): Promise<void> {
        await this.write({ ...intent, flagged: { reason, at: new Date().toISOString() } });
    }

    /** Drops a record from every intent (the custodian cancelled its pointer); an emptied intent goes. */
    async forgetRecord(recordId: string): Promise<void> {
        for (const intent of await this.intents()) {
            if (!intent.locations.some((l) => l.recordId === recordId)) {
                continue;
            }
            const locations = intent.locations.filter((l) => l.recordId !== recordId);
            if (locations.length === 0) {
                await this.remove(intent.id);
            } else {
                await this.write({ ...intent, locations });
            }
        }
    }

    async remove(intentId: string): Promise<void> {
        await fs.promises.rm(this.fileOf(intentId), { force: true });
    }

    private async write(intent: PendingIntent): Promise<void> {
        const file = this.fileOf(intent.id);
        const temporary = `${file}.${process.pid}.tmp`;
        const handle = await fs.promises.open(temporary, 'w', 0o600);
        try {
            await handle.writeFile(JSON.stringify(intent));
            await handle.sync();
        } finally {
            await handle.close();
        }
        await fs.promises.rename(temporary, file);
    }

    private fileOf(intentId: string): string {
        if (!/^[0-9a-f]{24}$/.test(intentId)) {
            throw new Error(`not a journal intent id: ${intentId}`);
        }
        return path.join(this.dir, `${intentId}.json`);
    }
}
