import { ClassicLevel } from 'classic-level';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { LocalEncryptedStore } from '../../gateway/src/documents';
import { loadLedgerConfig, openLedger, type Ledger } from '../../gateway/src/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { uniqueId, type ScenarioLedger } from '../support/ledger';

/**
 * Privacy scan (#17): a scenario run whose test data deliberately puts names, birth dates,
 * addresses, free text and document URLs where a careless client would put them — the coding's
 * display text, the location, the break-glass reason, the document itself, extra fields, a FHIR
 * DocumentReference import full of free text — then
 * every place the ledger or its software writes is read and none of those strings may appear:
 * - every block from 0 (arguments, events, read/write sets) and every world-state key and value,
 *   private data included (embedded ledger: the whole store, read from disk after the run; Fabric:
 *   every block as the peer serialised it and as the ledger's block decoder reads it — arguments,
 *   responses, events, public writes — plus the network's log files, chaincode servers included);
 * - every chaincode event from block 0, through the ledger interface (both ledgers);
 * - every log line the gateways and the chaincode wrote during the run.
 * The counts scanned are printed for the report.
 */
jest.setTimeout(300_000);
// The chaincode's logging at the production level (INFO), so its lines are scanned too. DEBUG is
// a developer setting: fabric-contract-api then logs every transaction's return value, which for
// GetRecordLocation is the released location (chaincode/src/ehr/README.md: never in production).
process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'INFO';

const run = uniqueId('phi');
const phi = {
    name: `Jane Roewright ${run}`,
    birthDate: '1961-04-12',
    address: '12 Elm Street, Springfield',
    mrn: `MRN-7734102-${run}`,
    freeText: `suspected overdose after a fall at home ${run}`,
    url: `https://docs.hospital.example/patients/jane-roewright-${run}/discharge.pdf`,
};
const needles = Object.values(phi);
const patient1 = 'pat-7c1e04a9';

/** Every occurrence of a needle in `text`, in utf-8 and base64 forms (stored Buffers are base64). */
function hitsIn(text: string, where: string): string[] {
    const hits: string[] = [];
    for (const needle of needles) {
        const forms = [needle, Buffer.from(needle).toString('base64').slice(0, -4)];
        for (const form of forms) {
            if (form.length >= 8 && text.includes(form)) {
                hits.push(`${where}: ${needle}`);
            }
        }
    }
    return hits;
}

describe('privacy scan: no PHI in blocks, state, events or logs', () => {
    let ledger: Ledger;
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    const logLines: string[] = [];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-privacy-'));
    const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-privacy-docs-'));
    const originalWrites = {
        out: process.stdout.write.bind(process.stdout),
        err: process.stderr.write.bind(process.stderr),
    };

    const logStream = new Writable({
        write(chunk, _encoding, done) {
            logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
            done();
        },
    });

    beforeAll(async () => {
        // Chaincode (winston) and anything else writing to the console during the run.
        // Captured, not echoed: DEBUG chaincode logging would flood the test output.
        const capture = ((chunk: string | Uint8Array) => {
            logLines.push(...Buffer.from(chunk).toString('utf8').split('\n').filter(Boolean));
            return true;
        }) as typeof process.stdout.write;
        process.stdout.write = capture;
        process.stderr.write = capture;

        const config = loadLedgerConfig();
        ledger = await openLedger(config.kind === 'embedded' ? { ...config, dataDir } : config);
        const sessions = new Map();
        env = {
            kind: ledger.kind,
            ledger,
            async session(org, user) {
                const key = `${org}/${user}`;
                if (!sessions.has(key)) sessions.set(key, ledger.connect(await ledger.identities.get(org, user)));
                return sessions.get(key);
            },
            close: () => ledger.close(),
        };
        const logger = { level: 'trace', stream: logStream };
        hospital = await startGateway(env, 'hospital', {
            documents: new LocalEncryptedStore(documentDir, Buffer.alloc(32, 21)),
            logger,
        });
        regulator = await startGateway(env, 'regulator', { logger });
    });
    afterAll(async () => {
        process.stdout.write = originalWrites.out;
        process.stderr.write = originalWrites.err;
        await hospital?.app.close();
        await regulator?.app.close();
        if (ledger) await ledger.close().catch(() => undefined);
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(documentDir, { recursive: true, force: true });
    });

    it('runs an EHR scenario fed with PHI where a careless client would put it', async () => {
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' }, 'NursingLicense');
        const patient = await hospital.token('patient1');
        const physician = await hospital.token('physician1');
        const nurse = await hospital.token('nurse1');
        expect((await hospital.call('POST', '/ehr/patients/enrol', { token: patient })).status).toBe(200);

        const careless = {
            system: 'http://loinc.org',
            code: '18842-5',
            display: `Discharge summary of ${phi.name}, born ${phi.birthDate}, ${phi.address}, ${phi.mrn}`,
        };
        const recordId = uniqueId('rec');
        const registered = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: {
                id: recordId,
                patientId: patient1,
                type: careless,
                contentHash: 'b'.repeat(64),
                size: 1234,
                mediaType: 'application/pdf',
                location: phi.url,
            },
        });
        expect(registered.status).toBe(201);
        const amended = await hospital.call('POST', `/ehr/records/${recordId}/amend`, {
            token: physician,
            body: {
                id: uniqueId('rec'),
                type: careless,
                contentHash: 'c'.repeat(64),
                size: 1300,
                mediaType: 'application/pdf',
                location: `${phi.url}?v=2`,
            },
        });
        expect(amended.status).toBe(201);
        const documentId = uniqueId('rec');
        const uploaded = await hospital.call('POST', '/documents', {
            token: nurse,
            body: {
                recordId: documentId,
                patientId: patient1,
                type: careless,
                contentType: 'text/plain',
                content: Buffer.from(`${phi.name} ${phi.birthDate} ${phi.address} ${phi.freeText}`).toString('base64'),
            },
        });
        expect(uploaded.status).toBe(201);
        // Fields the API does not know are refused, never stored.
        const extra = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: {
                id: uniqueId('rec'),
                patientId: patient1,
                type: { system: 'http://loinc.org', code: '18842-5' },
                contentHash: 'd'.repeat(64),
                size: 10,
                mediaType: 'application/pdf',
                location: phi.url,
                note: phi.freeText,
            },
        });
        expect(extra.status).toBe(400);
        // An EHR's FHIR import, free text wherever FHIR allows it: description, type.text, displays,
        // a contained Patient with name, birth date and address, an MRN identifier, the attachment title.
        const sha256 = createHash('sha256').update(phi.freeText).digest('base64');
        const imported = {
            resourceType: 'DocumentReference',
            status: 'current',
            masterIdentifier: { system: 'urn:oid:1.2.3', value: phi.mrn },
            identifier: [{ value: phi.mrn }],
            description: `${phi.freeText}, ${phi.name}`,
            type: { coding: [careless], text: careless.display },
            subject: { reference: `Patient/${patient1}`, display: phi.name },
            contained: [
                {
                    resourceType: 'Patient',
                    id: 'p',
                    name: [{ text: phi.name }],
                    birthDate: phi.birthDate,
                    address: [{ text: phi.address }],
                },
            ],
            content: [
                {
                    attachment: {
                        contentType: 'application/pdf',
                        url: phi.url,
                        size: 99,
                        title: phi.freeText,
                        extension: [
                            {
                                url: 'https://careledger.example/fhir/StructureDefinition/attachment-sha256',
                                valueBase64Binary: sha256,
                            },
                        ],
                    },
                },
            ],
        };
        const fhirHeaders = { 'content-type': 'application/fhir+json' };
        const created = await hospital.call('POST', '/fhir/r4/DocumentReference', {
            token: physician,
            body: imported,
            headers: fhirHeaders,
        });
        expect(created.status).toBe(201);
        const batch = await hospital.call<{ entry: Array<{ response: { status: string } }> }>('POST', '/fhir/r4', {
            token: physician,
            body: {
                resourceType: 'Bundle',
                type: 'batch',
                entry: [{ request: { method: 'POST', url: 'DocumentReference' }, resource: imported }],
            },
            headers: fhirHeaders,
        });
        expect(batch.body.entry.map((e) => e.response.status)).toEqual(['201 Created']);

        const consentId = uniqueId('consent');
        const granted = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [documentId] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(granted.status).toBe(201);
        const read = await hospital.call<{ location?: { location: string } }>(
            'POST',
            `/ehr/records/${documentId}/access`,
            { token: physician, body: { purpose: 'TREAT' } },
        );
        expect(read.status).toBe(200);
        const document = await hospital.call('GET', `/documents/${documentId}?purpose=TREAT`, { token: physician });
        expect(document.status).toBe(200);
        const glass = await hospital.call('POST', `/ehr/records/${recordId}/break-glass`, {
            token: physician,
            body: { reasonCode: 'unconscious', reason: `${phi.name} of ${phi.address}: ${phi.freeText}` },
        });
        expect(glass.status).toBe(200);
        // The shared Fabric ledger outlives this file: leave no consent behind.
        expect((await hospital.call('POST', `/ehr/consents/${consentId}/revoke`, { token: patient })).status).toBe(200);
        // The right to be forgotten: locations purged, documents destroyed.
        const erased = await hospital.call('POST', '/ehr/erasure', {
            token: patient,
            body: { custodianMsp: 'HospitalMSP' },
        });
        expect(erased.status).toBe(200);
    });

    it('finds none of the PHI strings in events, blocks, world state or logs', async () => {
        const hits: string[] = [];
        const counts = {
            blocks: 0,
            transactions: 0,
            arguments: 0,
            responses: 0,
            writes: 0,
            stateKeys: 0,
            privateValues: 0,
            events: 0,
            logLines: 0,
            networkLogFiles: 0,
            networkLogLines: 0,
        };

        // Chaincode events from block 0, through the ledger interface (both ledgers).
        const session = await env.session('regulator', 'inspector1');
        const marker = await session.submit({ contract: 'system', name: 'Ping', args: ['privacy-scan-end'] });
        const stream = await session.events({ from: { blockNumber: 0n } });
        for await (const event of stream) {
            counts.events += 1;
            hits.push(...hitsIn(Buffer.from(event.payload).toString('utf8'), `event ${event.eventName}`));
            if (event.transactionId === marker.transactionId) break;
        }
        stream.close();

        if (ledger.kind === 'embedded') {
            // Every block, every state key and value, private data and history: the whole store on disk.
            await hospital.app.close();
            await regulator.app.close();
            await ledger.close();
            const db = new ClassicLevel<string, string>(path.join(dataDir, 'ledger'), { valueEncoding: 'utf8' });
            await db.open();
            for await (const [key, value] of db.iterator()) {
                if (key.startsWith('block!')) {
                    counts.blocks += 1;
                    counts.transactions += (JSON.parse(value) as { transactions: unknown[] }).transactions.length;
                } else if (key.startsWith('state!p!')) {
                    counts.stateKeys += 1;
                } else if (key.startsWith('state!v!')) {
                    counts.privateValues += 1;
                }
                hits.push(...hitsIn(`${key}\n${value}`, key.split('!').slice(0, 2).join('!')));
            }
            await db.close();
            expect(counts.blocks).toBeGreaterThan(10);
            expect(counts.stateKeys).toBeGreaterThan(10);
        } else {
            // Every block from 0 as a member's peer keeps it, decoded by the ledger's block decoder (the one the
            // history index uses): each transaction's arguments, response, event and public writes — the world
            // state is the last write of each key, so every key and value it ever held is among them — and the
            // serialised block itself, every byte (read/write sets of every namespace, private data hashes,
            // signatures). Private data values are not in blocks; the custodian's peers hold them.
            const keys = new Set<string>();
            const blocks = await session.blocks({ startBlock: 0n });
            for await (const block of blocks) {
                counts.blocks += 1;
                expect(block.bytes?.length).toBeGreaterThan(0);
                const where = `block ${block.number}`;
                hits.push(...hitsIn(Buffer.from(block.bytes ?? []).toString('latin1'), `${where} (serialised)`));
                hits.push(...hitsIn(Buffer.from(block.bytes ?? []).toString('utf8'), `${where} (serialised)`));
                for (const tx of block.transactions) {
                    counts.transactions += 1;
                    for (const arg of tx.arguments ?? []) {
                        counts.arguments += 1;
                        hits.push(...hitsIn(Buffer.from(arg).toString('utf8'), `${where} ${tx.functionName} argument`));
                    }
                    if (tx.response) {
                        counts.responses += 1;
                        hits.push(
                            ...hitsIn(
                                Buffer.from(tx.response).toString('utf8'),
                                `${where} ${tx.functionName} response`,
                            ),
                        );
                    }
                    if (tx.event) {
                        hits.push(...hitsIn(Buffer.from(tx.event.payload).toString('utf8'), `${where} event`));
                    }
                    for (const write of tx.writes) {
                        counts.writes += 1;
                        keys.add(write.key);
                        const value = write.value ? Buffer.from(write.value).toString('utf8') : '';
                        hits.push(
                            ...hitsIn(`${write.key}\n${value}`, `${where} write ${write.key.split('\u0000')[1]}`),
                        );
                    }
                }
                if (block.transactions.some((tx) => tx.transactionId === marker.transactionId)) {
                    break;
                }
            }
            blocks.close();
            counts.stateKeys = keys.size;
            expect(counts.blocks).toBeGreaterThan(10);
            expect(counts.arguments).toBeGreaterThan(10);
            expect(counts.stateKeys).toBeGreaterThan(10);
            // The network's logs: peers, orderers, CAs and the chaincode servers beside each peer.
            const logDir =
                process.env.CARELEDGER_NETWORK_LOG_DIR ?? path.join(__dirname, '..', '..', 'network', 'logs');
            for (const file of fs.readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
                counts.networkLogFiles += 1;
                const lines = fs.readFileSync(path.join(logDir, file), 'utf8').split('\n');
                counts.networkLogLines += lines.length;
                lines.forEach((line, index) =>
                    hits.push(...hitsIn(line, `${file}:${index + 1} (${line.slice(0, 200)})`)),
                );
            }
            expect(counts.networkLogFiles).toBeGreaterThan(3);
        }

        counts.logLines = logLines.length;
        logLines.forEach((line, index) => hits.push(...hitsIn(line, `log line ${index} (${line.slice(0, 300)})`)));
        // The scan can see a hit: the document bytes themselves hold the PHI.
        expect(hitsIn(`${phi.name} ${phi.url}`, 'self-check')).toHaveLength(2);

        originalWrites.out(`privacy scan (${ledger.kind}): ${JSON.stringify(counts)}, PHI hits ${hits.length}\n`);
        expect(counts.events).toBeGreaterThan(5);
        expect(counts.logLines).toBeGreaterThan(10);
        expect(hits).toEqual([]);
    });
});
