/**
 * Caliper workload module for CareLedger: the same workloads as `npm run bench`, chosen by the
 * round's `arguments.workload`. Loaded by Caliper 0.6 workers, which only need the three
 * methods below, so nothing from Caliper is required here. Contract helpers (commitments,
 * salted digests, GS1 check digits) come from the compiled chaincode (`npm run build`).
 *
 * Differences from `npm run bench` (bench/README.md): Caliper's peer-gateway connector cannot
 * target endorsing organizations, so "register EHR pointer" submits only ehr:RegisterRecord
 * (the custodian-only location transaction needs them), and the records the access workload
 * reads have no stored location (an audited access does not read it).
 */
'use strict';
const { createHash, randomBytes } = require('node:crypto');
// fabric-contract-api logs every decorator at info when the contracts load.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'WARNING';
const chaincode = require('../../chaincode/dist');

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const Expiry = '301231';
const Hospital = 'HospitalMSP';
const FloorValue = 'x'.repeat(64);

function gtinFor(seed) {
    const data = `0${BigInt(`0x${sha256(seed)}`)
        .toString()
        .slice(0, 12)}`;
    return `${data}${chaincode.supply.gs1.gs1CheckDigit(data)}`;
}

class CareLedgerWorkload {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter) {
        this.worker = workerIndex;
        this.args = roundArguments || {};
        this.sut = sutAdapter;
        this.tag = `${Date.now().toString(36)}${workerIndex}`;
        this.seq = 0;
        const setup = setups[this.args.workload];
        if (!setup) {
            throw new Error(`arguments.workload must be one of ${Object.keys(setups).join(', ')}`);
        }
        this.next = await setup.call(this);
    }

    submitTransaction() {
        return this.next(this.seq++);
    }

    async cleanupWorkloadModule() {}

    /** One request; `as` is [mspId, user]. Resolves to Caliper's TxStatus. */
    request(contractId, fn, args, as, options = {}) {
        return this.sut.sendRequests({
            contractId,
            contractFunction: fn,
            contractArguments: args,
            invokerMspId: as[0],
            invokerIdentity: as[1],
            readOnly: options.readOnly === true,
            transientMap: options.transient,
        });
    }

    /**
     * A setup call, retried: the workers set up at the same time, and two of them writing the
     * same key (enrolling patient1, authorising a partner) conflict (MVCC), which a repeat of
     * these idempotent calls resolves. Fatal after the last try unless `tolerate`.
     */
    async setupCall(fn, args, as, { readOnly = false, tolerate } = {}) {
        for (let attempt = 1; ; attempt++) {
            const status = await this.request('careledger', fn, args, as, { readOnly });
            if (status.GetStatus() === 'success') {
                const result = status.GetResult();
                return result && result.length ? JSON.parse(Buffer.from(result).toString('utf8')) : undefined;
            }
            if (attempt === 5) {
                if (tolerate) return undefined;
                throw new Error(`setup ${fn} failed (see the worker log)`);
            }
            await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(Math.random() * 800)));
        }
    }

    async licensedPhysicianAndPatient() {
        const regulator = ['RegulatorMSP', 'admin'];
        await this.setupCall(
            'credentials-issuers:RegisterIssuer',
            [
                JSON.stringify({
                    type: 'MedicalLicense',
                    mspId: 'RegulatorMSP',
                    roles: ['admin'],
                    subjectScope: 'any-org',
                }),
            ],
            regulator,
            { tolerate: true },
        );
        const standing = await this.setupCall(
            'credentials:CheckPractitioner',
            [Hospital, 'prac-hosp-0001', 'MedicalLicense'],
            regulator,
            {
                readOnly: true,
            },
        );
        if (!standing || standing.verdict !== 'valid') {
            const commitment = chaincode.commitmentOf(randomBytes(32).toString('hex'), sha256(`licence ${this.tag}`));
            await this.setupCall(
                'credentials:IssueCredential',
                [
                    JSON.stringify({
                        id: `lic-${this.tag}`,
                        type: 'MedicalLicense',
                        subject: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                        commitment,
                    }),
                ],
                regulator,
                { tolerate: true },
            );
        }
        return (await this.setupCall('ehr:EnrolPatient', [], [Hospital, 'patient1'])).patientId;
    }

    registerRecord(id, patientId) {
        const location = `https://docs.hospital.example/caliper/${id}.pdf`;
        const salt = randomBytes(16).toString('hex');
        const record = {
            id,
            patientId,
            type: { system: 'http://loinc.org', code: '11506-3' },
            contentHash: sha256(`document ${id}`),
            size: 1000,
            mediaType: 'application/pdf',
            locationDigest: chaincode.saltedDigest(salt, location),
        };
        return this.request('careledger', 'ehr:RegisterRecord', [JSON.stringify(record)], [Hospital, 'physician1']);
    }

    async supplyWorld() {
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            [Hospital, 'dispenser'],
        ]) {
            await this.setupCall(
                'supply:AuthorizePartner',
                [JSON.stringify({ mspId, kind })],
                ['RegulatorMSP', 'inspector1'],
            );
        }
        const gtin = gtinFor(`caliper-${this.tag}`);
        await this.setupCall(
            'supply:RegisterProduct',
            [JSON.stringify({ gtin, name: 'Benchmark tablet', strength: '1 mg', dosageForm: 'tablet' })],
            ['ManufacturerMSP', 'operator1'],
        );
        return gtin;
    }

    async lotWithUnits(gtin, lot, prefix, count) {
        const maker = ['ManufacturerMSP', 'operator1'];
        await this.setupCall(
            'supply:RegisterLot',
            [JSON.stringify({ gtin, lot, expiry: Expiry, quantity: chaincode.supply.MaxLotQuantity })],
            maker,
        );
        const serials = Array.from({ length: count }, (_, index) => `${prefix}${index}`);
        for (let start = 0; start < serials.length; start += 5000) {
            await this.setupCall(
                'supply:CommissionUnits',
                [JSON.stringify({ gtin, lot, serials: serials.slice(start, start + 5000) })],
                maker,
            );
        }
        return serials;
    }
}

/** Per workload: the setup, returning what one transaction (or operation) does. */
const setups = {
    async 'floor-put'() {
        return (seq) =>
            this.request(
                'careledger-bench',
                'floor:Put',
                [`p-${this.tag}-${seq}`, FloorValue],
                [Hospital, 'physician1'],
            );
    },
    async 'floor-get'() {
        const keys = Array.from({ length: 100 }, (_, index) => `g-${this.tag}-${index}`);
        for (const key of keys) {
            await this.request('careledger-bench', 'floor:Put', [key, FloorValue], [Hospital, 'physician1']);
        }
        return (seq) =>
            this.request('careledger-bench', 'floor:Get', [keys[seq % keys.length]], [Hospital, 'pharmacist1'], {
                readOnly: true,
            });
    },
    async 'register-ehr-pointer'() {
        const patientId = await this.licensedPhysicianAndPatient();
        return (seq) => this.registerRecord(`rec-${this.tag}-${seq}`, patientId);
    },
    async 'grant-consent'() {
        await this.licensedPhysicianAndPatient();
        const end = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
        return (seq) =>
            this.request(
                'careledger',
                'ehr-consent:GrantConsent',
                [
                    JSON.stringify({
                        id: `con-${this.tag}-${seq}`,
                        grantee: { mspId: Hospital, actorId: `g-${this.tag}-${seq}` },
                        scope: { kind: 'all' },
                        purposes: ['TREAT'],
                        period: { end },
                    }),
                ],
                [Hospital, 'patient1'],
            );
    },
    async 'access-record'() {
        const patientId = await this.licensedPhysicianAndPatient();
        const ids = Array.from({ length: 20 }, (_, index) => `acc-${this.tag}-${index}`);
        for (const id of ids) {
            await this.registerRecord(id, patientId);
        }
        await this.setupCall(
            'ehr-consent:GrantConsent',
            [
                JSON.stringify({
                    id: `con-acc-${this.tag}`,
                    grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                    scope: { kind: 'all' },
                    purposes: ['TREAT'],
                    period: { end: new Date(Date.now() + 3600_000).toISOString() },
                }),
            ],
            [Hospital, 'patient1'],
        );
        return (seq) =>
            this.request(
                'careledger',
                'ehr-access:AccessRecord',
                [ids[seq % ids.length], 'TREAT'],
                [Hospital, 'physician1'],
            );
    },
    async commission() {
        const gtin = await this.supplyWorld();
        const batch = Number(this.args.batch || 1000);
        // Batches into one lot conflict by design (the lot's quantity is checked by reading its
        // batches), so each transaction in flight commissions into a lot no other one uses.
        const lots = Array.from({ length: Number(this.args.lots || 8) }, (_, index) => `C${this.tag}-${index}`);
        for (const lot of lots) {
            await this.setupCall(
                'supply:RegisterLot',
                [JSON.stringify({ gtin, lot, expiry: Expiry, quantity: chaincode.supply.MaxLotQuantity })],
                ['ManufacturerMSP', 'operator1'],
            );
        }
        const busy = new Set();
        return async (seq) => {
            const lot = lots.find((candidate) => !busy.has(candidate)) || lots[seq % lots.length];
            busy.add(lot);
            try {
                return await this.request(
                    'careledger',
                    'supply:CommissionUnits',
                    [
                        JSON.stringify({
                            gtin,
                            lot,
                            serials: Array.from({ length: batch }, (_, index) => `${seq.toString(36)}.${index}`),
                        }),
                    ],
                    ['ManufacturerMSP', 'operator1'],
                );
            } finally {
                busy.delete(lot);
            }
        };
    },
    async 'ship-receive'() {
        const gtin = await this.supplyWorld();
        const serials = await this.lotWithUnits(gtin, `S${this.tag}`, 'u', Number(this.args.units || 5000));
        // One operation ships a unit and then receives it; Caliper records both transactions.
        return async (seq) => {
            const unit = { gtin, serial: serials[seq % serials.length] };
            const shipped = await this.request(
                'careledger',
                'supply:Ship',
                [JSON.stringify({ items: [unit], to: 'DistributorMSP' })],
                ['ManufacturerMSP', 'operator1'],
            );
            if (shipped.GetStatus() !== 'success') return shipped;
            return this.request(
                'careledger',
                'supply:Receive',
                [JSON.stringify({ items: [unit] })],
                ['DistributorMSP', 'operator1'],
            );
        };
    },
    async 'verify-product'() {
        const gtin = await this.supplyWorld();
        const lot = `V${this.tag}`;
        const serials = await this.lotWithUnits(gtin, lot, 'v', 1000);
        return (seq) =>
            this.request(
                'careledger',
                'supply-safety:VerifyProduct',
                [`(01)${gtin}(17)${Expiry}(10)${lot}(21)${serials[seq % serials.length]}`],
                [Hospital, 'pharmacist1'],
                {
                    readOnly: true,
                },
            );
    },
    async 'verify-credential'() {
        const salt = randomBytes(32).toString('hex');
        const documentSha256 = sha256(`caliper licence ${this.tag}`);
        const id = `vc-${this.tag}`;
        const regulator = ['RegulatorMSP', 'admin'];
        await this.setupCall(
            'credentials-issuers:RegisterIssuer',
            [
                JSON.stringify({
                    type: 'MedicalLicense',
                    mspId: 'RegulatorMSP',
                    roles: ['admin'],
                    subjectScope: 'any-org',
                }),
            ],
            regulator,
            { tolerate: true },
        );
        await this.setupCall(
            'credentials:IssueCredential',
            [
                JSON.stringify({
                    id,
                    type: 'MedicalLicense',
                    subject: { mspId: Hospital, actorId: `caliper-${this.tag}` },
                    commitment: chaincode.commitmentOf(salt, documentSha256),
                }),
            ],
            regulator,
        );
        return () =>
            this.request(
                'careledger',
                'credentials:VerifyCredential',
                [id, JSON.stringify({ documentSha256, salt })],
                [Hospital, 'pharmacist1'],
                { readOnly: true },
            );
    },
};

module.exports.createWorkloadModule = () => new CareLedgerWorkload();
