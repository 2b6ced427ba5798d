import type { Context } from 'fabric-contract-api';

/**
 * The one function other domains call to ask: does the invoking identity hold a valid
 * credential of `type` at this transaction's time? Throws FORBIDDEN naming the type and the
 * reason (none held, suspended, revoked, expired, issuer not trusted) when it does not.
 *
 * @example
 * await requireValidCredential(ctx, 'MedicalLicense');
 */
export async function requireValidCredential(_ctx: Context, _type: string): Promise<void> {
    // Placeholder until the credentials contract lands; replaced by its implementation.
    throw new Error('credentials gate not implemented yet');
}
