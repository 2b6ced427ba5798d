import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';

/**
 * Memory of every network process during the sustained run (sustained.ts), read without
 * blocking the load: resident memory from /proc/<pid>/status (the pids network.sh recorded),
 * and for the Go processes (peers, orderers) the Go runtime's own figures from their
 * operations endpoint (Prometheus `go_memstats_*`, `go_goroutines`): RSS alone cannot tell a
 * live heap that grows (a leak, or a cache filling) from garbage and freed pages the runtime
 * keeps until GOMEMLIMIT or the scavenger returns them. With CARELEDGER_PROFILE=true the run also
 * saves Go heap and goroutine profiles (pprof) of every peer and orderer, to compare with
 * `go tool pprof -top -diff_base`.
 */
export interface GoMemory {
    /** Bytes in heap spans in use (live objects and fragmentation), MB. */
    heapInuseMb: number;
    /** Bytes of allocated heap objects (live + not yet collected), MB. */
    heapAllocMb: number;
    /** Heap memory returned to the OS (not resident), MB. */
    heapReleasedMb: number;
    /** Everything the Go runtime obtained from the OS, MB. */
    sysMb: number;
    goroutines: number;
}

export interface MemorySample {
    at: number;
    rssMb: Record<string, number>;
    go: Record<string, GoMemory>;
    /** MB of the channel's block files on each peer and orderer (what Fabric's block cache fills from). */
    chainMb: Record<string, number>;
    /** The machine's 1-minute load average when sampled (it is shared). */
    load: number;
}

/** A Go process of the network and where to ask it: operations (metrics) and pprof ports. */
export interface GoNode {
    name: string;
    opsPort: number;
    pprofPort: number;
}

const root = path.resolve(__dirname, '..', '..');
const pidDir = path.join(root, 'network', '.pids');

/** Peers and orderers of the network: names as network.sh records them, ports of env.sh's port plan. */
export function goNodes(peerEndpoints: ReadonlyArray<{ name: string; endpoint: string }>): GoNode[] {
    const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
        ordererOrg: { domain: string; orderers: number };
    };
    const base = Number(process.env.CARELEDGER_PORT_BASE ?? 7000);
    const orderers = Array.from({ length: consortium.ordererOrg.orderers }, (_, i) => ({
        name: `orderer${i}.${consortium.ordererOrg.domain}`,
        opsPort: base + 104 + 10 * i,
        pprofPort: base + 105 + 10 * i,
    }));
    const peers = peerEndpoints.map((peer) => {
        const port = Number(peer.endpoint.split(':').at(-1));
        return { name: peer.name, opsPort: port + 4, pprofPort: port + 7 };
    });
    return [...orderers, ...peers];
}

/** Resident memory (MB) of every process network.sh recorded. */
export function residentMemory(): Record<string, number> {
    const rssMb: Record<string, number> = {};
    for (const file of existsSync(pidDir) ? readdirSync(pidDir) : []) {
        const pid = readFileSync(path.join(pidDir, file), 'utf8').split(' ')[0];
        const status = `/proc/${pid}/status`;
        const match = existsSync(status) ? /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8')) : null;
        if (match) {
            rssMb[file.replace(/\.pid$/, '')] = Math.round(Number(match[1]) / 1024);
        }
    }
    return rssMb;
}

/** The Go runtime's memory figures in a Prometheus text exposition, or undefined if absent. */
export function goMemoryOf(metrics: string): GoMemory | undefined {
    const value = (name: string) => {
        const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics);
        return match ? Number(match[1]) : undefined;
    };
    const mb = (bytes: number | undefined) => Number(((bytes ?? NaN) / 1048576).toFixed(1));
    const inuse = value('go_memstats_heap_inuse_bytes');
    if (inuse === undefined) {
        return undefined;
    }
    return {
        heapInuseMb: mb(inuse),
        heapAllocMb: mb(value('go_memstats_heap_alloc_bytes')),
        heapReleasedMb: mb(value('go_memstats_heap_released_bytes')),
        sysMb: mb(value('go_memstats_sys_bytes')),
        goroutines: value('go_goroutines') ?? NaN,
    };
}

/**
 * Fabric keeps the most recent blocks of each channel in memory, up to 50 MiB of serialized
 * blocks per ledger, on peers and orderers alike (`defaultBlockCacheSizeBytes` in
 * common/ledger/blkstorage/blockfile_mgr.go, not configurable). Until a node's chain holds that
 * much, its heap grows with every block; after, the oldest block is evicted for each new one.
 */
export const blockCacheMb = 50;

/** MB (MiB, as every MB here) of the channel's block files of `node` (peer: ledgersData/chains/chains/CHANNEL; orderer: ledger/chains/CHANNEL). */
export function chainMegabytes(node: string, channel: string): number {
    const dataDir = process.env.CARELEDGER_NETWORK_DATA_DIR ?? path.join(root, 'network', 'data');
    const dirs = [
        path.join(dataDir, node, 'ledgersData', 'chains', 'chains', channel),
        path.join(dataDir, node, 'ledger', 'chains', channel),
    ];
    let bytes = 0;
    for (const dir of dirs.filter((d) => existsSync(d))) {
        for (const file of readdirSync(dir).filter((f) => f.startsWith('blockfile_'))) {
            bytes += statSync(path.join(dir, file)).size;
        }
    }
    return Number((bytes / 1048576).toFixed(1));
}

/** One sample of every process: RSS, block files, and the Go figures of the nodes that answer within 5 s. */
export async function sampleMemory(nodes: readonly GoNode[], channel = 'careledger'): Promise<MemorySample> {
    const go: Record<string, GoMemory> = {};
    await Promise.all(
        nodes.map(async (node) => {
            try {
                const response = await fetch(`http://127.0.0.1:${node.opsPort}/metrics`, {
                    signal: AbortSignal.timeout(5_000),
                });
                const figures = goMemoryOf(await response.text());
                if (figures) {
                    go[node.name] = figures;
                }
            } catch {
                // not answering: no Go figures in this sample
            }
        }),
    );
    const chainMb = Object.fromEntries(nodes.map((node) => [node.name, chainMegabytes(node.name, channel)]));
    return { at: Date.now(), rssMb: residentMemory(), go, chainMb, load: Number(loadavg()[0].toFixed(1)) };
}

/**
 * Heap and goroutine profiles (pprof, protobuf) of every node into `dir`, named
 * `<node>.<label>.heap.pb.gz` and `.goroutine.pb.gz`. Returns the files written; nodes without
 * pprof (CARELEDGER_PROFILE not true) write none.
 */
export async function saveProfiles(nodes: readonly GoNode[], dir: string, label: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    await Promise.all(
        nodes.flatMap((node) =>
            ['heap', 'goroutine'].map(async (kind) => {
                try {
                    const response = await fetch(`http://127.0.0.1:${node.pprofPort}/debug/pprof/${kind}`, {
                        signal: AbortSignal.timeout(20_000),
                    });
                    if (response.ok) {
                        const file = path.join(dir, `${node.name}.${label}.${kind}.pb.gz`);
                        writeFileSync(file, Buffer.from(await response.arrayBuffer()));
                        written.push(file);
                    }
                } catch {
                    // no pprof on this node
                }
            }),
        ),
    );
    return written.sort();
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
    const n = points.length;
    if (n < 2) {
        return 0;
    }
    const mx = points.reduce((s, [x]) => s + x, 0) / n;
    const my = points.reduce((s, [, y]) => s + y, 0) / n;
    const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
    const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * The minute of the run from which every node's chain held at least the block cache's 50 MiB
 * (so the cache is full and evicting), or undefined if that never happened. Before it, a
 * node's memory grows with every block whatever else happens.
 */
export function blockCacheFullMinute(samples: readonly MemorySample[], startedAt: number): number | undefined {
    const full = samples.find((s) => {
        const sizes = Object.values(s.chainMb);
        return sizes.length > 0 && sizes.every((mb) => mb >= blockCacheMb);
    });
    return full && Number(((full.at - startedAt) / 60_000).toFixed(1));
}

export interface ProcessMemory {
    /** RSS, MB: the first sample, the first after warm-up, the last, the highest. */
    start: number;
    warm: number;
    end: number;
    peak: number;
    /** RSS growth fitted over the samples after warm-up, MB per minute (the figure that must stay under the bound). */
    mbPerMinuteAfterWarmup: number;
    /** The same over the whole run, for comparison (includes the warm-up's growth). */
    mbPerMinuteWhole: number;
    /** Go processes: heap in use, MB, at start / warm / end, and its slope after warm-up; goroutines at start / warm / end. */
    heapInuseMb?: { start: number; warm: number; end: number; mbPerMinuteAfterWarmup: number };
    goroutines?: { start: number; warm: number; end: number };
}

export interface MemoryVerdict {
    processes: Record<string, ProcessMemory>;
    /** Processes whose RSS grew faster after warm-up than `maxMbPerMinute`. */
    growing: string[];
    warmupMinutes: number;
    maxMbPerMinute: number;
}

/**
 * Per process: RSS at start, at the end of warm-up and at the end, and its growth after
 * warm-up (least squares over the samples from `warmupMinutes` on). A process is `growing` when
 * that slope exceeds `maxMbPerMinute`: a leak, or a cache that had not yet filled.
 */
export function memoryVerdict(
    samples: readonly MemorySample[],
    startedAt: number,
    warmupMinutes: number,
    maxMbPerMinute: number,
): MemoryVerdict {
    const minute = (s: MemorySample) => (s.at - startedAt) / 60_000;
    const warm = samples.filter((s) => minute(s) >= warmupMinutes);
    const names = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
    const processes: Record<string, ProcessMemory> = {};
    for (const name of names) {
        const all = samples.filter((s) => name in s.rssMb);
        const after = warm.filter((s) => name in s.rssMb);
        if (all.length === 0 || after.length === 0) {
            continue;
        }
        const fit = (series: readonly MemorySample[], y: (s: MemorySample) => number) =>
            Number(slope(series.map((s) => [minute(s), y(s)] as const)).toFixed(2));
        const entry: ProcessMemory = {
            start: all[0].rssMb[name],
            warm: after[0].rssMb[name],
            end: all.at(-1)!.rssMb[name],
            peak: Math.max(...all.map((s) => s.rssMb[name])),
            mbPerMinuteAfterWarmup: fit(after, (s) => s.rssMb[name]),
            mbPerMinuteWhole: fit(all, (s) => s.rssMb[name]),
        };
        const goAll = samples.filter((s) => name in s.go);
        const goAfter = warm.filter((s) => name in s.go);
        if (goAll.length > 0 && goAfter.length > 0) {
            entry.heapInuseMb = {
                start: goAll[0].go[name].heapInuseMb,
                warm: goAfter[0].go[name].heapInuseMb,
                end: goAll.at(-1)!.go[name].heapInuseMb,
                mbPerMinuteAfterWarmup: fit(goAfter, (s) => s.go[name].heapInuseMb),
            };
            entry.goroutines = {
                start: goAll[0].go[name].goroutines,
                warm: goAfter[0].go[name].goroutines,
                end: goAll.at(-1)!.go[name].goroutines,
            };
        }
        processes[name] = entry;
    }
    return {
        processes,
        growing: Object.entries(processes)
            .filter(([, p]) => p.mbPerMinuteAfterWarmup > maxMbPerMinute)
            .map(([name]) => name),
        warmupMinutes,
        maxMbPerMinute,
    };
}
