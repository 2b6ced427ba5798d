import fc from 'fast-check';

/**
 * Hostile input for the fuzz suites: what a careless or malicious client sends. Strings that
 * break parsers and validators (empty, huge, NUL and control characters, bidi overrides, lone
 * surrogates, prototype keys, numbers that overflow, bad GS1 ids and dates), values of the wrong
 * type, objects with missing, extra and poisoned keys, and deep nesting.
 *
 * `FUZZ_RUNS` sets inputs per transaction and per route (CI: a small fixed-seed count;
 * `npm run fuzz`: 10,000); `FUZZ_SEED` the seed (default fixed, so CI is reproducible).
 */
export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 25);
export const fuzzSeed = Number(process.env.FUZZ_SEED ?? 20261205);

/**
 * `FUZZ_SHARD=k/n` runs only the transactions or routes whose index is k modulo n, so a full run
 * can be spread over n processes (each writes fuzz-results/<suite>.shard-k-of-n.json). Unset: all.
 */
export const fuzzShard: { index: number; count: number } = (() => {
    const match = /^(\d+)\/(\d+)$/.exec(process.env.FUZZ_SHARD ?? '0/1');
    const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
    if (!shard || shard.count < 1 || shard.index >= shard.count) {
        throw new Error(`FUZZ_SHARD must be k/n with 0 <= k < n, got ${process.env.FUZZ_SHARD}`);
    }
    return shard;
})();

export function inShard(index: number): boolean {
    return index % fuzzShard.count === fuzzShard.index;
}

/** Field names the contracts and routes read, so generated objects reach their validators. */
export const knownKeys = [
    'id',
    'patientId',
    'recordId',
    'seriesId',
    'type',
    'system',
    'code',
    'display',
    'contentHash',
    'size',
    'mediaType',
    'contentType',
    'content',
    'mspId',
    'actorId',
    'until',
    'from',
    'purposes',
    'purpose',
    'scope',
    'recordIds',
    'grantee',
    'validFrom',
    'validUntil',
    'reason',
    'status',
    'gtin',
    'lot',
    'lotNumber',
    'expiry',
    'serials',
    'serial',
    'sscc',
    'units',
    'containers',
    'to',
    'quantity',
    'location',
    'salt',
    'credentialId',
    'subject',
    'issuer',
    'credentialType',
    'types',
    'documentHash',
    'commitment',
    'purposeOfUse',
    'pageSize',
    'bookmark',
    'user',
    'role',
    'csr',
    'certificate',
    'message',
    'url',
    'eventNames',
    'signature',
    'args',
    'contract',
    'name',
    'evaluate',
    'transient',
    'partner',
    'roles',
    'kind',
    'ndc',
    'productName',
    'relatesTo',
];

const nastyStrings = [
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u0007\u001b[31m',
    '\r\n',
    '\t',
    '\u202eevil',
    '\uFEFF',
    '\uD800',
    '\uDFFF',
    '𝕏𝕐',
    'e\u0301',
    'Ω',
    '🏥',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '-1',
    '0',
    '-0',
    '1e309',
    '9007199254740993',
    '-9007199254740993',
    'NaN',
    'Infinity',
    'null',
    'undefined',
    'true',
    'false',
    '[]',
    '{}',
    '{"__proto__":{"x":1}}',
    '../../etc/passwd',
    '..',
    '/',
    '%00',
    '%2e%2e',
    '<script>',
    "' OR 1=1 --",
    '${jndi:ldap://x}',
    '00312345678906',
    '0031234567890',
    '003123456789012',
    '(01)00312345678906',
    'urn:epc:id:sgtin:0.0.0',
    '991332',
    '000000',
    '291231',
    '2026-13-45',
    '2026-02-30T25:61:00Z',
    '2026-02-29',
    '0000-00-00T00:00:00Z',
    '2026-01-01T00:00:00',
    '11502-3',
    '11502-2',
    'HospitalMSP',
    'NopeMSP',
    'hospital',
    'pat-7c1e04a9',
    'prac-hosp-0001',
    'TREAT',
    'treat',
    'x'.repeat(129),
    'x'.repeat(4096),
];

function hostileStringOf(hugeLengths: [number, ...number[]]): fc.Arbitrary<string> {
    return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...nastyStrings) },
        { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
        { weight: 1, arbitrary: fc.integer().map(String) },
        { weight: 1, arbitrary: fc.double().map(String) },
        { weight: 1, arbitrary: fc.constantFrom(...hugeLengths).map((n) => 'y'.repeat(n)) },
    );
}

/** A hostile string; the huge ones (70 kB, 1.1 MB) pass every field limit and the 1 MiB body limit. */
export const hostileString: fc.Arbitrary<string> = hostileStringOf([70_000, 1_100_000]);

/**
 * A hostile path segment or query value. Its huge one (70 kB) is already past the server's 16 KiB
 * limit on the request line and headers, which answers 431 before any route runs; a 1.1 MB one
 * would only cost the run time (a sixth of the REST suite's CPU) to reach the same 431.
 */
export const hostileUrlString: fc.Arbitrary<string> = hostileStringOf([70_000]);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...knownKeys) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '', '\u0000', '$where') },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 4, arbitrary: hostileString },
    {
        weight: 2,
        arbitrary: fc.constantFrom(
            true,
            false,
            null,
            0,
            -1,
            1,
            1.5,
            -0,
            2 ** 31,
            2 ** 53 + 2,
            -(2 ** 63),
            1e308,
            Number.MIN_VALUE,
        ),
    },
    { weight: 1, arbitrary: fc.integer() },
);

/** Any JSON value, shaped like the objects the API takes, often wrong. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 4, arbitrary: scalar },
        { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
        { weight: 2, arbitrary: tie('object') },
    ),
    object: fc
        .array(fc.tuple(hostileKey, tie('value')), { maxLength: 6 })
        .map((entries) => Object.fromEntries(entries) as unknown),
})).value;

/** JSON text nested 30 to 3,000 levels deep: arrays and objects past any sane limit. */
export const deepJson: fc.Arbitrary<string> = fc
    .tuple(fc.integer({ min: 30, max: 3000 }), fc.boolean())
    .map(([depth, asArray]) =>
        asArray ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${'{"id":'.repeat(depth)}"x"${'}'.repeat(depth)}`,
    );

/** Text sent as a body: JSON of a hostile value, or not JSON at all. */
export const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
    { weight: 8, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: deepJson },
    {
        weight: 1,
        arbitrary: fc.constantFrom(
            '',
            '{',
            '{"a":}',
            'nul',
            '[1,]',
            '{"__proto__":{"admin":true}}',
            '{"constructor":{"prototype":{}}}',
            '\u0000',
            '{"a":"\ud800"}',
            `{"a":"${'z'.repeat(2_000_000)}"}`,
        ),
    },
);

/** Arguments of a contract transaction: strings, often JSON of hostile objects. */
export const hostileArg: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 3, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: deepJson },
);

/** A failing run as one readable line: the cause and the counterexample, cut to 600 characters. */
export function shortReport<T>(details: fc.RunDetails<T>): void {
    if (!details.failed) {
        return;
    }
    const cause =
        details.errorInstance instanceof Error
            ? (details.errorInstance.stack ?? details.errorInstance.message).split('\n').slice(0, 6).join('\n')
            : String(details.errorInstance);
    const example = JSON.stringify(details.counterexample)?.slice(0, 600) ?? '';
    throw new Error(`${cause}\n  seed ${details.seed}, path ${details.counterexamplePath}, input ${example}`);
}
