import { createHash } from 'node:crypto';
import { commitmentFromProof, commitmentOf, requireSalt } from './commitment';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('salted commitment', () => {
    const salt = '00112233445566778899aabbccddeeff';
    const digest = sha256('{"license":"MD-1"}');

    it('is SHA-256 over the salt bytes followed by the document digest bytes', () => {
        expect(commitmentOf(salt, digest)).toBe(
            sha256(Buffer.concat([Buffer.from(salt, 'hex'), Buffer.from(digest, 'hex')])),
        );
    });

    it('changes with the salt, so equal documents do not share a commitment', () => {
        expect(commitmentOf(salt, digest)).not.toBe(commitmentOf('ff'.repeat(16), digest));
    });

    it('takes a proof as digest and salt, or as the commitment itself', () => {
        expect(commitmentFromProof({ documentSha256: digest, salt }, 'proof')).toBe(commitmentOf(salt, digest));
        expect(commitmentFromProof({ commitment: digest }, 'proof')).toBe(digest);
    });

    it.each([
        [{ commitment: digest, salt }, 'proof'],
        [{ documentSha256: digest }, 'proof.salt'],
        [{ salt }, 'proof.documentSha256'],
        [{ documentSha256: digest.toUpperCase(), salt }, 'proof.documentSha256'],
        [{ commitment: 'xyz' }, 'proof.commitment'],
    ])('rejects the malformed proof %j', (proof, field) => {
        expect(() => commitmentFromProof(proof, 'proof')).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT', field }),
        );
    });

    it.each(['00'.repeat(15), '00'.repeat(65), 'abc', 'AB'.repeat(16)])('rejects the salt %s', (bad) => {
        expect(() => requireSalt(bad, 'salt')).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'salt' }),
        );
    });
});
