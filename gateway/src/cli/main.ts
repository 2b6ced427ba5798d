#!/usr/bin/env node
import '../server/quiet-contract-logs';
import { Command, CommanderError } from 'commander';
import { LedgerError } from '../ledger';
import { coreCommands } from './commands-core';
import { demoCommands } from './commands-demo';
import { domainCommands } from './commands-domains';
import { indexCommands } from './commands-index';

/**
 * `careledger`: the gateway's operations for operators and scripts, over the same library as
 * the REST server (not over HTTP). The ledger comes from the environment like the server's
 * (CARELEDGER_LEDGER, CARELEDGER_ORG, ...); `--user` picks the enrolled identity to act as.
 * Exit codes: 0 ok, 1 failure, 2 invalid input, 3 forbidden/unauthenticated, 4 not found, 5 conflict.
 */
export function buildProgram(): Command {
    const program = new Command('careledger')
        .description('CareLedger gateway CLI')
        .option('--org <org>', 'org to act in (default: $CARELEDGER_ORG or hospital)')
        .option('-u, --user <user>', 'enrolled user to act as', 'admin')
        .option('--json', 'machine-readable JSON output')
        .showHelpAfterError();
    coreCommands(program);
    domainCommands(program);
    demoCommands(program);
    indexCommands(program);
    return program;
}

const exitCodes: Partial<Record<string, number>> = {
    INVALID_ARGUMENT: 2,
    FORBIDDEN: 3,
    UNAUTHENTICATED: 3,
    NOT_FOUND: 4,
    CONFLICT: 5,
    MVCC_CONFLICT: 5,
};

export async function run(argv: string[]): Promise<number> {
    const program = buildProgram().exitOverride();
    try {
        await program.parseAsync(argv);
        return 0;
    } catch (error) {
        if (error instanceof CommanderError) {
            return error.exitCode;
        }
        const json = program.opts<{ json?: boolean }>().json;
        if (error instanceof LedgerError) {
            const body = {
                code: error.code,
                field: error.field,
                message: error.detail,
                transactionId: error.transactionId,
            };
            process.stderr.write(json ? `${JSON.stringify(body)}\n` : `error: ${error.message}\n`);
            return exitCodes[error.code] ?? 1;
        }
        process.stderr.write(
            json
                ? `${JSON.stringify({ code: 'ERROR', message: (error as Error).message })}\n`
                : `error: ${(error as Error).message}\n`,
        );
        return 1;
    }
}

if (require.main === module) {
    void run(process.argv).then((code) => {
        process.exitCode = code;
    });
}
