/**
 * JSON for stored blocks and state: Buffers become `{"$b": base64}` and come back as Buffers.
 */
export function encode(value: unknown): string {
    return JSON.stringify(value, (_key, item: unknown) => {
        if (
            item &&
            typeof item === 'object' &&
            (item as { type?: unknown }).type === 'Buffer' &&
            Array.isArray((item as { data?: unknown }).data)
        ) {
            return { $b: Buffer.from((item as { data: number[] }).data).toString('base64') };
        }
        return item;
    });
}

export function decode<T>(text: string): T {
    return JSON.parse(text, (_key, item: unknown) => {
        if (item && typeof item === 'object' && typeof (item as { $b?: unknown }).$b === 'string') {
            return Buffer.from((item as { $b: string }).$b, 'base64');
        }
        return item;
    }) as T;
}
