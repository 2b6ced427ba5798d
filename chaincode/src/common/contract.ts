import { Context, Contract } from 'fabric-contract-api';
import { invalidArgument } from './errors';
import { requireTimestampInWindow } from './time';

/**
 * Base class of every CareLedger contract: unknown functions are typed errors, not crashes, and
 * a proposal stamped outside the endorser's time window is refused before any rule runs.
 */
export abstract class CareLedgerContract extends Contract {
    override async beforeTransaction(ctx: Context): Promise<void> {
        requireTimestampInWindow(ctx);
    }

    override async unknownTransaction(ctx: Context): Promise<void> {
        const { fcn } = ctx.stub.getFunctionAndParameters();
        throw invalidArgument('function', `${fcn} is not a transaction of contract ${this.getName()}`);
    }
}
