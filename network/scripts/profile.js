#!/usr/bin/env node
/**
 * profile.js OUTPUT ORG MSPID CHANNEL CHAINCODE NAME=ENDPOINT=TLS_ROOT_CERT...
 *
 * Writes an org's connection profile, the file the gateway's Fabric ledger reads
 * (gateway/src/ledger/fabric/) to find the org's peers. The peers are listed in order of
 * preference: the gateway uses the first and fails over to the next.
 *
 * `certificateAuthority` is where the gateway registers and enrols new users: the org's CA at
 * env.sh's port plan (CA k at CARELEDGER_PORT_BASE + 400 + 10k, k the org's position in
 * consortium.json), trusted through the org's CA certificate (msp/tlscacerts/ca.pem beside this
 * profile, which signs the CA's TLS certificate), and the CA's bootstrap registrar, which ca.sh
 * enrols into <data dir>/registrar.<org>/msp — the one identity allowed to register users with
 * the careledger.* attributes (the org's `admin` user is registered without hf.Registrar.*).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [output, org, mspId, channel, chaincode, ...peers] = process.argv.slice(2);
if (!output || !peers.length) {
    console.error('usage: profile.js OUTPUT ORG MSPID CHANNEL CHAINCODE NAME=ENDPOINT=TLS_ROOT_CERT...');
    process.exit(2);
}
const profile = {
    org,
    mspId,
    channel,
    chaincode,
    peers: peers.map((spec) => {
        const [name, endpoint, tlsRootCertPath] = spec.split('=');
        return { name, endpoint, hostAlias: name, tlsRootCertPath: path.resolve(tlsRootCertPath) };
    }),
};
const certificateAuthority = certificateAuthorityOf(org);
if (certificateAuthority) {
    profile.certificateAuthority = certificateAuthority;
}
fs.writeFileSync(output, `${JSON.stringify(profile, null, 2)}\n`);

function certificateAuthorityOf(name) {
    const file = process.env.CONSORTIUM_FILE || path.join(__dirname, '..', 'consortium.json');
    const consortium = JSON.parse(fs.readFileSync(file, 'utf8'));
    const position = [...consortium.orgs, ...(consortium.addableOrgs || [])].findIndex((o) => o.org === name);
    if (position < 0) {
        return undefined;
    }
    const portBase = Number(process.env.CARELEDGER_PORT_BASE || 7000);
    const dataDir = process.env.CARELEDGER_NETWORK_DATA_DIR || path.join(__dirname, '..', 'data');
    return {
        url: `https://127.0.0.1:${portBase + 400 + 10 * (position + 1)}`,
        caName: `ca-${name}`,
        tlsRootCertPath: path.resolve(path.dirname(output), 'msp', 'tlscacerts', 'ca.pem'),
        registrar: { name: 'registrar', mspPath: path.resolve(dataDir, `registrar.${name}`, 'msp') },
    };
}
