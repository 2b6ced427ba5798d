import { commitDocument, CredentialsClient } from '../../credentials';
import { LedgerError } from '../../ledger';
import { EvaluatingUsers, type Workload } from '../workload';

const isCode = (error: unknown, code: string) => error instanceof LedgerError && error.code === code;

/** A presented licence checked against its commitment and standing, evaluated on each org's peer in turn. */
export const verifyCredential: Workload = {
    name: 'verify-credential',
    title: 'Verify a credential (evaluate)',
    call: 'evaluate',
    operation:
        'CredentialsClient.verify of a presented MedicalLicense document (hashed locally), by a user of each org in turn',
    callsPerOp: 1,
    floor: 'floor-get',
    async prepare(context) {
        const regulator = new CredentialsClient(await context.session('regulator', 'admin'));
        await regulator
            .registerIssuer({
                type: 'MedicalLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            })
            .catch((error: unknown) => {
                if (!isCode(error, 'CONFLICT')) throw error;
            });
        const document = `bench MedicalLicense ${context.tag}`;
        const committed = commitDocument(document);
        const credentialId = `vc-${context.tag}`;
        await regulator.issue({
            id: credentialId,
            type: 'MedicalLicense',
            subject: { mspId: 'HospitalMSP', actorId: `bench-${context.tag}` },
            commitment: committed.commitment,
        });
        const verifiers: CredentialsClient[] = [];
        for (const [org, user] of EvaluatingUsers) {
            verifiers.push(new CredentialsClient(await context.session(org, user)));
        }
        return async (client) => {
            const verification = await verifiers[client % verifiers.length].verify(credentialId, {
                document,
                salt: committed.salt,
            });
            if (verification.verdict !== 'valid') {
                throw new Error(`verify-credential: ${verification.verdict} (${verification.reason})`);
            }
        };
    },
};
