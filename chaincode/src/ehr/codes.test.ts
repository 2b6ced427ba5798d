import { ContractHarness } from '@careledger/testing';
import { ehrCast, expectRejected, recordInput } from '../../../test/fixtures/ehr';
import { loincCheckDigit } from './codes';

describe('LOINC codes', () => {
    it('computes the mod 10 check digit of published codes', () => {
        const published = ['11506-3', '18842-5', '11502-2', '34133-9', '60591-5', '57133-1', '11488-4', '28570-0'];
        for (const code of published) {
            const [digits, check] = code.split('-');
            expect({ code, check: loincCheckDigit(digits) }).toEqual({ code, check: Number(check) });
        }
    });

    it('refuses a record whose LOINC code has a wrong check digit, naming the field and the rule', async () => {
        const h = await ContractHarness.create();
        const cast = await ehrCast(h);
        const input = recordInput('rec-loinc', cast.patientId, {
            type: { system: 'http://loinc.org', code: '11502-3' },
        });
        await expectRejected(h, () => h.submit(cast.physician, 'ehr:RegisterRecord', [JSON.stringify(input)]), {
            code: 'INVALID_ARGUMENT',
            field: 'record.type.code',
        });
        await expect(h.submit(cast.physician, 'ehr:RegisterRecord', [JSON.stringify(input)])).rejects.toMatchObject({
            detail: expect.stringContaining('check digit'),
        });
    });
});
