/**
 * Three projects, one runner:
 * - unit: tests beside the code in chaincode/ and gateway/ (contract harness, pure functions);
 * - scenarios: the end-to-end suite in test/scenarios, run once per ledger (CARELEDGER_LEDGER);
 * - network: tests that only make sense on a real Fabric network (test/network);
 * - browser: the web app's journeys in Chromium (test/browser), on either ledger;
 * - multihost: the consortium on separate hosts (network namespaces), each org run by network/org/org.sh.
 * test/run.js decides which run and against which ledger.
 */
const transform = {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
};
const moduleNameMapper = {
    '^@careledger/chaincode$': '<rootDir>/chaincode/src/index.ts',
    '^@careledger/gateway$': '<rootDir>/gateway/src/index.ts',
    '^@careledger/testing$': '<rootDir>/test/harness/index.ts',
};
// Generated folders (network run directories, build output, ledger data) hold package.json copies that confuse jest's module map.
const modulePathIgnorePatterns = [
    '<rootDir>/network/',
    '<rootDir>/.careledger/',
    '<rootDir>/(chaincode|gateway)/dist/',
];
const common = {
    rootDir: __dirname,
    transform,
    moduleNameMapper,
    modulePathIgnorePatterns,
    setupFiles: ['<rootDir>/test/harness/quiet-chaincode-logs.js'],
    testEnvironment: 'node',
};

module.exports = {
    // Nine engineers share two cores: a hook that takes 5 s under load is not a failure.
    testTimeout: 30_000,
    projects: [
        {
            ...common,
            displayName: 'unit',
            testMatch: [
                '<rootDir>/chaincode/src/**/*.test.ts',
                '<rootDir>/gateway/src/**/*.test.ts',
                '<rootDir>/test/harness/**/*.test.ts',
                '<rootDir>/test/faults/**/*.test.ts',
                // The README's commands and the first hour, against a started default (embedded ledger).
                '<rootDir>/test/readme/**/*.test.ts',
                '<rootDir>/test/multihost/org-tools.test.ts',
                // Fuzzing runs on the embedded ledger only (its state digest proves nothing committed).
                '<rootDir>/test/security/fuzz-*.test.ts',
            ],
        },
        {
            ...common,
            displayName: 'scenarios',
            testMatch: [
                '<rootDir>/test/scenarios/**/*.test.ts',
                '<rootDir>/test/privacy/**/*.test.ts',
                '<rootDir>/test/security/**/*.test.ts',
                '<rootDir>/test/history/**/*.test.ts',
                '<rootDir>/test/interop/**/*.test.ts',
            ],
            testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/security/fuzz-'],
        },
        {
            ...common,
            displayName: 'browser',
            testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
        },
        {
            ...common,
            displayName: 'network',
            testMatch: ['<rootDir>/test/network/**/*.test.ts'],
        },
        {
            ...common,
            displayName: 'multihost',
            testMatch: ['<rootDir>/test/multihost/multihost.test.ts'],
        },
    ],
};
