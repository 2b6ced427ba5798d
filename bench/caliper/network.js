#!/usr/bin/env node
/**
 * Writes Caliper's network configuration for the running CareLedger network, from what
 * network/network.sh generated (each org's connection.json and its users' MSP folders):
 *
 *   bench-results/caliper/networkconfig.json   channel, both chaincodes, the identities below
 *   bench-results/caliper/<org>-ccp.json       a Fabric common connection profile per org
 *
 * Paths are absolute, so the files only fit the network they were generated from: run again
 * after `network.sh restart`. See bench/README.md.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const orgsDir = process.env.CARELEDGER_NETWORK_DIR || path.join(root, 'network', 'organizations');
const outDir = path.join(root, 'bench-results', 'caliper');

/** The users the workloads act as, per org. */
const users = {
    hospital: ['physician1', 'patient1', 'pharmacist1'],
    manufacturer: ['operator1'],
    distributor: ['operator1'],
    regulator: ['admin', 'inspector1'],
};

function main() {
    const peerOrgs = path.join(orgsDir, 'peerOrganizations');
    if (!fs.existsSync(peerOrgs)) {
        throw new Error(`no network under ${orgsDir}: bring it up first (bash network/network.sh restart)`);
    }
    fs.mkdirSync(outDir, { recursive: true });
    const organizations = [];
    let channel = 'careledger';
    for (const domain of fs.readdirSync(peerOrgs).sort()) {
        const profileFile = path.join(peerOrgs, domain, 'connection.json');
        if (!fs.existsSync(profileFile)) continue;
        const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
        if (!users[profile.org]) continue;
        channel = profile.channel;
        const ccpFile = path.join(outDir, `${profile.org}-ccp.json`);
        fs.writeFileSync(ccpFile, `${JSON.stringify(connectionProfile(profile), null, 2)}\n`);
        organizations.push({
            mspid: profile.mspId,
            identities: {
                certificates: users[profile.org].map((user) => {
                    const msp = path.join(peerOrgs, domain, 'users', `${user}@${domain}`, 'msp');
                    const keystore = path.join(msp, 'keystore');
                    return {
                        name: user,
                        clientPrivateKey: { path: path.join(keystore, fs.readdirSync(keystore)[0]) },
                        clientSignedCert: { path: path.join(msp, 'signcerts', 'cert.pem') },
                    };
                }),
            },
            connectionProfile: { path: ccpFile, discover: true },
        });
    }
    const config = {
        name: 'CareLedger',
        version: '2.0.0',
        caliper: { blockchain: 'fabric' },
        channels: [{ channelName: channel, contracts: [{ id: 'careledger' }, { id: 'careledger-bench' }] }],
        organizations,
    };
    const configFile = path.join(outDir, 'networkconfig.json');
    fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), configFile)} and ${organizations.length} connection profiles`);
}

/** Caliper's peer-gateway connector reads the org's first peer: url, tlsCACerts, grpcOptions. */
function connectionProfile(profile) {
    const peers = {};
    for (const peer of profile.peers) {
        peers[peer.name] = {
            url: `grpcs://${peer.endpoint}`,
            tlsCACerts: { path: peer.tlsRootCertPath },
            grpcOptions: { 'ssl-target-name-override': peer.hostAlias },
        };
    }
    return {
        name: `careledger-${profile.org}`,
        version: '1.0.0',
        client: { organization: profile.org },
        organizations: { [profile.org]: { mspid: profile.mspId, peers: profile.peers.map((peer) => peer.name) } },
        peers,
    };
}

main();
