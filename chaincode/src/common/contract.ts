import { Context, Contract } from 'fabric-contract-api';
import { invalidArgument } from './errors';

/** Base class of every CareLedger contract: unknown functions are typed errors, not crashes. */
export abstract class CareLedgerContract extends Contract {
    override async unknownTransaction(ctx: Context): Promise<void> {
        const { fcn } = ctx.stub.getFunctionAndParameters();
        throw invalidArgument('function', `${fcn} is not a transaction of contract ${this.getName()}`);
    }
}
