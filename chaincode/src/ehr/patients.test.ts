import { ContractHarness, type HarnessIdentity } from '@careledger/testing';
import { keyIdOfCertificate } from '../common';
import { ehrCast, expectRejected, Hospital, type EhrCast } from '../../../test/fixtures/ehr';
import type { Delegate, PatientEnrolment } from './types';

describe('ehr patients and delegates', () => {
    let h: ContractHarness;
    let cast: EhrCast;

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
    });

    describe('EnrolPatient', () => {
        it('binds the id from the certificate to the caller MSP and emits ehr.PatientEnrolled', async () => {
            const newcomer = h.identity({ mspId: Hospital, role: 'patient', actorId: 'pat-00000001' });
            const result = await h.submit(newcomer, 'ehr:EnrolPatient');
            expect(result.json<PatientEnrolment>()).toEqual({
                patientId: 'pat-00000001',
                homeMsp: Hospital,
                enrolledAt: '2026-01-01T00:00:00.000Z',
                keyIds: [await keyIdOf(newcomer)],
            });
            expect(result.event).toEqual({ name: 'ehr.PatientEnrolled', payload: result.json() });
            expect(h.getState(h.key('ehr.patient', 'pat-00000001'))).toEqual(result.json());
        });

        it('is a no-op when repeated from the same MSP', async () => {
            const before = h.snapshot();
            const result = await h.submit(cast.patient, 'ehr:EnrolPatient');
            expect(result.json<PatientEnrolment>().homeMsp).toBe(Hospital);
            expect(result.event).toBeUndefined();
            expect(h.snapshot()).toEqual(before);
        });

        it('refuses the same patient id from another org CA (CONFLICT patientId)', async () => {
            await expectRejected(h, () => h.submit(cast.impostor, 'ehr:EnrolPatient'), {
                code: 'CONFLICT',
                field: 'patientId',
            });
        });

        it("refuses a clone: another certificate with the patient's id and MSP but not the patient's key", async () => {
            // What an org admin can get from its own CA: a second user carrying the patient's id.
            const clone = h.identity({ mspId: Hospital, role: 'patient', actorId: cast.patientId, name: 'clone' });
            expect(await keyIdOf(clone)).not.toBe(await keyIdOf(cast.patient));
            const before = h.snapshot();
            await expectRejected(h, () => h.submit(clone, 'ehr:EnrolPatient'), { code: 'FORBIDDEN' });
            const delegate = JSON.stringify({ mspId: Hospital, actorId: 'prac-clone-1' });
            await expectRejected(h, () => h.submit(clone, 'ehr:NameDelegate', [delegate]), { code: 'FORBIDDEN' });
            const cloneKey = await keyIdOf(clone);
            await expectRejected(h, () => h.submit(clone, 'ehr:AuthorizePatientKey', [cloneKey]), {
                code: 'FORBIDDEN',
            });
            expect(h.snapshot()).toEqual(before);
        });

        it('lets only the patient, signing with a bound key, authorise and withdraw keys', async () => {
            const device = h.identity({ mspId: Hospital, role: 'patient', actorId: cast.patientId, name: 'new-phone' });
            const deviceKey = await keyIdOf(device);
            const delegate = JSON.stringify({ mspId: Hospital, actorId: 'prac-hosp-0001' });
            await expectRejected(h, () => h.submit(device, 'ehr:NameDelegate', [delegate]), { code: 'FORBIDDEN' });
            await expectRejected(h, () => h.submit(cast.patient, 'ehr:AuthorizePatientKey', ['ABC']), {
                code: 'INVALID_ARGUMENT',
                field: 'keyId',
            });
            const added = await h.submit(cast.patient, 'ehr:AuthorizePatientKey', [deviceKey]);
            expect(added.json<PatientEnrolment>().keyIds).toEqual([await keyIdOf(cast.patient), deviceKey]);
            await h.submit(device, 'ehr:NameDelegate', [delegate]);
            // The new device withdraws the old key: the old certificate speaks for no one afterwards.
            const oldKey = await keyIdOf(cast.patient);
            await h.submit(device, 'ehr:RevokePatientKey', [oldKey]);
            await expectRejected(h, () => h.submit(cast.patient, 'ehr:NameDelegate', [delegate]), {
                code: 'FORBIDDEN',
            });
            await expectRejected(h, () => h.submit(device, 'ehr:RevokePatientKey', [deviceKey]), {
                code: 'CONFLICT',
                field: 'keyId',
            });
        });

        it('refuses callers without role patient', async () => {
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:EnrolPatient'), { code: 'FORBIDDEN' });
        });

        it('refuses a patient certificate without careledger.id', async () => {
            const anonymous = h.identity({ mspId: Hospital, role: 'patient' });
            await expectRejected(h, () => h.submit(anonymous, 'ehr:EnrolPatient'), { code: 'FORBIDDEN' });
        });
    });

    describe('NameDelegate / RemoveDelegate / ListDelegates', () => {
        const delegateArg = (overrides: Record<string, unknown> = {}) =>
            JSON.stringify({ mspId: Hospital, actorId: 'pat-2b9d51f0', until: '2026-06-01T00:00:00Z', ...overrides });

        it('names a delegate with an end date and emits ehr.DelegateNamed', async () => {
            const result = await h.submit(cast.patient, 'ehr:NameDelegate', [delegateArg()]);
            const expected: Delegate = {
                patientId: cast.patientId,
                mspId: Hospital,
                actorId: 'pat-2b9d51f0',
                until: '2026-06-01T00:00:00.000Z',
                namedAt: '2026-01-01T00:00:00.000Z',
            };
            expect(result.json()).toEqual(expected);
            expect(result.event?.name).toBe('ehr.DelegateNamed');
            expect(h.getState(h.key('ehr.delegate', cast.patientId, Hospital, 'pat-2b9d51f0'))).toEqual(expected);
        });

        it.each([
            ['delegate', 'not json'],
            ['delegate.mspId', delegateArg({ mspId: 'bad msp' })],
            ['delegate.actorId', delegateArg({ actorId: '' })],
            ['delegate.until', delegateArg({ until: 'tomorrow' })],
            ['delegate.until', delegateArg({ until: '2025-12-31T00:00:00Z' })],
            ['delegate.actorId', delegateArg({ actorId: 'pat-7c1e04a9' })],
        ])('rejects an invalid %s', async (field, arg) => {
            await expectRejected(h, () => h.submit(cast.patient, 'ehr:NameDelegate', [arg]), {
                code: 'INVALID_ARGUMENT',
                field,
            });
        });

        it('lets only an enrolled patient of the home MSP name delegates', async () => {
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:NameDelegate', [delegateArg()]), {
                code: 'FORBIDDEN',
            });
            await expectRejected(h, () => h.submit(cast.impostor, 'ehr:NameDelegate', [delegateArg()]), {
                code: 'FORBIDDEN',
            });
            const unenrolled = h.identity({ mspId: Hospital, role: 'patient', actorId: 'pat-unenrolled' });
            await expectRejected(h, () => h.submit(unenrolled, 'ehr:NameDelegate', [delegateArg()]), {
                code: 'NOT_FOUND',
            });
        });

        it('removes a delegate, emits ehr.DelegateRemoved, and refuses an unknown one', async () => {
            await h.submit(cast.patient, 'ehr:NameDelegate', [delegateArg()]);
            const result = await h.submit(cast.patient, 'ehr:RemoveDelegate', [Hospital, 'pat-2b9d51f0']);
            expect(result.event?.name).toBe('ehr.DelegateRemoved');
            expect(h.getState(h.key('ehr.delegate', cast.patientId, Hospital, 'pat-2b9d51f0'))).toBeUndefined();
            await expectRejected(h, () => h.submit(cast.patient, 'ehr:RemoveDelegate', [Hospital, 'pat-2b9d51f0']), {
                code: 'NOT_FOUND',
            });
            await expectRejected(h, () => h.submit(cast.patient, 'ehr:RemoveDelegate', [Hospital, '']), {
                code: 'INVALID_ARGUMENT',
                field: 'actorId',
            });
        });

        it('lists only the calling patient delegates, paginated', async () => {
            await h.submit(cast.patient, 'ehr:NameDelegate', [delegateArg()]);
            await h.submit(cast.patient, 'ehr:NameDelegate', [
                delegateArg({ actorId: 'prac-hosp-0001', until: undefined }),
            ]);
            await h.submit(cast.patient2, 'ehr:NameDelegate', [delegateArg({ actorId: 'pat-7c1e04a9' })]);
            const first = (await h.evaluate(cast.patient, 'ehr:ListDelegates', ['1', ''])).json<{
                items: Delegate[];
                bookmark: string;
            }>();
            expect(first.items.map((d) => d.actorId)).toEqual(['pat-2b9d51f0']);
            expect(first.bookmark).not.toBe('');
            const second = (await h.evaluate(cast.patient, 'ehr:ListDelegates', ['1', first.bookmark])).json<{
                items: Delegate[];
            }>();
            expect(second.items.map((d) => d.actorId)).toEqual(['prac-hosp-0001']);
            await expect(h.evaluate(cast.physician, 'ehr:ListDelegates', ['10', ''])).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await expect(h.evaluate(cast.patient, 'ehr:ListDelegates', ['500', ''])).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'pageSize',
            });
        });
    });
});

async function keyIdOf(identity: HarnessIdentity): Promise<string> {
    return keyIdOfCertificate((await identity.credentials()).certificate);
}
