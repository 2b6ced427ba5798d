import { decodeStatusList } from './status-list';
import { attestationCredential, credentialTypeTerm, statusListCredential } from './vc';
import { expandSafely } from './vc/jsonld';

const urls = { baseUrl: 'https://gw.regulator.example' };

describe('W3C VC 2.0 presentation of an attestation', () => {
    const credential = attestationCredential(
        {
            id: 'att-1',
            type: 'MedicalLicense',
            issuerMspId: 'RegulatorMSP',
            subjectId: 'prac-hosp-0001',
            claims: { documentCommitment: 'ab'.repeat(32), version: 1 },
            validFrom: '2026-01-01T00:00:00.000Z',
            validUntil: '2028-01-01T00:00:00.000Z',
            statusListIndex: 94567,
            transactionId: 'abc123',
        },
        urls,
    );

    it('has the VC 2.0 context, types, issuer, validity and subject', () => {
        expect(credential).toMatchObject({
            '@context': ['https://www.w3.org/ns/credentials/v2', 'https://careledger.org/ns/credentials/v1'],
            type: ['VerifiableCredential', 'MedicalLicense'],
            issuer: 'did:web:gw.regulator.example:dids:RegulatorMSP',
            validFrom: '2026-01-01T00:00:00.000Z',
            validUntil: '2028-01-01T00:00:00.000Z',
            credentialSubject: {
                id: 'urn:careledger:actor:prac-hosp-0001',
                documentCommitment: 'ab'.repeat(32),
                version: 1,
            },
        });
    });

    it('points its credentialStatus entries at the issuer status lists', () => {
        expect(credential.credentialStatus).toEqual([
            {
                id: 'https://gw.regulator.example/credentials/status/RegulatorMSP/revocation#94567',
                type: 'BitstringStatusListEntry',
                statusPurpose: 'revocation',
                statusListIndex: '94567',
                statusListCredential: 'https://gw.regulator.example/credentials/status/RegulatorMSP/revocation',
            },
            expect.objectContaining({ statusPurpose: 'suspension', statusListIndex: '94567' }),
        ]);
    });
});

describe('Bitstring Status List credential', () => {
    it('publishes the set bits under the entry URL the credentials point at', () => {
        const list = statusListCredential({
            issuerMspId: 'RegulatorMSP',
            purpose: 'revocation',
            setIndexes: [94567],
            validFrom: '2026-06-01T00:00:00.000Z',
            urls,
        });
        expect(list).toMatchObject({
            id: 'https://gw.regulator.example/credentials/status/RegulatorMSP/revocation',
            type: ['VerifiableCredential', 'BitstringStatusListCredential'],
            credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' },
        });
        const bits = decodeStatusList((list.credentialSubject as { encodedList: string }).encodedList);
        expect(bits.isSet(94567)).toBe(true);
        expect(bits.isSet(0)).toBe(false);
    });
});

describe('terms', () => {
    it('keeps a credential type the CareLedger context defines as its term, and any other as a full IRI', () => {
        expect(credentialTypeTerm('MedicalLicense')).toBe('MedicalLicense');
        expect(credentialTypeTerm('DentalLicense')).toBe('https://careledger.org/ns/credentials#DentalLicense');
    });

    it('expands every term of a credential and a status list in JSON-LD safe mode, none through @vocab', async () => {
        const credential = attestationCredential(
            {
                id: 'att-2',
                type: 'MedicalLicense',
                issuerMspId: 'RegulatorMSP',
                subjectId: 'HospitalMSP:prac-hosp-0001',
                claims: { documentCommitment: 'ab'.repeat(32), version: 2 },
                validFrom: '2026-01-01T00:00:00.000Z',
                statusListIndex: 5,
                transactionId: 'tx-1',
            },
            urls,
        );
        const list = statusListCredential({
            issuerMspId: 'RegulatorMSP',
            purpose: 'suspension',
            setIndexes: [],
            validFrom: '2026-06-01T00:00:00Z',
            urls,
        });
        for (const document of [credential, list]) {
            const expanded = JSON.stringify(await expandSafely(document));
            expect(expanded).not.toContain('issuer-dependent');
        }
        await expect(expandSafely({ ...credential, licenseClass: 'MD' })).rejects.toThrow(/safe mode|licenseClass/i);
    });
});
