import { createHash } from 'node:crypto';
import type { DigestSigner } from '../ledger';

/**
 * The token Fabric CA takes in the `authorization` header of calls made as an enrolled
 * identity (register, reenroll, revoke...), as fabric-ca v1.5's util.GenECDSAToken makes it:
 *
 *   payload = METHOD "." b64(uri) "." b64(body) "." b64(certificate PEM)
 *   token   = b64(certificate PEM) "." b64(DER ECDSA signature of SHA-256(payload))
 *
 * with standard base64 (padded) throughout; `uri` is the request URI the server sees (path and
 * query, e.g. `/api/v1/register`). The server verifies with its BCCSP, which refuses high-S
 * signatures, so the signer must produce low-S ones (fabric-gateway's signers do).
 */
export interface TokenRequest {
    method: string;
    uri: string;
    body: Uint8Array;
    certificate: string;
}

export function tokenPayload(request: TokenRequest): string {
    return [
        request.method,
        b64(Buffer.from(request.uri, 'utf8')),
        b64(request.body),
        b64(Buffer.from(request.certificate, 'utf8')),
    ].join('.');
}

export async function createCaToken(request: TokenRequest, sign: DigestSigner): Promise<string> {
    const digest = createHash('sha256').update(tokenPayload(request), 'utf8').digest();
    const signature = await sign(digest);
    return `${b64(Buffer.from(request.certificate, 'utf8'))}.${b64(signature)}`;
}

function b64(bytes: Uint8Array): string {
    return Buffer.from(bytes).toString('base64');
}
