import { ContractHarness } from '@careledger/testing';
import { licensePractitioner } from '../../../test/fixtures/credentials';
import {
    consentInput,
    ehrCast,
    expectRejected,
    grantConsent,
    Hospital,
    recordInput,
    registerRecord,
    type EhrCast,
} from '../../../test/fixtures/ehr';
import { ProposalWindowMs } from '../common';

/**
 * The proposal's signer chooses its timestamp (#17 finding 4). Endorsers refuse proposals stamped
 * outside the window around their own clock, and a proposal dated before an expiry that the
 * endorser's clock has passed cannot use what expired (consent, licence, delegation).
 */
const minutes = (n: number) => n * 60_000;
const at = (iso: string, deltaMs: number) => new Date(Date.parse(iso) + deltaMs).toISOString();

describe('proposal timestamps', () => {
    let h: ContractHarness;
    let cast: EhrCast;
    const now = '2026-01-01T00:00:00.000Z';

    beforeEach(async () => {
        h = await ContractHarness.create({ time: now });
        cast = await ehrCast(h);
    });

    it(`refuses a proposal stamped more than ${ProposalWindowMs / 60_000} minutes from the endorser's clock, either way`, async () => {
        const delegate = JSON.stringify({ mspId: Hospital, actorId: cast.patient2Id });
        for (const skew of [-minutes(10), minutes(10), -minutes(24 * 60)]) {
            await expectRejected(
                h,
                () => h.submit(cast.patient, 'ehr:NameDelegate', [delegate], { time: at(now, skew), peerTime: now }),
                { code: 'INVALID_ARGUMENT', field: 'timestamp' },
            );
        }
        await expect(
            h.evaluate(cast.patient, 'ehr:ListDelegates', ['', ''], { time: at(now, -minutes(10)), peerTime: now }),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'timestamp' });
        // Within the window (clock skew), the proposal is endorsed.
        await h.submit(cast.patient, 'ehr:NameDelegate', [delegate], { time: at(now, -minutes(4)), peerTime: now });
    });

    it('an expired consent cannot be used by a proposal dated before its end', async () => {
        await registerRecord(h, cast.physician, cast.patientId, 'rec-1');
        await grantConsent(h, cast.patient, 'c-1', { period: { end: at(now, minutes(30)) } });
        h.setTime(at(now, minutes(31)));
        await expectRejected(
            h,
            () =>
                h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'TREAT'], {
                    time: at(now, minutes(29)),
                    peerTime: at(now, minutes(31)),
                }),
            { code: 'CONFLICT', field: 'timestamp' },
        );
        // Honestly dated, the access is a recorded denial.
        const honest = await h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'TREAT']);
        expect(honest.json()).toMatchObject({ allowed: false, audit: { outcomeDesc: 'consent-expired' } });
    });

    it('an expired licence cannot register a record by a proposal dated before its end', async () => {
        const clinician = h.identity({ mspId: Hospital, role: 'physician', actorId: 'prac-hosp-0777' });
        await licensePractitioner(h, { mspId: Hospital, actorId: 'prac-hosp-0777' }, 'MedicalLicense', {
            validUntil: at(now, minutes(30)),
        });
        h.setTime(at(now, minutes(31)));
        await expectRejected(
            h,
            () =>
                h.submit(clinician, 'ehr:RegisterRecord', [JSON.stringify(recordInput('rec-9', cast.patientId))], {
                    time: at(now, minutes(29)),
                    peerTime: at(now, minutes(31)),
                }),
            { code: 'CONFLICT', field: 'timestamp' },
        );
    });

    it('an ended delegation cannot grant a consent by a proposal dated before its end', async () => {
        const delegate = h.identity({ mspId: Hospital, role: 'patient', actorId: cast.patient2Id });
        await h.submit(cast.patient, 'ehr:NameDelegate', [
            JSON.stringify({ mspId: Hospital, actorId: cast.patient2Id, until: at(now, minutes(30)) }),
        ]);
        h.setTime(at(now, minutes(31)));
        await expectRejected(
            h,
            () =>
                h.submit(
                    delegate,
                    'ehr-consent:GrantConsent',
                    [JSON.stringify(consentInput('c-late', { patientId: cast.patientId }))],
                    { time: at(now, minutes(29)), peerTime: at(now, minutes(31)) },
                ),
            { code: 'CONFLICT', field: 'timestamp' },
        );
    });
});
