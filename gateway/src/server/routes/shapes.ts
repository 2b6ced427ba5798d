import type { SubmitResult } from '../../ledger';

/** The envelope of every submitted transaction's response: its result plus where it committed. */
export function submittedSchema(result: object): object {
    return {
        type: 'object',
        required: ['transactionId', 'blockNumber', 'result'],
        properties: {
            transactionId: { type: 'string' },
            blockNumber: { type: 'string', description: 'Block the transaction committed in (decimal).' },
            result,
        },
    };
}

export function submitted<T>(
    outcome: SubmitResult,
    result: T,
): { transactionId: string; blockNumber: string; result: T } {
    return { transactionId: outcome.transactionId, blockNumber: outcome.blockNumber.toString(), result };
}

/** A page of a paginated query. */
export function pageSchema(item: object): object {
    return {
        type: 'object',
        required: ['items', 'bookmark'],
        properties: { items: { type: 'array', items: item }, bookmark: { type: 'string' } },
    };
}

export const pageQuerySchema = {
    type: 'object',
    properties: {
        pageSize: { type: 'integer', minimum: 1, maximum: 200 },
        bookmark: { type: 'string', maxLength: 1024 },
    },
} as const;
