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
    const checked = issuedCertificate(certificate, root, mspId, proposal.txId);
    if (now.getTime() < checked.validFrom || now.getTime() > checked.validTo) {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate is not valid at ${now.toISOString()}`, {
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

/**
 * Certificates whose chain and NodeOU already passed, by root and PEM: parsing and verifying the
 * chain on every proposal cost more than the rest of the check, and the same few certificates
 * sign over and over. The validity period and the proposal signature are still checked each time.
 */
const issued = new Map<X509Certificate, Map<string, { validFrom: number; validTo: number }>>();
const issuedCacheSize = 1024;

function issuedCertificate(
    certificate: string,
    root: X509Certificate,
    mspId: string,
    txId: string,
): { validFrom: number; validTo: number } {
    let byPem = issued.get(root);
    const known = byPem?.get(certificate);
    if (known) {
        return known;
    }
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(certificate);
    } catch {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate of ${mspId} cannot be parsed`, {
            transactionId: txId,
        });
    }
    if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
        throw new LedgerError('UNAUTHENTICATED', `the creator's certificate was not issued by the CA of ${mspId}`, {
            transactionId: txId,
        });
    }
    const units = cert.subject
        .split('\n')
        .filter((line) => line.startsWith('OU='))
        .map((line) => line.slice(3));
    if (!units.some((unit) => unit === 'client' || unit === 'admin')) {
        throw new LedgerError('UNAUTHENTICATED', 'the creator is neither a client nor an admin of its MSP', {
            transactionId: txId,
        });
    }
    const checked = { validFrom: new Date(cert.validFrom).getTime(), validTo: new Date(cert.validTo).getTime() };
    if (!byPem) {
        byPem = new Map();
        issued.set(root, byPem);
    }
    if (byPem.size >= issuedCacheSize) {
        byPem.delete(byPem.keys().next().value as string);
    }
    byPem.set(certificate, checked);
    return checked;
}
