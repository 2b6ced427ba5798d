import { AllWorkloads, parseBenchOptions } from './options';

describe('bench options', () => {
    it('has bounded defaults: every workload, a fresh network, 20 s at peak', () => {
        const options = parseBenchOptions([], {});
        expect(options).toMatchObject({
            durationS: 20,
            warmupS: 3,
            network: 'fresh',
            keepNetwork: false,
            outDir: 'bench-results',
            halfLoad: ['floor-put', 'register-ehr-pointer'],
        });
        expect(options.workloads).toEqual(AllWorkloads);
        expect(options.submitLevels[0]).toBe(1);
    });

    it('takes flags over the environment, and sorts levels', () => {
        const options = parseBenchOptions(['--duration', '5', '--submit-levels', '32,1,8'], {
            CARELEDGER_BENCH_DURATION: '30',
            CARELEDGER_BENCH_COMMISSION_BATCH: '250',
            CARELEDGER_BENCH_NETWORK: 'reuse',
        });
        expect(options.durationS).toBe(5);
        expect(options.submitLevels).toEqual([1, 8, 32]);
        expect(options.commissionBatch).toBe(250);
        expect(options.network).toBe('reuse');
    });

    it('follows the network with no index unless asked, then with each named database once', () => {
        expect(parseBenchOptions([], {}).followIndex).toEqual([]);
        expect(parseBenchOptions(['--follow-index', 'postgres,pglite,postgres'], {}).followIndex).toEqual([
            'postgres',
            'pglite',
        ]);
        expect(parseBenchOptions([], { CARELEDGER_BENCH_FOLLOW_INDEX: 'pglite-memory' }).followIndex).toEqual([
            'pglite-memory',
        ]);
    });

    it('runs selected workloads in the benchmark order', () => {
        const options = parseBenchOptions(['--workloads', 'verify-product,floor-put'], {});
        expect(options.workloads).toEqual(['floor-put', 'verify-product']);
    });

    it('refuses unknown workloads, bad numbers and bad network modes', () => {
        const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
        try {
            expect(() => parseBenchOptions(['--workloads', 'nope'], {})).toThrow(/unknown workload nope/);
            expect(() => parseBenchOptions(['--duration', '-1'], {})).toThrow(/positive number/);
            expect(() => parseBenchOptions(['--submit-levels', '1,x'], {})).toThrow(/positive integer/);
            expect(() => parseBenchOptions(['--network', 'sometimes'], {})).toThrow(/fresh or reuse/);
            expect(() => parseBenchOptions(['--follow-index', 'postgres,mysql'], {})).toThrow(/unknown database mysql/);
        } finally {
            quiet.mockRestore();
        }
    });
});
