import { commitDocument } from '../../gateway/src/credentials';
import { uniqueId } from '../support/ledger';
import type { RestGateway } from './rest-support';

/**
 * Licensing through the regulator's REST gateway, as the regulator would do it: trust itself
 * as issuer of `type` (a CONFLICT means it already does) and attest the practitioner unless
 * a valid credential is already on the ledger (the Fabric network is shared between runs).
 */
export async function licenseViaRest(
    regulator: RestGateway,
    subject: { mspId: string; actorId: string },
    type: string,
): Promise<void> {
    const token = await regulator.token('admin');
    const trusted = await regulator.call('POST', '/credentials/issuers', {
        token,
        body: { type, mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' },
    });
    if (trusted.status !== 201 && trusted.status !== 409) {
        throw new Error(`registering issuer failed: ${JSON.stringify(trusted.body)}`);
    }
    const standing = await regulator.call<{ verdict: string }>(
        'GET',
        `/practitioners/${subject.mspId}/${subject.actorId}/standing/${type}`,
        {
            token,
        },
    );
    if (standing.body.verdict === 'valid') {
        return;
    }
    const issued = await regulator.call('POST', '/credentials', {
        token,
        body: {
            id: uniqueId(`lic-${subject.actorId}`),
            type,
            subject,
            commitment: commitDocument(uniqueId('licence')).commitment,
        },
    });
    if (issued.status !== 201) {
        throw new Error(`issuing ${type} failed: ${JSON.stringify(issued.body)}`);
    }
}
