#!/usr/bin/env node
/**
 * JSON steps of a channel configuration update (the protobuf steps are configtxlator's):
 *
 *   config-update.js extract BLOCK.json CONFIG.json
 *       the channel config inside a decoded config block
 *   config-update.js add-org CONFIG.json ORG.json MSPID OUT.json
 *       CONFIG with the org definition ORG (from `configtxgen -printOrg`) added to the
 *       application group; fails if the org is already there
 *   config-update.js has-org CONFIG.json MSPID
 *       exit 0 when the org is in the application group, 1 when not
 *   config-update.js envelope UPDATE.json CHANNEL OUT.json
 *       a decoded config update wrapped in the envelope `peer channel update` submits
 */
'use strict';
const fs = require('node:fs');

const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const write = (file, value) => fs.writeFileSync(file, JSON.stringify(value));
const application = (config) => config.channel_group.groups.Application.groups;

const [command, ...args] = process.argv.slice(2);
switch (command) {
    case 'extract': {
        const [block, out] = args;
        write(out, read(block).data.data[0].payload.data.config);
        break;
    }
    case 'add-org': {
        const [configFile, orgFile, mspId, out] = args;
        const config = read(configFile);
        if (application(config)[mspId]) {
            console.error(`${mspId} is already a member of the channel`);
            process.exit(1);
        }
        application(config)[mspId] = read(orgFile);
        write(out, config);
        break;
    }
    case 'has-org': {
        const [configFile, mspId] = args;
        process.exit(application(read(configFile))[mspId] ? 0 : 1);
        break;
    }
    case 'envelope': {
        const [updateFile, channel, out] = args;
        write(out, {
            payload: {
                header: { channel_header: { channel_id: channel, type: 2 } },
                data: { config_update: read(updateFile) },
            },
        });
        break;
    }
    default:
        console.error('usage: config-update.js extract|add-org|has-org|envelope ...');
        process.exit(2);
}
