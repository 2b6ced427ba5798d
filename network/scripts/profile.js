#!/usr/bin/env node
/**
 * profile.js OUTPUT ORG MSPID CHANNEL CHAINCODE NAME=ENDPOINT=TLS_ROOT_CERT...
 *
 * Writes an org's connection profile, the file the gateway's Fabric ledger reads
 * (gateway/src/ledger/fabric/) to find the org's peers. The peers are listed in order of
 * preference: the gateway uses the first and fails over to the next.
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
fs.writeFileSync(output, `${JSON.stringify(profile, null, 2)}\n`);
