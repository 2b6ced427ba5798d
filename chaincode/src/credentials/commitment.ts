import { createHash } from 'node:crypto';
import { invalidArgument } from '../common/errors';
import { requireSha256Hex, requireString } from '../common/validation';

/**
 * The salted commitment a credential carries instead of its document:
 *
 *     commitment = hex(SHA-256(salt ‖ SHA-256(document)))
 *
 * over raw bytes (salt and digest decoded from hex). The salt — 16 to 64 random bytes the
 * issuer generates and hands to the holder with the document — stops anyone who can read the
 * ledger from confirming a guessed document by hashing it. Hashing the document's digest
 * rather than the document lets a verifier present only the digest.
 */
export function commitmentOf(saltHex: string, documentSha256Hex: string): string {
    return createHash('sha256')
        .update(Buffer.from(saltHex, 'hex'))
        .update(Buffer.from(documentSha256Hex, 'hex'))
        .digest('hex');
}

/** A salt as lowercase hex: 16 to 64 bytes. */
export function requireSalt(value: unknown, field: string): string {
    return requireString(value, field, {
        min: 32,
        max: 128,
        pattern: /^(?:[0-9a-f]{2}){16,64}$/,
        patternRule: 'must be 16 to 64 bytes as lowercase hex',
    });
}

/** The commitment a verifier's proof (a VerificationProof) stands for: given directly, or computed from digest and salt. */
export function commitmentFromProof(record: Record<string, unknown>, field: string): string {
    if (record.commitment !== undefined) {
        if (record.documentSha256 !== undefined || record.salt !== undefined) {
            throw invalidArgument(field, 'give either commitment, or documentSha256 and salt, not both');
        }
        return requireSha256Hex(record.commitment, `${field}.commitment`);
    }
    const digest = requireSha256Hex(record.documentSha256, `${field}.documentSha256`);
    const salt = requireSalt(record.salt, `${field}.salt`);
    return commitmentOf(salt, digest);
}
