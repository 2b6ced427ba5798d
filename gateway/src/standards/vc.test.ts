import { decodeStatusList } from './status-list';
import { attestationCredential, statusListCredential } from './vc';

const urls = { baseUrl: 'https://gw.regulator.example' };

describe('W3C VC 2.0 presentation of an attestation', () => {
    const credential = attestationCredential(
        {
            id: 'att-1',
            type: 'MedicalLicense',
            issuerMspId: 'RegulatorMSP',
            subjectId: 'prac-hosp-0001',
            claims: { licenseClass: 'MD' },
            validFrom: '2026-01-01T00:00:00.000Z',
            validUntil: '2028-01-01T00:00:00.000Z',
            statusListIndex: 94567,
            transactionId: 'abc123',
        },
        urls,
    );

    it('has the VC 2.0 context, types, issuer, validity and subject', () => {
        expect(credential).toMatchObject({
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            type: ['VerifiableCredential', 'MedicalLicense'],
            issuer: 'urn:careledger:org:RegulatorMSP',
            validFrom: '2026-01-01T00:00:00.000Z',
            validUntil: '2028-01-01T00:00:00.000Z',
            credentialSubject: { id: 'urn:careledger:actor:prac-hosp-0001', licenseClass: 'MD' },
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
