import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/** Object type of every key the floor writes: one composite key per benchmark key. */
const FloorObject = 'bench.floor';

/** Bounds that keep a floor transaction trivial: a short key, a value no bigger than a typical CareLedger argument. */
const MaxKeyLength = 128;
const MaxValueLength = 4096;
const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * `Put` is one putState and nothing else (no read, no event); `Get` is one getState and returns
 * what it got (empty for a missing key, which also makes `Get` the deployment's readiness query).
 * Rejections use CareLedger's `CODE(field): rule` form so the gateway maps them to typed errors.
 */
@Info({ title: 'Floor', description: 'Benchmark floor: one putState, one getState' })
export class FloorContract extends Contract {
    constructor() {
        super('floor');
    }

    @Transaction()
    @Returns('string')
    async Put(ctx: Context, key: string, value: string): Promise<string> {
        const stateKey = floorKey(ctx, key);
        if (typeof value !== 'string' || value.length > MaxValueLength) {
            throw new Error(`INVALID_ARGUMENT(value): must be a string of at most ${MaxValueLength} characters`);
        }
        await ctx.stub.putState(stateKey, Buffer.from(value, 'utf8'));
        return '';
    }

    @Transaction(false)
    @Returns('string')
    async Get(ctx: Context, key: string): Promise<string> {
        const bytes = await ctx.stub.getState(floorKey(ctx, key));
        return Buffer.from(bytes ?? []).toString('utf8');
    }
}

function floorKey(ctx: Context, key: string): string {
    if (typeof key !== 'string' || key.length > MaxKeyLength || !keyPattern.test(key)) {
        throw new Error(
            `INVALID_ARGUMENT(key): must be 1-${MaxKeyLength} letters, digits, ".", "_", ":" or "-", starting with a letter or digit`,
        );
    }
    return ctx.stub.createCompositeKey(FloorObject, [key]);
}
