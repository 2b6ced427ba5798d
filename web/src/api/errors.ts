/** The gateway's one error shape: `{ code, field?, message }` (README: errors). */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly field?: string,
    ) {
        super(message);
        this.name = 'ApiError';
    }
}

const headlines: Record<string, string> = {
    INVALID_ARGUMENT: 'Please check what you entered',
    UNAUTHENTICATED: 'Your sign-in is not valid any more — sign in again',
    FORBIDDEN: 'You are not allowed to do this',
    NOT_FOUND: 'Not found',
    CONFLICT: 'This clashes with what is already on the ledger',
    UNAVAILABLE: 'The ledger is busy or unreachable — try again in a moment',
};

/** Turns a dotted field path (`consent.period.end`, `items[0]`) into words. */
export function fieldLabel(field: string): string {
    const last = field.split('.').pop() ?? field;
    return last
        .replace(/\[(\d+)\]/g, (_, i: string) => ` item ${Number(i) + 1}`)
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .trim();
}

/** What to show a person for an error: a headline, the field at fault (if any), and the detail. */
export function describeError(error: unknown): { headline: string; field?: string; detail: string } {
    if (error instanceof ApiError) {
        const headline =
            headlines[error.code] ?? (error.status >= 500 ? 'The gateway failed to answer' : 'The request failed');
        return { headline, field: error.field ? fieldLabel(error.field) : undefined, detail: error.message };
    }
    if (error instanceof Error && typeof (error as { field?: unknown }).field === 'string') {
        const field = (error as Error & { field: string }).field;
        return { headline: headlines.INVALID_ARGUMENT, field: fieldLabel(field), detail: error.message };
    }
    if (error instanceof TypeError) {
        return { headline: 'The gateway cannot be reached', detail: 'Check your connection and try again.' };
    }
    return { headline: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}
