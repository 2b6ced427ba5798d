import { Command } from 'commander';
import * as path from 'node:path';
import { fromBytes } from '@careledger/chaincode';
import { TokenStore } from '../auth/token-store';
import { CheckpointedConsumer } from '../events/consumer';
import {
    FileCheckpointStore,
    MemoryCheckpointStore,
    parsePosition,
    type CheckpointStore,
} from '../events/checkpoint-store';
import { eventToJson } from '../events/event-json';
import { JsonLinesSink } from '../events/json-lines-sink';
import { isRelayed } from '../ledger';
import { gatewayStateDir } from '../server/state-dir';
import { loadOrCreateKey } from '../storage/sealing';
import { withContext } from './context';

/** Commands that need no domain contract: identity, ping, tokens, events, raw transactions. */
export function coreCommands(program: Command): void {
    program
        .command('whoami')
        .description('who the chaincode sees for --user of --org')
        .action(
            withContext(async (context) => {
                const session = await context.session();
                const caller = fromBytes(await session.evaluate({ contract: 'system', name: 'WhoAmI' }));
                context.print(
                    caller,
                    (c: { mspId: string; role?: string; actorId?: string }) =>
                        `${c.mspId} ${c.role ?? '-'} ${c.actorId ?? '-'}`,
                );
            }),
        );

    program
        .command('ping')
        .argument('<message>', 'up to 64 letters, digits, spaces, . _ -')
        .description('submit system:Ping: endorse, order, commit')
        .action(
            withContext(async (context, message: string) => {
                const outcome = await (
                    await context.session()
                ).submit({ contract: 'system', name: 'Ping', args: [message] });
                context.print(
                    {
                        transactionId: outcome.transactionId,
                        blockNumber: outcome.blockNumber,
                        result: fromBytes(outcome.result),
                    },
                    (o: { transactionId: string; blockNumber: bigint }) =>
                        `committed ${o.transactionId} in block ${o.blockNumber}`,
                );
            }),
        );

    program
        .command('invoke')
        .argument('<contract>', 'e.g. ehr')
        .argument('<transaction>', 'e.g. GetRecord')
        .argument('[args...]', 'string arguments')
        .option('-e, --evaluate', 'query only: nothing is ordered or committed')
        .option('-t, --transient <key=value...>', 'transient data (never stored in a block)')
        .description('run any transaction of the chaincode as --user')
        .action(
            withContext(
                async (
                    context,
                    contract: string,
                    name: string,
                    args: string[],
                    options: { evaluate?: boolean; transient?: string[] },
                ) => {
                    const transient = Object.fromEntries(
                        (options.transient ?? []).map((pair) => {
                            const at = pair.indexOf('=');
                            return [pair.slice(0, at), pair.slice(at + 1)];
                        }),
                    );
                    const request = { contract, name, args, transient };
                    const session = await context.session();
                    if (options.evaluate) {
                        context.print(parseResult(await session.evaluate(request)));
                        return;
                    }
                    const outcome = await session.submit(request);
                    context.print({
                        transactionId: outcome.transactionId,
                        blockNumber: outcome.blockNumber,
                        result: parseResult(outcome.result),
                    });
                },
            ),
        );

    const token = program.command('token').description("bearer tokens of this org's REST gateway");
    token
        .command('issue')
        .argument('<user>', 'an enrolled user of --org')
        .option('--offline', 'the user keeps the private key: the token carries the certificate only')
        .description("issue a REST token into the gateway's token store (bootstraps the first admin token)")
        .action(
            withContext(async (context, user: string, options: { offline?: boolean }) => {
                const { org, dataDir } = context.config;
                let issued: string;
                if (isRelayed(context.ledger)) {
                    // A running gateway holds the ledger and its token store: it issues the token.
                    ({ token: issued } = await context.ledger.extension<{ token: string }>('token-issue', {
                        org,
                        user,
                        offline: options.offline === true,
                    }));
                } else {
                    const identity = await context.ledger.identities.get(org, user);
                    issued = tokenStoreOf(dataDir, org).issue(org, user, identity, { offline: options.offline });
                }
                context.print({ org: context.config.org, user, token: issued }, (t: { token: string }) => t.token);
            }),
        );

    program
        .command('events')
        .option(
            '--from <position>',
            'start at <block>, after <block>:<txId>, or `now` (only new events); default: the saved checkpoint, else block 0',
        )
        .option(
            '--out <file>',
            'append events as JSON lines; the file is the checkpoint: rerun to resume exactly where it stopped',
        )
        .option('--checkpoint <file>', 'resume from and save to this checkpoint file (when printing to stdout)')
        .option('--names <prefixes>', 'comma-separated event-name prefixes, e.g. supply.,ehr.Consent')
        .option('--limit <n>', 'stop after n events', (v) => Number.parseInt(v, 10))
        .option('--max-rate <n>', 'deliver at most n events per second (paces a slow downstream system)', (v) =>
            Number.parseFloat(v),
        )
        .description('stream chaincode events with checkpointing')
        .action(
            withContext(
                async (
                    context,
                    options: {
                        from?: string;
                        out?: string;
                        checkpoint?: string;
                        names?: string;
                        limit?: number;
                        maxRate?: number;
                    },
                ) => {
                    // Without --from: from the checkpoint when there is one (the consumer prefers it),
                    // else from the first block, so a first `events --out file` writes every event.
                    const startAt =
                        options.from === 'now'
                            ? undefined
                            : options.from
                              ? parsePosition(options.from)
                              : { blockNumber: 0n };
                    if (options.from && options.from !== 'now' && !startAt) {
                        throw new Error('--from must be <block>, <block>:<txId> or now');
                    }
                    const sink = options.out ? new JsonLinesSink(options.out) : undefined;
                    const checkpoints: CheckpointStore =
                        sink ??
                        (options.checkpoint
                            ? new FileCheckpointStore(options.checkpoint)
                            : new MemoryCheckpointStore());
                    let seen = 0;
                    let consumer: CheckpointedConsumer | undefined = undefined;
                    const stopOnSignal = () => void consumer?.stop();
                    process.once('SIGINT', stopOnSignal);
                    process.once('SIGTERM', stopOnSignal);
                    consumer = new CheckpointedConsumer({
                        session: await context.session(),
                        checkpoints,
                        startAt,
                        eventNames: options.names?.split(',').filter(Boolean),
                        handle: async (event) => {
                            if (options.maxRate) {
                                await new Promise((resolve) => setTimeout(resolve, 1000 / (options.maxRate ?? 1)));
                            }
                            if (sink) {
                                await sink.write(event);
                            } else {
                                context.print(
                                    eventToJson(event),
                                    (e: { position: string; eventName: string; payload: unknown }) =>
                                        `${e.position} ${e.eventName} ${JSON.stringify(e.payload)}`,
                                );
                            }
                            seen += 1;
                            if (options.limit && seen >= options.limit) {
                                void consumer?.stop();
                            }
                        },
                    });
                    // An in-process ledger holds no socket open while it waits for the next block, so
                    // without this the process would exit once caught up instead of following.
                    const keepAlive = setInterval(() => undefined, 60_000);
                    try {
                        await consumer.start();
                    } finally {
                        clearInterval(keepAlive);
                        sink?.close();
                    }
                },
            ),
        );
}

export function tokenStoreOf(dataDir: string, org: string): TokenStore {
    const stateDir = gatewayStateDir(dataDir, org);
    return new TokenStore(
        loadOrCreateKey(path.join(stateDir, 'token.key'), process.env.CARELEDGER_TOKEN_KEY),
        path.join(stateDir, 'tokens.json'),
    );
}

function parseResult(bytes: Uint8Array): unknown {
    const text = Buffer.from(bytes).toString('utf8');
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
