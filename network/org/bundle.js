#!/usr/bin/env node
/**
 * The JSON steps of per-organisation operations (org.sh); the shell does the Fabric calls.
 *
 *   bundle.js describe OUT ORG MSPID DOMAIN IS_ORDERER NAME=HOST:PORT...
 *       org.json of a public bundle: the org, its MSP id, and its peers (anchor peers) or its
 *       orderers (endpoints; their TLS and enrolment certificates sit beside it in orderers/)
 *   bundle.js check-public DIR
 *       exit 1, naming each file, when anything under DIR is or holds a private key
 *   bundle.js profile OUT ORG MSPID CHANNEL CHAINCODE CA_URL REGISTRAR_MSP NAME=ENDPOINT=TLS_ROOT...
 *       the connection profile the CareLedger gateway reads (gateway/src/ledger/fabric)
 *   bundle.js configtx OUT BATCH_TIMEOUT BATCH_MAX CAPABILITY ORDERER_BUNDLE_DIR MEMBER_BUNDLE_DIR...
 *       configtx.yaml (written as JSON, which YAML reads) with profile CareLedgerChannel: the
 *       orderer org's consenters and endpoints, the members with their anchor peers, and the
 *       policies and Raft options of network/configtx/configtx.yaml (Admins: MAJORITY of the
 *       members' admins; TickInterval and ElectionTick from $RAFT_TICK_INTERVAL and
 *       $RAFT_ELECTION_TICK, which env.sh sets)
 *   bundle.js org-configtx OUT BUNDLE_DIR
 *       configtx.yaml with only the org of BUNDLE_DIR, for `configtxgen -printOrg`
 *   bundle.js remove-org CONFIG.json MSPID OUT.json
 *       CONFIG without the org in its application group (exit 1 when it is not there)
 *   bundle.js replace-msp CONFIG.json ORG.json MSPID OUT.json
 *       CONFIG with the org's MSP value (CA certificates, NodeOUs) from ORG.json
 *       (configtxgen -printOrg of its new bundle); policies and anchor peers stay
 *   bundle.js definition OUT NAME VERSION SEQUENCE LABEL MSPID...
 *       a chaincode definition every org approves: OutOf(2, each member's peers)
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** An environment variable org.sh passes from network/scripts/env.sh; exit 2 naming it when unset. */
function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`bundle.js: ${name} is not set (org.sh passes it from network/scripts/env.sh)`);
        process.exit(2);
    }
    return value;
}
const write = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function walk(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? [full, ...walk(full)] : [full];
    });
}

/** A file that is a private key, by name or by content (PEM or DER-in-PEM of any key type). */
function privateKeyReason(file) {
    const name = path.basename(file);
    if (/(_sk|\.key|key\.pem)$/i.test(name) || /(^|\/)keystore(\/|$)/.test(file)) {
        return `its name (${name}) is a key file's`;
    }
    if (fs.statSync(file).isFile() && /PRIVATE KEY/.test(fs.readFileSync(file, 'latin1'))) {
        return 'it holds a PEM private key';
    }
    return undefined;
}

function orgPolicies(msp) {
    const sig = (rule) => ({ Type: 'Signature', Rule: rule });
    return {
        Readers: sig(`OR('${msp}.admin', '${msp}.peer', '${msp}.client')`),
        Writers: sig(`OR('${msp}.admin', '${msp}.client')`),
        Admins: sig(`OR('${msp}.admin')`),
        Endorsement: sig(`OR('${msp}.peer')`),
    };
}

function memberOrg(dir) {
    const org = read(path.join(dir, 'org.json'));
    return {
        Name: org.mspId,
        ID: org.mspId,
        MSPDir: path.resolve(dir, 'msp'),
        Policies: orgPolicies(org.mspId),
        AnchorPeers: org.nodes.map((n) => ({ Host: n.host, Port: n.port })),
    };
}

const meta = (rule) => ({ Type: 'ImplicitMeta', Rule: rule });

const [command, ...args] = process.argv.slice(2);
switch (command) {
    case 'describe': {
        const [out, org, mspId, domain, isOrderer, ...nodes] = args;
        write(out, {
            org,
            mspId,
            domain,
            kind: isOrderer === 'true' ? 'orderer' : 'peer',
            nodes: nodes.map((spec) => {
                const [name, address] = spec.split('=');
                const [host, port] = address.split(':');
                return { name, host, port: Number(port) };
            }),
        });
        break;
    }
    case 'check-public': {
        const offending = walk(args[0])
            .map((file) => [file, privateKeyReason(file)])
            .filter(([, reason]) => reason);
        for (const [file, reason] of offending) {
            console.error(`refused: ${path.relative(args[0], file)}: ${reason}`);
        }
        process.exit(offending.length ? 1 : 0);
        break;
    }
    case 'profile': {
        const [out, org, mspId, channel, chaincode, caUrl, registrarMsp, ...peers] = args;
        write(out, {
            org,
            mspId,
            channel,
            chaincode,
            peers: peers.map((spec) => {
                const [name, endpoint, tlsRootCertPath] = spec.split('=');
                return { name, endpoint, hostAlias: name, tlsRootCertPath };
            }),
            certificateAuthority: {
                url: caUrl,
                caName: `ca-${org}`,
                tlsRootCertPath: path.resolve(path.dirname(out), 'msp', 'tlscacerts', 'ca.pem'),
                registrar: { name: 'registrar', mspPath: registrarMsp },
            },
        });
        break;
    }
    case 'configtx': {
        const [out, batchTimeout, batchMax, capability, ordererDir, ...memberDirs] = args;
        const orderer = read(path.join(ordererDir, 'org.json'));
        const ordererOrg = {
            Name: orderer.mspId,
            ID: orderer.mspId,
            MSPDir: path.resolve(ordererDir, 'msp'),
            Policies: {
                Readers: { Type: 'Signature', Rule: `OR('${orderer.mspId}.member')` },
                Writers: { Type: 'Signature', Rule: `OR('${orderer.mspId}.member')` },
                Admins: { Type: 'Signature', Rule: `OR('${orderer.mspId}.admin')` },
            },
            OrdererEndpoints: orderer.nodes.map((n) => `${n.host}:${n.port}`),
        };
        const members = memberDirs.map(memberOrg);
        const tls = (n) => path.resolve(ordererDir, 'orderers', `${n.name}.tls.crt`);
        write(out, {
            Organizations: [ordererOrg, ...members],
            Profiles: {
                CareLedgerChannel: {
                    Policies: {
                        Readers: meta('ANY Readers'),
                        Writers: meta('ANY Writers'),
                        Admins: meta('MAJORITY Admins'),
                    },
                    Capabilities: { [capability]: true },
                    Orderer: {
                        OrdererType: 'etcdraft',
                        BatchTimeout: batchTimeout,
                        BatchSize: {
                            MaxMessageCount: Number(batchMax),
                            AbsoluteMaxBytes: '10 MB',
                            PreferredMaxBytes: '2 MB',
                        },
                        EtcdRaft: {
                            Consenters: orderer.nodes.map((n) => ({
                                Host: n.host,
                                Port: n.port,
                                ClientTLSCert: tls(n),
                                ServerTLSCert: tls(n),
                            })),
                            // As network/configtx/configtx.yaml (CareLedgerRaft): tick and election from
                            // env.sh (100ms, 10: docs/reliability.md), the rest the same literals.
                            Options: {
                                TickInterval: required('RAFT_TICK_INTERVAL'),
                                ElectionTick: Number(required('RAFT_ELECTION_TICK')),
                                HeartbeatTick: 1,
                                MaxInflightBlocks: 5,
                                SnapshotIntervalSize: '4 MB',
                            },
                        },
                        Organizations: [ordererOrg],
                        Policies: {
                            Readers: meta('ANY Readers'),
                            Writers: meta('ANY Writers'),
                            Admins: meta('MAJORITY Admins'),
                            BlockValidation: meta('ANY Writers'),
                        },
                        Capabilities: { V2_0: true },
                    },
                    Application: {
                        Organizations: members,
                        Policies: {
                            Readers: meta('ANY Readers'),
                            Writers: meta('ANY Writers'),
                            Admins: meta('MAJORITY Admins'),
                            LifecycleEndorsement: meta('MAJORITY Endorsement'),
                            Endorsement: meta('MAJORITY Endorsement'),
                        },
                        Capabilities: { V2_5: true },
                    },
                },
            },
        });
        break;
    }
    case 'org-configtx': {
        const [out, dir] = args;
        write(out, { Organizations: [memberOrg(dir)] });
        break;
    }
    case 'remove-org': {
        const [configFile, mspId, out] = args;
        const config = read(configFile);
        const orgs = config.channel_group.groups.Application.groups;
        if (!orgs[mspId]) {
            process.exit(1);
        }
        delete orgs[mspId];
        write(out, config);
        break;
    }
    case 'replace-msp': {
        const [configFile, orgFile, mspId, out] = args;
        const config = read(configFile);
        const orgs = config.channel_group.groups.Application.groups;
        if (!orgs[mspId]) {
            process.exit(1);
        }
        orgs[mspId].values.MSP = read(orgFile).values.MSP;
        write(out, config);
        break;
    }
    case 'definition': {
        const [out, name, version, sequence, label, ...msps] = args;
        write(out, {
            name,
            version,
            sequence: Number(sequence),
            label,
            policy: `OutOf(2,${msps.map((m) => `'${m}.peer'`).join(',')})`,
        });
        break;
    }
    default:
        console.error('usage: bundle.js describe|check-public|profile|configtx|definition ...');
        process.exit(2);
}
