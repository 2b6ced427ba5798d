import { Command } from 'commander';
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
    MaxConsentsPerBatch,
    MaxRecordsPerBatch,
    supply as supplyTypes,
    type ConsentPurpose,
    type GrantConsentInput,
} from '@careledger/chaincode';
import { CredentialsClient } from '../credentials';
import { EhrClient, type NewRecord } from '../ehr';
import { lightweightVerificationResponse } from '../standards/dscsa';
import { consortiumGlns } from '../standards/gln-directory';
import { toEpcisDocument } from '../standards/epcis';
import { epcisEventOfStep } from '../standards/supply-epcis';
import { SupplyClient } from '../supply';
import { withContext } from './context';
import { progress } from './progress';

/** Domain commands: the same operations as the REST routes, over the library. */
export function domainCommands(program: Command): void {
    supplyCommands(program.command('supply').description('drug supply chain'));
    ehrCommands(program.command('ehr').description('health record pointers, consent and audit'));
    credentialCommands(program.command('credentials').description('practitioner credentials'));
}

function supplyCommands(supply: Command): void {
    supply
        .command('commission')
        .argument('<gtin>')
        .argument('<lot>')
        .option('--serials-file <file>', 'serial numbers, one per line')
        .option('--count <n>', 'generate n serials: <prefix>1 ... <prefix>n', (v) => Number.parseInt(v, 10))
        .option('--prefix <prefix>', 'prefix of generated serials', 'S')
        .description('commission serialised units in batches (progress bar on a terminal)')
        .action(
            withContext(
                async (
                    context,
                    gtin: string,
                    lot: string,
                    options: { serialsFile?: string; count?: number; prefix: string },
                ) => {
                    const serials = options.serialsFile
                        ? fs
                              .readFileSync(options.serialsFile, 'utf8')
                              .split(/\r?\n/)
                              .map((s) => s.trim())
                              .filter(Boolean)
                        : Array.from({ length: options.count ?? 0 }, (_, i) => `${options.prefix}${i + 1}`);
                    if (serials.length === 0) {
                        throw new Error('give --serials-file or --count');
                    }
                    const bar = progress(serials.length, 'commissioning', context.options);
                    let done = 0;
                    try {
                        const results = await new SupplyClient(await context.session()).commissionInBatches(
                            gtin,
                            lot,
                            serials,
                            (count) => {
                                bar.tick(count - done);
                                done = count;
                            },
                        );
                        context.print(
                            { gtin, lot, commissioned: done, transactions: results.map((r) => r.batch.txId) },
                            (r: { commissioned: number; transactions: string[] }) =>
                                `commissioned ${r.commissioned} units of ${gtin} lot ${lot} in ${r.transactions.length} transactions`,
                        );
                    } finally {
                        bar.stop();
                    }
                },
            ),
        );

    supply
        .command('history')
        .argument('<item>', 'unit or container: element string, Digital Link or SSCC')
        .option('--epcis <file>', 'write the history as an EPCIS 2.0 JSON-LD document')
        .description("a unit's or container's chain of custody")
        .action(
            withContext(async (context, item: string, options: { epcis?: string }) => {
                const client = new SupplyClient(await context.session());
                const steps = /^\(00\)|^\d{18}$/.test(item)
                    ? (await client.containerHistory(item)).steps
                    : (await client.unitHistory(item)).steps;
                if (options.epcis) {
                    writeEpcis(options.epcis, steps);
                }
                context.print(steps, (s: supplyTypes.SupplyStep[]) =>
                    s.map((step) => `${step.at} ${step.bizStep} ${step.disposition} ${step.txId}`).join('\n'),
                );
            }),
        );

    supply
        .command('lot-history')
        .argument('<gtin>')
        .argument('<lot>')
        .option('--epcis <file>', 'write the history as an EPCIS 2.0 JSON-LD document')
        .option('--page-size <n>', 'steps per query', (v) => Number.parseInt(v, 10), 200)
        .description('every step of a lot the caller may read (progress per page on a terminal)')
        .action(
            withContext(async (context, gtin: string, lot: string, options: { epcis?: string; pageSize: number }) => {
                const client = new SupplyClient(await context.session());
                const steps: supplyTypes.SupplyStep[] = [];
                let bookmark = '';
                let pages = 0;
                do {
                    const page = await client.lotHistory(gtin, lot, { pageSize: options.pageSize, bookmark });
                    steps.push(...page.items);
                    bookmark = page.bookmark;
                    pages += 1;
                    if (!context.options.json && process.stderr.isTTY) {
                        process.stderr.write(`\rexporting: ${steps.length} steps, ${pages} pages`);
                    }
                } while (bookmark);
                if (!context.options.json && process.stderr.isTTY) {
                    process.stderr.write('\n');
                }
                if (options.epcis) {
                    writeEpcis(options.epcis, steps);
                }
                context.print(
                    { gtin, lot, steps: steps.length, epcis: options.epcis },
                    (r: { steps: number }) => `${r.steps} steps`,
                );
            }),
        );

    supply
        .command('verify')
        .argument('<identifier>', 'element string or Digital Link of the unit as scanned')
        .option('--corr-uuid <id>', 'correlation id echoed in the response')
        .description('DSCSA verification (GS1 Lightweight Messaging response)')
        .action(
            withContext(async (context, identifier: string, options: { corrUuid?: string }) => {
                const session = await context.session();
                const result = await new SupplyClient(session).verify(identifier);
                context.print(
                    lightweightVerificationResponse(result, {
                        // The standard requires both: the answering org's party GLN, the correlation id (fresh when none).
                        responderGLN: consortiumGlns().get(session.identity.mspId)?.gln ?? '',
                        corrUUID: options.corrUuid ?? randomUUID(),
                    }),
                );
            }),
        );
}

function writeEpcis(file: string, steps: supplyTypes.SupplyStep[]): void {
    const document = toEpcisDocument(steps.map(epcisEventOfStep), { creationDate: new Date().toISOString() });
    fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

function ehrCommands(ehr: Command): void {
    ehr.command('enrol')
        .description("bind the calling patient's id to their org")
        .action(
            withContext(async (context) => context.print(await new EhrClient(await context.session()).enrolPatient())),
        );

    ehr.command('grant-consent')
        .argument('<file>', 'JSON consent: { id, grantee, scope, purposes, period }')
        .description('grant a consent as the calling patient (or delegate)')
        .action(
            withContext(async (context, file: string) => {
                const consent = JSON.parse(fs.readFileSync(file, 'utf8')) as GrantConsentInput;
                context.print(await new EhrClient(await context.session()).grantConsent(consent));
            }),
        );

    ehr.command('grant-consents')
        .argument('<file>', `JSON array of up to ${MaxConsentsPerBatch} consents of one patient`)
        .description('grant a set of consents in one transaction; a bad item refuses the whole set (consents[i].field)')
        .action(
            withContext(async (context, file: string) => {
                const consents = JSON.parse(fs.readFileSync(file, 'utf8')) as GrantConsentInput[];
                context.print(await new EhrClient(await context.session()).grantConsents(consents));
            }),
        );

    ehr.command('register-records')
        .argument(
            '<file>',
            `JSON array of up to ${MaxRecordsPerBatch} pointers { id, patientId, type, contentHash, size, mediaType, location }`,
        )
        .description(
            'register many pointers in two transactions (pointers, then their locations on the custodian peers only); a bad item refuses the batch',
        )
        .action(
            withContext(async (context, file: string) => {
                const records = JSON.parse(fs.readFileSync(file, 'utf8')) as NewRecord[];
                context.print(await new EhrClient(await context.session()).registerRecords(records));
            }),
        );

    ehr.command('pending')
        .description("the org's pointers whose location never committed (custodian staff)")
        .action(
            withContext(async (context) =>
                context.print(await new EhrClient(await context.session()).listPendingRecords()),
            ),
        );

    ehr.command('cancel-pending')
        .argument('<recordId>')
        .description('withdraw a pending pointer (custodian staff); its id may be registered again')
        .action(
            withContext(async (context, id: string) =>
                context.print(await new EhrClient(await context.session()).cancelPendingRecord(id)),
            ),
        );

    ehr.command('revoke-consent')
        .argument('<consentId>')
        .action(
            withContext(async (context, id: string) =>
                context.print(await new EhrClient(await context.session()).revokeConsent(id)),
            ),
        );

    ehr.command('read')
        .argument('<recordId>')
        .option('--purpose <code>', 'purpose of use', 'TREAT')
        .description('audited, consent-checked read of a record pointer and its location')
        .action(
            withContext(async (context, id: string, options: { purpose: string }) =>
                context.print(
                    await new EhrClient(await context.session()).readRecord(id, options.purpose as ConsentPurpose),
                ),
            ),
        );

    ehr.command('audit')
        .option('--patient <id>', 'patient id (default: the calling patient)', '')
        .description("accesses to a patient's records")
        .action(
            withContext(async (context, options: { patient: string }) =>
                context.print(await new EhrClient(await context.session()).listAuditByPatient(options.patient)),
            ),
        );
}

function credentialCommands(credentials: Command): void {
    credentials
        .command('get')
        .argument('<id>')
        .option('--vc', 'as the signed W3C Verifiable Credential 2.0 its issuer published on the ledger')
        .action(
            withContext(async (context, id: string, options: { vc?: boolean }) => {
                const client = new CredentialsClient(await context.session());
                context.print(
                    options.vc ? JSON.parse((await client.getCredentialDocument(id)).credential) : await client.get(id),
                );
            }),
        );

    credentials
        .command('status-list')
        .argument('<purpose>', 'revocation or suspension')
        .option('--issuer <mspId>', "the issuing org (default: the caller's)")
        .description("an issuer's signed Bitstring Status List credential, as published on the ledger")
        .action(
            withContext(async (context, purpose: 'revocation' | 'suspension', options: { issuer?: string }) => {
                const session = await context.session();
                const published = await new CredentialsClient(session).getStatusListCredential(
                    options.issuer ?? session.identity.mspId,
                    purpose,
                );
                context.print({ credential: JSON.parse(published.credential), anchor: published.anchor });
            }),
        );
}
