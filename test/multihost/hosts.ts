import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

/**
 * The multi-host test's hosts: each org in its own network namespace, as its own Unix user,
 * in its own home (test/multihost/hosts.sh makes them), running network/org/org.sh. Orgs
 * exchange files only through the mail folder.
 */
export const root = path.resolve(__dirname, '..', '..');
const hostsScript = path.join(__dirname, 'hosts.sh');
const orgScript = path.join(root, 'network', 'org', 'org.sh');
/** org.sh's readiness waits: generous, for a shared 2-core machine (no assertion depends on it). */
const env = { ...process.env, CARELEDGER_TIMEOUT: process.env.CARELEDGER_TIMEOUT ?? '180' };

export interface Run {
    status: number;
    output: string;
}

export class Hosts {
    constructor(
        readonly dir: string,
        readonly addresses: Record<string, string>,
    ) {}

    get mail(): string {
        return path.join(this.dir, 'mail');
    }

    /** The org's home as its user sees it (org.sh's CARELEDGER_ORG_HOME). */
    home(org: string): string {
        return path.join(this.dir, 'hosts', org, 'careledger');
    }

    static available(): { ok: boolean; why: string } {
        const result = spawnSync('bash', [hostsScript, 'check'], { encoding: 'utf8' });
        return { ok: result.status === 0, why: `${result.stdout}${result.stderr}`.trim() };
    }

    up(): void {
        const specs = Object.entries(this.addresses).map(([org, address]) => `${org}=${address}`);
        hostsSync('up', this.dir, ...specs);
    }

    down(): void {
        for (const org of Object.keys(this.addresses)) {
            this.run(org, 'bash', orgScript, 'stop');
        }
        spawnSync('bash', [hostsScript, 'down', this.dir, ...Object.keys(this.addresses)], { encoding: 'utf8' });
    }

    /** COMMAND on ORG's host as ORG's user (synchronous). */
    run(org: string, ...command: string[]): Run {
        const result = spawnSync('bash', [hostsScript, 'as', org, ...command], {
            env,
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
        });
        return { status: result.status ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
    }

    /** org.sh VERB ARGS on ORG's host; the promise rejects with the output when it fails. */
    org(org: string, ...args: string[]): Promise<string> {
        return this.orgRun(org, ...args).then((run) => {
            if (run.status !== 0) {
                throw new Error(`${org}: org.sh ${args.join(' ')} failed (exit ${run.status}):\n${run.output}`);
            }
            return run.output;
        });
    }

    /** org.sh VERB ARGS on ORG's host, whatever its exit status. */
    orgRun(org: string, ...args: string[]): Promise<Run> {
        return new Promise((resolve) => {
            const child = spawn('bash', [hostsScript, 'as', org, 'bash', orgScript, ...args], { env });
            let output = '';
            child.stdout.on('data', (d: Buffer) => (output += d.toString()));
            child.stderr.on('data', (d: Buffer) => (output += d.toString()));
            child.on('close', (status) => resolve({ status: status ?? -1, output }));
        });
    }

    cut(org: string): void {
        hostsSync('cut', org);
    }

    restore(org: string): void {
        hostsSync('restore', org);
    }

    pids(org: string): number[] {
        const result = spawnSync('bash', [hostsScript, 'pids', org], { encoding: 'utf8' });
        return result.stdout
            .split('\n')
            .filter(Boolean)
            .map((pid) => Number(pid));
    }

    /** Every file path each process of ORG's namespace has open, with the process's uid. */
    openFiles(org: string): Array<{ pid: number; uid: number; files: string[] }> {
        return this.pids(org).flatMap((pid) => {
            try {
                const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
                const files = readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
                    try {
                        return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
                    } catch {
                        return [];
                    }
                });
                return [{ pid, uid, files }];
            } catch {
                return []; // exited meanwhile
            }
        });
    }

    /** The org's application: the gateway library on its own host (test/multihost/org-client.js). */
    client(org: string): OrgClient {
        const child = spawn('bash', [
            hostsScript,
            'as',
            org,
            'env',
            'CARELEDGER_LEDGER=fabric',
            `CARELEDGER_NETWORK_DIR=${path.join(this.home(org), 'organizations')}`,
            `CARELEDGER_DATA_DIR=${path.join(this.home(org), 'data', 'client')}`,
            'node',
            path.join(__dirname, 'org-client.js'),
        ]);
        return new OrgClient(org, child);
    }
}

function hostsSync(...args: string[]): void {
    const result = spawnSync('bash', [hostsScript, ...args], { encoding: 'utf8' });
    if (result.status !== 0) {
        throw new Error(`hosts.sh ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    }
}

export class CallError extends Error {
    constructor(
        message: string,
        readonly code: string | undefined,
    ) {
        super(message);
    }
}

/** Requests to one org's application, answered over its stdin/stdout. */
export class OrgClient {
    private next = 0;
    private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    private stderr = '';

    constructor(
        readonly org: string,
        private readonly child: ChildProcessWithoutNullStreams,
    ) {
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
            if (!line.startsWith('{"id":')) {
                return; // a library's log line, not an answer
            }
            const answer = JSON.parse(line) as {
                id: number;
                ok: boolean;
                value?: unknown;
                error?: string;
                code?: string;
            };
            const waiter = this.waiting.get(answer.id);
            this.waiting.delete(answer.id);
            if (answer.ok) {
                waiter?.resolve(answer.value);
            } else {
                waiter?.reject(new CallError(`${org}: ${answer.error}`, answer.code));
            }
        });
        child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
        child.on('close', () => {
            for (const waiter of this.waiting.values()) {
                waiter.reject(new Error(`${org}'s client exited: ${this.stderr}`));
            }
            this.waiting.clear();
        });
    }

    call<T = unknown>(user: string, client: string, method: string, ...args: unknown[]): Promise<T> {
        const id = (this.next += 1);
        return new Promise<T>((resolve, reject) => {
            this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
            this.child.stdin.write(`${JSON.stringify({ id, user, client, method, args })}\n`);
        });
    }

    close(): void {
        this.child.stdin.end();
    }
}
