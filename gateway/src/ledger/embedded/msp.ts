import { X509Certificate } from 'node:crypto';
import { LedgerError } from '../errors';
import type { ParsedProposal } from './proposal';
import { verifyMessage } from './signing';

/**
 * The MSP check a peer makes before it runs a proposal: the creator's certificate must be
 * issued by the root CA of the MSP it claims, be valid now and carry a NodeOU client or
 * admin role, and the proposal must be signed by that certificate's key.
 */
export function validateCreator(
    proposal: ParsedProposal,
    trustedRoots: ReadonlyMap<string, X509Certificate>,
    now = new Date(),
): void {
    const { mspId, certificate } = proposal.creator;
    const root = trustedRoots.get(mspId);
    if (!root) {
        throw new LedgerError('UNAUTHENTICATED', `MSP ${mspId} is not a member of the channel`, {
            transactionId: proposal.txId,
        });
    }
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(certificate);
    } catch {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate of ${mspId} cannot be parsed`, {
            transactionId: proposal.txId,
        });
    }
    if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate was not issued by the CA of ${mspId}`, {
            transactionId: proposal.txId,
        });
    }
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate is not valid at ${now.toISOString()}`, {
            transactionId: proposal.txId,
        });
    }
    const units = cert.subject
        .split('\n')
        .filter((line) => line.startsWith('OU='))
        .map((line) => line.slice(3));
    if (!units.some((unit) => unit === 'client' || unit === 'admin')) {
        throw new LedgerError('UNAUTHENTICATED', 'the creator is neither a client nor an admin of its MSP', {
            transactionId: proposal.txId,
        });
    }
    let signed = false;
    try {
        signed = verifyMessage(certificate, proposal.proposalBytes, proposal.signature);
    } catch {
        signed = false;
    }
    if (!signed) {
        throw new LedgerError(
            'UNAUTHENTICATED',
            'the proposal signature does not verify with the creator certificate',
            {
                transactionId: proposal.txId,
            },
        );
    }
}
