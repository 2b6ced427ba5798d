#!/usr/bin/env node
/**
 * Independent W3C VC 2.0 verifier for what CareLedger's gateways issue: Digital Bazaar's
 * reference libraries (@digitalbazaar/vc, data-integrity, ecdsa-rdfc-2019-cryptosuite,
 * ecdsa-multikey, vc-bitstring-status-list) and jsonld.js, none of which the gateway uses to
 * sign. Its document loader knows the W3C contexts from local packages and reaches nothing but
 * the gateways under test (loopback hosts): did:web DID documents, status list credentials and
 * CareLedger's context are fetched from them by HTTP GET.
 *
 * For each credential or presentation (JSON files) it reports:
 *  - safeMode: jsonld.expand in safe mode succeeds, and no term fell back to the VC context's
 *    `@vocab` (https://www.w3.org/ns/credentials/issuer-dependent#);
 *  - proof: the Data Integrity proof verifies with the key of the issuer's (holder's) DID document;
 *  - trusted: the consortium's issuer registry (GET /credentials/issuers/<MSP>/<type> on the
 *    issuer's gateway) trusts the DID's org for each credential type;
 *  - status: revocation / suspension bits of the signed Bitstring Status Lists;
 *  - verified: all of it; errors name what failed.
 *
 *   node verify.mjs [--challenge C --domain D] FILE...   → JSON report on stdout
 * Exit 0 when every file could be checked (the report says whether each verified), 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { checkStatus as checkBitstringStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { contexts as w3cContexts } from '@digitalbazaar/credentials-context';
import jsonld from 'jsonld';

const CareLedgerContextUrl = 'https://careledger.org/ns/credentials/v1';
const IssuerDependent = 'https://www.w3.org/ns/credentials/issuer-dependent#';
const loopback = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

const args = process.argv.slice(2);
const option = (name) => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const [, value] = args.splice(at, 2);
    return value;
};
const challenge = option('--challenge');
const domain = option('--domain');
if (args.length === 0) {
    console.error('usage: verify.mjs [--challenge C --domain D] FILE...');
    process.exit(2);
}

const fetched = new Map();
async function getJson(url) {
    const target = new URL(url);
    if (!loopback.test(target.host)) throw new Error(`${url}: only the gateways under test (loopback) are reachable`);
    if (!fetched.has(url)) {
        fetched.set(
            url,
            (async () => {
                const response = await fetch(url, {
                    headers: { accept: 'application/vc, application/did+json, application/ld+json, application/json' },
                });
                if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
                return response.json();
            })(),
        );
    }
    return fetched.get(url);
}

/** did:web → https://host/path/did.json (http on loopback, where the test gateways listen). */
function didWebUrl(did) {
    const [, , host, ...segments] = did.split(':');
    const hostname = decodeURIComponent(host);
    const scheme = loopback.test(hostname) ? 'http' : 'https';
    const pathPart = segments.length ? `${segments.map(decodeURIComponent).join('/')}/` : '.well-known/';
    return `${scheme}://${hostname}/${pathPart}did.json`;
}

/** The gateway a CareLedger did:web lives on (to ask its registry), from the DID. */
function gatewayOfDid(did) {
    const url = new URL(didWebUrl(did));
    const segments = url.pathname.split('/').filter(Boolean);
    return {
        base: `${url.protocol}//${url.host}/${segments.slice(0, -3).join('/')}`.replace(/\/$/, ''),
        mspId: segments.at(-2),
    };
}

let careLedgerContextFrom;
async function documentLoader(url) {
    const local = w3cContexts.get(url);
    if (local) return { contextUrl: null, documentUrl: url, document: local };
    if (url === CareLedgerContextUrl) {
        // Served by the gateway under test (GET /ns/credentials/v1), as a verifier would map it.
        if (!careLedgerContextFrom) throw new Error('no gateway to load the CareLedger context from');
        return {
            contextUrl: null,
            documentUrl: url,
            document: await getJson(`${careLedgerContextFrom}/ns/credentials/v1`),
        };
    }
    if (url.startsWith('did:web:')) {
        const [did, fragment] = url.split('#');
        const document = await getJson(didWebUrl(did));
        if (document.id !== did) throw new Error(`${didWebUrl(did)} describes ${document.id}, not ${did}`);
        if (!fragment) return { contextUrl: null, documentUrl: url, document };
        const method = document.verificationMethod?.find((m) => m.id === url);
        if (!method) throw new Error(`${did} has no verification method ${url}`);
        return {
            contextUrl: null,
            documentUrl: url,
            document: { '@context': 'https://w3id.org/security/multikey/v1', ...method },
        };
    }
    if (url.startsWith('http://') || url.startsWith('https://')) {
        return { contextUrl: null, documentUrl: url, document: await getJson(url) };
    }
    throw new Error(`offline verifier: ${url} is not loadable`);
}

// did/v1 and multikey/v1 contexts: the verifier only reads DID documents as JSON, but the
// proof purpose check may process them; minimal local definitions of the terms used.
w3cContexts.set('https://w3id.org/security/multikey/v1', {
    '@context': {
        id: '@id',
        type: '@type',
        '@protected': true,
        Multikey: {
            '@id': 'https://w3id.org/security#Multikey',
            '@context': {
                '@protected': true,
                id: '@id',
                type: '@type',
                controller: { '@id': 'https://w3id.org/security#controller', '@type': '@id' },
                revoked: {
                    '@id': 'https://w3id.org/security#revoked',
                    '@type': 'http://www.w3.org/2001/XMLSchema#dateTime',
                },
                expires: {
                    '@id': 'https://w3id.org/security#expiration',
                    '@type': 'http://www.w3.org/2001/XMLSchema#dateTime',
                },
                publicKeyMultibase: {
                    '@id': 'https://w3id.org/security#publicKeyMultibase',
                    '@type': 'https://w3id.org/security#multibase',
                },
                secretKeyMultibase: {
                    '@id': 'https://w3id.org/security#secretKeyMultibase',
                    '@type': 'https://w3id.org/security#multibase',
                },
            },
        },
    },
});

const suite = new DataIntegrityProof({ cryptosuite: ecdsaRdfc2019 });

/** Bitstring status: a set bit fails verification, naming the purpose. */
async function checkStatus(options) {
    const result = await checkBitstringStatus({ ...options, suite, documentLoader });
    if (!result.verified) return result;
    const set = result.results.filter((r) => r.status);
    if (set.length > 0) {
        const purposes = set.map((r) => r.credentialStatus.statusPurpose);
        return {
            verified: false,
            results: result.results,
            error: new Error(`credential status: ${purposes.join(', ')}`),
            purposes,
        };
    }
    return result;
}

async function safeMode(document) {
    const expanded = await jsonld.expand(document, { documentLoader, safe: true });
    const text = JSON.stringify(expanded);
    if (text.includes(IssuerDependent)) {
        const terms = [
            ...new Set(text.match(new RegExp(`${IssuerDependent.replace(/[.#/]/g, '\\$&')}[A-Za-z0-9_-]+`, 'g'))),
        ];
        throw new Error(`terms no context defines (fell back to @vocab): ${terms.join(', ')}`);
    }
}

async function registryTrusts(credential) {
    const did = typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
    const { base, mspId } = gatewayOfDid(did);
    const types = credential.type.filter((t) => !['VerifiableCredential', 'BitstringStatusListCredential'].includes(t));
    const problems = [];
    for (const type of types) {
        const name = decodeURIComponent(type.replace('https://careledger.org/ns/credentials#', ''));
        const response = await fetch(
            `${base}/credentials/issuers/${encodeURIComponent(mspId)}/${encodeURIComponent(name)}`,
        );
        const entry = response.ok ? await response.json() : undefined;
        if (entry?.status !== 'trusted')
            problems.push(
                `the registry does not trust ${mspId} for ${name} (${entry ? entry.status : response.status})`,
            );
    }
    return problems;
}

function messages(result) {
    const out = [];
    const walk = (error) => {
        if (!error) return;
        if (Array.isArray(error)) return error.forEach(walk);
        if (error.errors) return walk(error.errors);
        out.push(error.message ?? String(error));
        if (error.cause) walk(error.cause);
    };
    walk(result?.error);
    for (const r of result?.results ?? []) if (!r.verified) walk(r.error);
    for (const r of result?.credentialResults ?? []) if (!r.verified) out.push(...messages(r));
    if (result?.statusResult && !result.statusResult.verified) walk(result.statusResult.error);
    return [...new Set(out)];
}

async function verifyFile(file) {
    const document = JSON.parse(readFileSync(file, 'utf8'));
    const report = {
        file: path.basename(file),
        kind: document.type?.includes('VerifiablePresentation') ? 'vp' : 'vc',
        errors: [],
    };
    const issuerOrHolder =
        report.kind === 'vp'
            ? document.holder
            : typeof document.issuer === 'object'
              ? document.issuer.id
              : document.issuer;
    try {
        careLedgerContextFrom = issuerOrHolder?.startsWith('did:web:') ? gatewayOfDid(issuerOrHolder).base : undefined;
    } catch {
        careLedgerContextFrom = undefined;
    }
    try {
        await safeMode(document);
        report.safeMode = true;
    } catch (error) {
        report.safeMode = false;
        report.errors.push(`safe mode: ${error.message}`);
    }
    let result;
    if (report.kind === 'vp') {
        result = await vc.verify({ presentation: document, challenge, domain, suite, documentLoader, checkStatus });
        report.proof = result.presentationResult?.verified === true;
        report.credentials = (result.credentialResults ?? []).map((r) => ({
            id: r.credentialId,
            verified: r.verified,
        }));
        for (const credential of document.verifiableCredential ?? []) {
            const problems = await registryTrusts(credential);
            report.errors.push(...problems);
        }
    } else {
        const isStatusList = document.type?.includes('BitstringStatusListCredential');
        result = await vc.verifyCredential({ credential: document, suite, documentLoader, checkStatus });
        report.proof = result.results?.[0]?.verified === true;
        if (result.statusResult) {
            report.status = result.statusResult.verified
                ? 'clear'
                : (result.statusResult.purposes ?? ['unavailable']).join(',');
        }
        if (!isStatusList) report.errors.push(...(await registryTrusts(document)));
    }
    report.errors.push(...messages(result));
    report.trusted = !report.errors.some((e) => e.startsWith('the registry does not trust'));
    report.verified = result.verified === true && report.safeMode && report.trusted;
    return report;
}

const reports = [];
for (const file of args) {
    try {
        reports.push(await verifyFile(file));
    } catch (error) {
        reports.push({ file: path.basename(file), verified: false, errors: [`could not check: ${error.message}`] });
    }
}
console.log(JSON.stringify({ verifier: versions(), reports }, null, 2));

function versions() {
    const require = (name) =>
        JSON.parse(readFileSync(new URL(`../../../node_modules/${name}/package.json`, import.meta.url), 'utf8'))
            .version;
    return Object.fromEntries(
        [
            '@digitalbazaar/vc',
            '@digitalbazaar/data-integrity',
            '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite',
            '@digitalbazaar/ecdsa-multikey',
            '@digitalbazaar/vc-bitstring-status-list',
            '@digitalbazaar/credentials-context',
            'jsonld',
        ].map((n) => [n, require(n)]),
    );
}
