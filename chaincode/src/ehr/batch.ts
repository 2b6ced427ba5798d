import { ContractError, invalidArgument, requireArray } from '../common';

/** Most pointers one RegisterRecords / StoreRecordLocations transaction carries (the erasure batch's size). */
export const MaxRecordsPerBatch = 100;
/** Most consents one GrantConsents transaction carries. */
export const MaxConsentsPerBatch = 50;

/**
 * Runs the rule of one batch item and names the item in any refusal: a field `record.size` of
 * item 3 becomes `records[3].size`, so the client learns which item and which field broke which
 * rule. A refusal rolls the whole transaction back: a bad item writes nothing of the batch.
 */
export async function forItem<T>(single: string, list: string, index: number, rule: () => T | Promise<T>): Promise<T> {
    try {
        return await rule();
    } catch (error) {
        if (!(error instanceof ContractError)) {
            throw error;
        }
        const item = `${list}[${index}]`;
        const field =
            error.field === undefined
                ? item
                : error.field === single || error.field.startsWith(`${single}.`)
                  ? `${item}${error.field.slice(single.length)}`
                  : `${item}.${error.field}`;
        throw new ContractError(error.code, error.detail, field);
    }
}

/** A batch argument: a JSON array of 1..max items. */
export function requireBatch<T>(value: unknown, list: string, max: number): T[] {
    return requireArray<T>(value, list, { min: 1, max });
}

/** Refuses a repeated id: the second copy would overwrite the first in the same transaction. */
export function requireDistinct(ids: readonly string[], list: string, field: string): void {
    const seen = new Map<string, number>();
    ids.forEach((id, index) => {
        const first = seen.get(id);
        if (first !== undefined) {
            throw invalidArgument(`${list}[${index}].${field}`, `repeats ${list}[${first}].${field}`);
        }
        seen.set(id, index);
    });
}
