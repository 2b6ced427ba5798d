import type { Context } from 'fabric-contract-api';
import { invalidArgument } from './errors';

/**
 * Builds a composite key. Each domain declares its object types in its own `keys.ts` and
 * builds every key there, so one place defines each key's layout.
 */
export function compositeKey(ctx: Context, objectType: string, parts: readonly string[]): string {
    parts.forEach((part, index) => {
        // U+0000 separates composite key parts and U+10FFFF bounds ranges; neither may appear inside one.
        if (part.length === 0 || part.includes('\u0000') || part.includes('\u{10FFFF}')) {
            throw invalidArgument(
                `key.${objectType}[${index}]`,
                'key parts must be non-empty and free of U+0000 and U+10FFFF',
            );
        }
    });
    return ctx.stub.createCompositeKey(objectType, [...parts]);
}
