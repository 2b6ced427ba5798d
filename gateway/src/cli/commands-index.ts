import { CommanderError, type Command } from 'commander';
import { fromBytes } from '@careledger/chaincode';
import {
    HistoryQueries,
    HistoryReports,
    loadHistoryConfig,
    openOrgHistoryIndex,
    reportCsv,
    scopeOf,
    type HistoryIndex,
    type Viewer,
} from '../history';
import { LedgerError } from '../ledger';
import { gatewayStateDir } from '../server/state-dir';
import { openCliContext, type CliContext } from './context';
import { progress } from './progress';

/**
 * `careledger index ...`: the org's history index from the command line, over the same
 * database the gateway uses (CARELEDGER_HISTORY_DB, or PGlite in the gateway's state folder;
 * `--db` overrides). PGlite on disk and the embedded ledger admit one process at a time: stop the
 * gateway first, or point both at PostgreSQL.
 */
export function indexCommands(program: Command): void {
    const index = program
        .command('index')
        .description('history index: status, catch-up from the ledger, verify against it, query it')
        .option('--db <url>', 'postgres://... URL, PGlite folder or memory:// (default: as the gateway)');

    index
        .command('status')
        .description("the index's state, heights and lag")
        .action(
            withIndex(async (context, history) => {
                context.print(
                    await history.status(),
                    (s: {
                        database: string;
                        indexedHeight: number;
                        ledgerHeight?: number;
                        lag?: number;
                        state: string;
                    }) =>
                        `${s.database}: ${s.indexedHeight} blocks indexed, ledger ${s.ledgerHeight ?? '?'} (lag ${s.lag ?? '?'}), ${s.state}`,
                );
            }),
        );

    index
        .command('catch-up')
        .description('ingest every block the ledger holds now, with a progress bar')
        .action(
            withIndex(async (context, history) => {
                const start = await history.store.height();
                let bar: ReturnType<typeof progress> | undefined;
                let shown = start;
                const status = await history.catchUp((indexed, target) => {
                    bar ??= progress(target - start, 'catching up', context.options);
                    bar.tick(indexed - shown);
                    shown = indexed;
                });
                bar?.stop();
                if (status.state === 'broken') {
                    throw new LedgerError('CONFLICT', `the index and the ledger do not link: ${status.lastError}`);
                }
                context.print(
                    { ...status, ingestedBlocks: status.indexedHeight - start },
                    (s: { indexedHeight: number; ingestedBlocks: number }) =>
                        `indexed ${s.ingestedBlocks} blocks; the index holds ${s.indexedHeight}`,
                );
            }),
        );

    index
        .command('verify')
        .description('compare every indexed block with the ledger; exit 1 at the first difference')
        .action(
            withIndex(async (context, history) => {
                let bar: ReturnType<typeof progress> | undefined;
                const report = await history.verify({
                    onProgress: (_checked, total) => {
                        bar ??= progress(total, 'verifying', context.options);
                        bar.tick();
                    },
                });
                bar?.stop();
                context.print(report, (r: typeof report) =>
                    r.ok
                        ? `ok: ${r.checkedBlocks} blocks match the ledger`
                        : `DIFFERS at block ${r.firstDifference?.blockNumber}: ${r.firstDifference?.reason}`,
                );
                if (!report.ok) {
                    // Exit 1 through run()'s return value: process.exitCode would be overwritten by it.
                    throw new CommanderError(1, 'careledger.index.differs', 'the index differs from the ledger');
                }
            }),
        );

    index
        .command('query')
        .argument('<question>', `one of ${Object.keys(questions).join(', ')}, or report:<name>`)
        .argument('[fields...]', 'field=value pairs, e.g. gtin=09506000134352 lot=L1 (as the REST query string)')
        .description('ask the index as --user (the same access rules as the REST API)')
        .action(
            withIndex(async (context, history, question: string, fields: string[]) => {
                const query = Object.fromEntries(
                    fields.map((pair) => {
                        const at = pair.indexOf('=');
                        if (at < 1) {
                            throw new LedgerError('INVALID_ARGUMENT', `expected field=value, got "${pair}"`, {
                                field: pair,
                            });
                        }
                        return [pair.slice(0, at), pair.slice(at + 1)];
                    }),
                );
                const session = await context.session();
                const viewer = fromBytes<Viewer>(await session.evaluate({ contract: 'system', name: 'WhoAmI' }));
                const scope = scopeOf(viewer);
                if (question.startsWith('report:')) {
                    const report = await new HistoryReports(history.db).build(question.slice(7), scope, query);
                    const format = query.format ?? 'json';
                    process.stdout.write(
                        format === 'csv'
                            ? reportCsv(report)
                            : format === 'svg'
                              ? `${report.svg}\n`
                              : `${JSON.stringify({ ...report, svg: undefined }, null, context.options.json ? 0 : 2)}\n`,
                    );
                    return;
                }
                const ask = questions[question];
                if (!ask) {
                    throw new LedgerError(
                        'INVALID_ARGUMENT',
                        `no question ${question}; questions: ${Object.keys(questions).join(', ')}`,
                        { field: 'question' },
                    );
                }
                context.print(await ask(new HistoryQueries(history.db), scope, query));
            }),
        );
}

type Ask = (q: HistoryQueries, scope: ReturnType<typeof scopeOf>, query: Record<string, unknown>) => Promise<unknown>;

const questions: Record<string, Ask> = {
    transactions: (q, s, query) => q.transactions(s, query),
    key: (q, s, query) => q.keyAt(s, query),
    custody: (q, s, query) => q.custody(s, query),
    lot: (q, s, query) => q.lotWhereabouts(s, query),
    recalls: (q, s, query) => q.recalls(s, query),
    'suspect-cases': (q, s, query) => q.suspectCases(s, query),
    audit: (q, s, query) => q.audit(s, query),
    'credential-misuse': (q, s, query) => q.credentialMisuse(s, query),
    'credential-issuance': (q, s, query) => q.credentialHistory(s, query),
};

/** Runs `body` with the org's history index open (migrated), closing it and the ledger afterwards. */
function withIndex<A extends unknown[]>(
    body: (context: CliContext, history: HistoryIndex, ...args: A) => Promise<void>,
) {
    return async (...args: unknown[]): Promise<void> => {
        const command = args[args.length - 1] as Command;
        const context = await openCliContext(command);
        try {
            const { db } = command.optsWithGlobals<{ db?: string }>();
            const config = loadHistoryConfig(
                context.config,
                gatewayStateDir(context.config.dataDir, context.config.org),
            );
            const history = await openOrgHistoryIndex(context.ledger, context.config, {
                databaseUrl: db ?? config.databaseUrl,
                user: config.user,
            });
            try {
                await body(context, history, ...(args.slice(0, -2) as A));
            } finally {
                await history.close();
            }
        } finally {
            await context.close();
        }
    };
}
