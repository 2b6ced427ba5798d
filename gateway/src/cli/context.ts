import type { Command } from 'commander';
import { loadLedgerConfig, openLedger, type Ledger, type LedgerConfig, type LedgerSession } from '../ledger';
import { withRetry } from '../ledger/retry';

/** Options every command understands. */
export interface GlobalOptions {
    org?: string;
    user: string;
    json?: boolean;
}

/**
 * What a command runs with: the ledger chosen by the environment (as the server does), and a
 * session as `--user` of `--org`, an identity this operator's machine holds (MSP folder or
 * development CA). `close()` must be called so the process can exit.
 */
export interface CliContext {
    config: LedgerConfig;
    ledger: Ledger;
    options: GlobalOptions;
    session(): Promise<LedgerSession>;
    print(value: unknown, human?: (value: never) => string): void;
    close(): Promise<void>;
}

export async function openCliContext(command: Command): Promise<CliContext> {
    const options = command.optsWithGlobals<GlobalOptions>();
    const config = { ...loadLedgerConfig(), ...(options.org ? { org: options.org } : {}) };
    const ledger = await openLedger(config);
    let session: LedgerSession | undefined;
    return {
        config,
        ledger,
        options,
        async session() {
            session ??= withRetry(ledger.connect(await ledger.identities.get(config.org, options.user)));
            return session;
        },
        print(value, human) {
            const text =
                options.json || !human
                    ? JSON.stringify(value, bigintReplacer, options.json ? 0 : 2)
                    : human(value as never);
            process.stdout.write(`${text}\n`);
        },
        close: () => ledger.close(),
    };
}

export function bigintReplacer(_key: string, value: unknown): unknown {
    return typeof value === 'bigint' ? value.toString() : value;
}

/** Runs a command body with a context, always closing the ledger, and maps errors to exit codes. */
export function withContext(body: (context: CliContext, ...args: never[]) => Promise<void>) {
    return async (...args: unknown[]): Promise<void> => {
        const command = args[args.length - 1] as Command;
        const context = await openCliContext(command);
        try {
            await body(context, ...(args.slice(0, -1) as never[]));
        } finally {
            await context.close();
        }
    };
}
