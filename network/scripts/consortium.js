#!/usr/bin/env node
/**
 * Reads network/consortium.json for the shell scripts, which cannot parse JSON without jq
 * (not installed everywhere). Prints one record per line, fields separated by tabs.
 *
 *   consortium.js orgs              org mspId domain peers orgIndex founding|addable  (founding orgs first)
 *   consortium.js org NAME          the line of one org (exit 1 if unknown)
 *   consortium.js users NAME        name role id   (the org's users)
 *   consortium.js peers             org peerName peerIndex   (every peer of every org)
 *   consortium.js orderer           org mspId domain orderers
 *   consortium.js channel           channel chaincode
 *
 * orgIndex and peerIndex are stable positions (founding orgs, then addable orgs) from which
 * network/scripts/env.sh derives ports, so adding an org never moves another org's ports.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.env.CONSORTIUM_FILE || path.join(__dirname, '..', 'consortium.json');
const consortium = JSON.parse(fs.readFileSync(file, 'utf8'));
const founding = consortium.orgs.map((org) => ({ ...org, addable: false }));
const addable = (consortium.addableOrgs || []).map((org) => ({ ...org, addable: true }));
const all = [...founding, ...addable].map((org, index) => ({ ...org, orgIndex: index + 1 }));
const orderer = consortium.ordererOrg;
if (!orderer) {
    console.error(`${file}: ordererOrg is missing`);
    process.exit(1);
}

const line = (...fields) => console.log(fields.join('\t'));
const orgLine = (o) => line(o.org, o.mspId, o.domain, o.peers || 1, o.orgIndex, o.addable ? 'addable' : 'founding');

function find(name) {
    const org = all.find((o) => o.org === name);
    if (!org) {
        console.error(`unknown org "${name}"; known: ${all.map((o) => o.org).join(', ')}`);
        process.exit(1);
    }
    return org;
}

const [command, arg] = process.argv.slice(2);
switch (command) {
    case 'orgs':
        all.forEach(orgLine);
        break;
    case 'org':
        orgLine(find(arg));
        break;
    case 'users':
        find(arg).users.forEach((u) => line(u.name, u.role, u.id));
        break;
    case 'peers': {
        let peerIndex = 0;
        for (const o of all) {
            for (let n = 0; n < (o.peers || 1); n += 1) {
                line(o.org, `peer${n}.${o.domain}`, peerIndex);
                peerIndex += 1;
            }
        }
        break;
    }
    case 'orderer':
        line(orderer.org, orderer.mspId, orderer.domain, orderer.orderers || 3);
        break;
    case 'channel':
        line(consortium.channel, consortium.chaincode);
        break;
    default:
        console.error(`usage: consortium.js orgs|org NAME|users NAME|peers|orderer|channel`);
        process.exit(2);
}
