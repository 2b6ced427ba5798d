import { blockCacheFullMinute, goMemoryOf, memoryVerdict, slope, type MemorySample } from './memory';

const minute = 60_000;

function sample(
    at: number,
    rssMb: Record<string, number>,
    heap: Record<string, number> = {},
    chainMb: Record<string, number> = {},
): MemorySample {
    return {
        at,
        rssMb,
        chainMb,
        go: Object.fromEntries(
            Object.entries(heap).map(([name, heapInuseMb]) => [
                name,
                { heapInuseMb, heapAllocMb: heapInuseMb, heapReleasedMb: 0, sysMb: heapInuseMb * 2, goroutines: 100 },
            ]),
        ),
        load: 1,
    };
}

describe('goMemoryOf', () => {
    test("reads the Go runtime's figures from a Prometheus exposition, in MB", () => {
        const metrics = [
            '# HELP go_goroutines Number of goroutines that currently exist.',
            'go_goroutines 311',
            'go_memstats_heap_alloc_bytes 4.1943040e+07',
            'go_memstats_heap_inuse_bytes 5.24288e+07',
            'go_memstats_heap_released_bytes 1.048576e+06',
            'go_memstats_sys_bytes 1.048576e+08',
        ].join('\n');
        expect(goMemoryOf(metrics)).toEqual({
            heapInuseMb: 50,
            heapAllocMb: 40,
            heapReleasedMb: 1,
            sysMb: 100,
            goroutines: 311,
        });
    });

    test('a process without Go metrics has none', () => {
        expect(goMemoryOf('process_resident_memory_bytes 1e+08')).toBeUndefined();
    });
});

describe('memoryVerdict', () => {
    // A peer that grows 5 MB/min for 10 minutes, then stays within 1 MB; a chaincode server flat
    // throughout; an orderer that keeps growing 2 MB/min.
    const samples = Array.from({ length: 41 }, (_, i) => {
        const m = i / 2;
        return sample(
            m * minute,
            {
                peer: 100 + 5 * Math.min(m, 10) + (i % 2),
                chaincode: 70,
                orderer: 60 + 2 * m,
            },
            { peer: 40 + Math.min(m, 10), orderer: 20 + m },
        );
    });

    test('fits the growth after warm-up per process, and names those over the bound', () => {
        const verdict = memoryVerdict(samples, 0, 10, 1);
        expect(verdict.growing).toEqual(['orderer']);
        expect(verdict.processes.peer).toMatchObject({ start: 100, warm: 150, end: 150, peak: 151 });
        expect(Math.abs(verdict.processes.peer.mbPerMinuteAfterWarmup)).toBeLessThan(0.2);
        expect(verdict.processes.peer.mbPerMinuteWhole).toBeGreaterThan(2);
        expect(verdict.processes.orderer.mbPerMinuteAfterWarmup).toBeCloseTo(2, 5);
        expect(verdict.processes.orderer.heapInuseMb).toMatchObject({ start: 20, warm: 30, end: 40 });
        expect(verdict.processes.chaincode.heapInuseMb).toBeUndefined();
    });

    test('the same run judged from the start fails the peer too', () => {
        expect(memoryVerdict(samples, 0, 0, 1).growing).toEqual(['orderer', 'peer']);
    });
});

describe('blockCacheFullMinute', () => {
    test("is the first sample in which every node's chain holds Fabric's 50 MiB block cache", () => {
        const samples = [
            sample(0, {}, {}, { peer: 1, orderer: 1 }),
            sample(3 * minute, {}, {}, { peer: 52, orderer: 49.9 }),
            sample(4 * minute, {}, {}, { peer: 70, orderer: 50.1 }),
            sample(5 * minute, {}, {}, { peer: 90, orderer: 70 }),
        ];
        expect(blockCacheFullMinute(samples, 0)).toBe(4);
        expect(blockCacheFullMinute(samples.slice(0, 2), 0)).toBeUndefined();
    });
});

describe('slope', () => {
    test('is the least-squares slope, 0 for fewer than two points', () => {
        expect(
            slope([
                [0, 1],
                [1, 3],
                [2, 5],
            ]),
        ).toBeCloseTo(2, 10);
        expect(slope([[0, 1]])).toBe(0);
    });
});
