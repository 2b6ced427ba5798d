import { generateKeyPairSync } from 'node:crypto';
import { addProof, proofSignatureValid } from './data-integrity';
import { didWebDocumentUrl, issuerDid, mspIdOfIssuerDid } from './did-web';
import { base58btcDecode, base58btcEncode, p256Multikey, publicKeyOfMultikey } from './multikey';

describe('P-256 Multikey and base58btc', () => {
    it('round-trips bytes, leading zeros included', () => {
        for (const bytes of [Buffer.from([0, 0, 1, 2, 255]), Buffer.alloc(0), Buffer.from('careledger')]) {
            expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
        }
        expect(base58btcEncode(Buffer.from('hello world'))).toBe('StV1DL6CwTryKyV');
    });

    it('encodes a P-256 key as zDn… and decodes it to the same key', () => {
        const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const multikey = p256Multikey(publicKey);
        expect(multikey).toMatch(/^zDn[1-9A-HJ-NP-Za-km-z]{44,46}$/);
        expect(publicKeyOfMultikey(multikey).export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
        expect(() => publicKeyOfMultikey('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toThrow(/P-256/);
    });
});

describe('did:web issuer DIDs', () => {
    it('maps host, port and path to the DID and back to its document URL', () => {
        const did = issuerDid('http://127.0.0.1:42001', 'HospitalMSP');
        expect(did).toBe('did:web:127.0.0.1%3A42001:dids:HospitalMSP');
        expect(didWebDocumentUrl(did)).toBe('http://127.0.0.1:42001/dids/HospitalMSP/did.json');
        const prefixed = issuerDid('https://gw.example/orgs/clinic', 'ClinicMSP');
        expect(prefixed).toBe('did:web:gw.example:orgs:clinic:dids:ClinicMSP');
        expect(didWebDocumentUrl(prefixed)).toBe('https://gw.example/orgs/clinic/dids/ClinicMSP/did.json');
        expect(mspIdOfIssuerDid(`${prefixed}#zDnae`)).toBe('ClinicMSP');
        expect(mspIdOfIssuerDid('did:key:zDnae')).toBeUndefined();
    });
});

describe('Data Integrity ecdsa-rdfc-2019', () => {
    const document = {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: 'did:web:127.0.0.1%3A1:dids:RegulatorMSP',
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: { id: 'urn:careledger:actor:x' },
    };

    it('verifies with the signing key only, and not once any statement changes', async () => {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const signed = await addProof(document, privateKey, {
            verificationMethod: 'did:web:127.0.0.1%3A1:dids:RegulatorMSP#k',
            proofPurpose: 'assertionMethod',
            created: '2026-12-05T08:00:00Z',
        });
        expect(signed.proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'ecdsa-rdfc-2019' });
        expect(await proofSignatureValid(signed, publicKey)).toBe(true);
        expect(await proofSignatureValid(signed, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toBe(
            false,
        );
        expect(await proofSignatureValid({ ...signed, validFrom: '2026-01-02T00:00:00Z' }, publicKey)).toBe(false);
        expect(
            await proofSignatureValid(
                { ...signed, proof: { ...signed.proof, proofPurpose: 'authentication' } },
                publicKey,
            ),
        ).toBe(false);
        // Key order does not matter (RDF canonicalization), statements do.
        const reordered = Object.fromEntries(Object.entries(signed).reverse()) as typeof signed;
        expect(await proofSignatureValid(reordered, publicKey)).toBe(true);
    });
});
