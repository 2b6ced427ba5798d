import { createHash } from 'node:crypto';
import { commitDocument, documentSha256 } from './document';

describe('commitDocument', () => {
    const document = '{"license":"MD-1"}';

    it('commits to SHA-256(salt ‖ SHA-256(document)), as the credentials contract verifies', () => {
        const salt = '0f'.repeat(32);
        const digest = createHash('sha256').update(document).digest();
        const expected = createHash('sha256').update(Buffer.from(salt, 'hex')).update(digest).digest('hex');
        expect(commitDocument(document, salt)).toEqual({
            salt,
            documentSha256: digest.toString('hex'),
            commitment: expected,
        });
    });

    it('hashes text and bytes alike', () => {
        expect(documentSha256(Buffer.from(document, 'utf8'))).toBe(documentSha256(document));
    });

    it('draws a fresh 32-byte salt each time, so one document never yields the same commitment twice', () => {
        const first = commitDocument(document);
        const second = commitDocument(document);
        expect(first.salt).toMatch(/^[0-9a-f]{64}$/);
        expect(first.salt).not.toBe(second.salt);
        expect(first.commitment).not.toBe(second.commitment);
    });
});
