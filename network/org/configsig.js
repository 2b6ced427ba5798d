#!/usr/bin/env node
/**
 * Signatures over channel configuration updates, exchanged between orgs as files.
 *
 * An update (UPDATE.pb) is the unsigned envelope `org.sh propose-*` writes. Each admin signs it
 * on its own host (`peer channel signconfigtx` on a copy); what leaves that host is only the
 * signature: the ConfigSignature (signature header with the signer's certificate, and the ECDSA
 * signature over header + config update) plus the digest of the update it signs. The submitter
 * checks every signature cryptographically against the update it submits, so a signature over a
 * different update, or an update changed after signing, is refused before the orderer sees it.
 *
 *   configsig.js summary UPDATE.pb            what the update changes; its digest
 *   configsig.js extract SIGNED.pb UPDATE.pb OUT.sig
 *                                             the signature SIGNED.pb has and UPDATE.pb lacks
 *   configsig.js merge UPDATE.pb OUT.pb SIG...
 *                                             verifies each signature over UPDATE.pb, writes the
 *                                             envelope carrying them; prints "signers: MSP..."
 *   configsig.js members BLOCK.pb             the application orgs of a config block (MSP ids)
 *   configsig.js creator SIG                  the MSP id of a signature file
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { common, msp } = require('@hyperledger/fabric-protos');

function fail(message) {
    console.error(`ERROR: ${message}`);
    process.exit(1);
}

function readUpdate(file) {
    let envelope, payload, channel;
    try {
        envelope = common.Envelope.deserializeBinary(fs.readFileSync(file));
        payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        channel = common.ChannelHeader.deserializeBinary(payload.getHeader().getChannelHeader_asU8());
    } catch (error) {
        fail(`${file} is not a channel configuration update (it does not decode: ${error.message})`);
    }
    if (channel.getType() !== common.HeaderType.CONFIG_UPDATE) {
        fail(`${file} is not a channel configuration update (header type ${channel.getType()})`);
    }
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    const configUpdate = Buffer.from(updateEnvelope.getConfigUpdate_asU8());
    return { envelope, payload, updateEnvelope, configUpdate, channelId: channel.getChannelId() };
}

const digestOf = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

function signerOf(signatureHeaderBytes) {
    const header = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
    const identity = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    const pem = Buffer.from(identity.getIdBytes_asU8()).toString('utf8');
    return { mspId: identity.getMspid(), certificate: new crypto.X509Certificate(pem) };
}

function verify(configUpdate, sig) {
    const header = Buffer.from(sig.signatureHeader, 'base64');
    const { mspId, certificate } = signerOf(header);
    if (mspId !== sig.mspId) {
        return `the signature file says ${sig.mspId} but the signer's certificate is of ${mspId}`;
    }
    const ok = crypto.verify(
        'sha256',
        Buffer.concat([header, configUpdate]),
        certificate.publicKey,
        Buffer.from(sig.signature, 'base64'),
    );
    return ok
        ? undefined
        : `${mspId}'s signature does not verify over this update (signed another update, or the update was changed)`;
}

function groupNames(group, name) {
    const child = group && group.getGroupsMap().get(name);
    return child
        ? child
              .getGroupsMap()
              .toArray()
              .map(([key]) => key)
        : [];
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
    case 'summary': {
        const { configUpdate, channelId } = readUpdate(args[0]);
        const update = common.ConfigUpdate.deserializeBinary(configUpdate);
        const before = groupNames(update.getReadSet(), 'Application');
        const after = groupNames(update.getWriteSet(), 'Application');
        const writes = update.getWriteSet().getGroupsMap().get('Application');
        const changed = after.filter((org) => {
            const group = writes.getGroupsMap().get(org);
            // A member's group carries values or policies in the write set only when they change.
            return (
                before.includes(org) && (group.getValuesMap().getLength() > 0 || group.getPoliciesMap().getLength() > 0)
            );
        });
        console.log(`channel: ${channelId}`);
        console.log(`digest: ${digestOf(configUpdate)}`);
        console.log(`adds: ${after.filter((o) => !before.includes(o)).join(' ') || '-'}`);
        console.log(`removes: ${before.filter((o) => !after.includes(o)).join(' ') || '-'}`);
        console.log(`changes: ${changed.join(' ') || '-'}`);
        break;
    }
    case 'extract': {
        const [signedFile, updateFile, out] = args;
        const signed = readUpdate(signedFile);
        const original = readUpdate(updateFile);
        if (!signed.configUpdate.equals(original.configUpdate)) {
            fail(`${signedFile} signs a different update than ${updateFile}`);
        }
        const known = new Set(
            original.updateEnvelope
                .getSignaturesList()
                .map((s) => Buffer.from(s.getSignature_asU8()).toString('base64')),
        );
        const added = signed.updateEnvelope
            .getSignaturesList()
            .filter((s) => !known.has(Buffer.from(s.getSignature_asU8()).toString('base64')));
        if (added.length !== 1) {
            fail(`expected one new signature in ${signedFile}, found ${added.length}`);
        }
        const header = Buffer.from(added[0].getSignatureHeader_asU8());
        const { mspId, certificate } = signerOf(header);
        const sig = {
            channel: signed.channelId,
            updateDigest: digestOf(signed.configUpdate),
            mspId,
            signer: certificate.subject.replace(/\n/g, ', '),
            signatureHeader: header.toString('base64'),
            signature: Buffer.from(added[0].getSignature_asU8()).toString('base64'),
        };
        const problem = verify(signed.configUpdate, sig);
        if (problem) {
            fail(problem);
        }
        fs.writeFileSync(out, `${JSON.stringify(sig, null, 2)}\n`);
        console.log(`${mspId} signed update ${sig.updateDigest.slice(0, 16)}... (${sig.signer})`);
        break;
    }
    case 'merge': {
        const [updateFile, out, ...sigFiles] = args;
        const update = readUpdate(updateFile);
        const digest = digestOf(update.configUpdate);
        const signers = [];
        for (const file of sigFiles) {
            let sig;
            try {
                sig = JSON.parse(fs.readFileSync(file, 'utf8'));
            } catch (error) {
                fail(`${file} is not a signature file: ${error.message}`);
            }
            if (sig.updateDigest !== digest) {
                fail(
                    `${file} (${sig.mspId}) is a signature over another update (digest ${String(sig.updateDigest).slice(0, 16)}..., this update ${digest.slice(0, 16)}...): refused`,
                );
            }
            const problem = verify(update.configUpdate, sig);
            if (problem) {
                fail(`${file}: ${problem}: refused`);
            }
            if (signers.includes(sig.mspId)) {
                continue; // one org's second signature adds nothing to a MAJORITY of orgs
            }
            const configSignature = new common.ConfigSignature();
            configSignature.setSignatureHeader(Buffer.from(sig.signatureHeader, 'base64'));
            configSignature.setSignature(Buffer.from(sig.signature, 'base64'));
            update.updateEnvelope.addSignatures(configSignature);
            signers.push(sig.mspId);
        }
        update.payload.setData(update.updateEnvelope.serializeBinary());
        update.envelope.setPayload(update.payload.serializeBinary());
        fs.writeFileSync(out, update.envelope.serializeBinary());
        console.log(`signers: ${signers.join(' ')}`);
        break;
    }
    case 'members': {
        const block = common.Block.deserializeBinary(fs.readFileSync(args[0]));
        const envelope = common.Envelope.deserializeBinary(block.getData().getDataList_asU8()[0]);
        const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
        console.log(groupNames(config.getChannelGroup(), 'Application').sort().join(' '));
        break;
    }
    case 'creator': {
        console.log(JSON.parse(fs.readFileSync(args[0], 'utf8')).mspId);
        break;
    }
    default:
        console.error('usage: configsig.js summary|extract|merge|members|creator ...');
        process.exit(2);
}
