/**
 * Issuer DIDs: `did:web` (W3C CCG did:web method). Each org's issuer DID lives under the
 * gateway's public URL: `did:web:<host>[%3A<port>][:<path>...]:dids:<MSP id>` resolves to
 * `https://<host>[:<port>][/<path>...]/dids/<MSP id>/did.json`, which every org's gateway serves
 * for every org from the keys the ledger binds to that org (credentials-issuers, BindIssuerKey).
 * A port is percent-encoded (`%3A`) as the method requires; on loopback hosts resolvers use
 * `http:` (our test gateways), everywhere else `https:`.
 */
export const DidsPath = '/dids';

const MspIdPattern = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

/** The DID of `mspId`'s issuer under the gateway published at `publicUrl`. */
export function issuerDid(publicUrl: string, mspId: string): string {
    const url = new URL(publicUrl);
    const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
    const path = url.pathname.split('/').filter(Boolean).map(encodeURIComponent);
    return ['did:web', host, ...path, 'dids', mspId].join(':');
}

/** The `did.json` URL a did:web resolves to. */
export function didWebDocumentUrl(did: string): string {
    const parts = did.split(':');
    if (parts.length < 3 || parts[0] !== 'did' || parts[1] !== 'web') throw new Error(`${did} is not a did:web`);
    const host = decodeURIComponent(parts[2]);
    const path = parts.slice(3).map(decodeURIComponent);
    const loopback = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
    return `${loopback ? 'http' : 'https'}://${host}/${path.length ? `${path.join('/')}/` : '.well-known/'}did.json`;
}

/** The MSP id a CareLedger issuer DID names (`...:dids:<MSP id>`), or undefined for any other DID. */
export function mspIdOfIssuerDid(did: string): string | undefined {
    const parts = did.split('#')[0].split(':');
    if (parts[0] !== 'did' || parts[1] !== 'web' || parts.length < 5 || parts[parts.length - 2] !== 'dids') {
        return undefined;
    }
    const mspId = parts[parts.length - 1];
    return MspIdPattern.test(mspId) ? mspId : undefined;
}

export function verificationMethodId(did: string, publicKeyMultibase: string): string {
    return `${did}#${publicKeyMultibase}`;
}

/** A DID document listing `keys` (P-256 Multikeys) for assertions (issuing) and authentication (presenting). */
export function didDocument(did: string, keys: readonly string[]): Record<string, unknown> {
    const methods = keys.map((publicKeyMultibase) => ({
        id: verificationMethodId(did, publicKeyMultibase),
        type: 'Multikey',
        controller: did,
        publicKeyMultibase,
    }));
    const ids = methods.map((m) => m.id);
    return {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: did,
        verificationMethod: methods,
        assertionMethod: ids,
        authentication: ids,
    };
}

/** did:key for a P-256 Multikey (holders with their own wallet key): `did:key:<multikey>`. */
export function didKeyOf(publicKeyMultibase: string): string {
    return `did:key:${publicKeyMultibase}`;
}
