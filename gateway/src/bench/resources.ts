import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';

/**
 * CPU and resident memory of the network's processes (the pid files network.sh writes: CAs,
 * orderers, peers, chaincode servers) and of this benchmark client, sampled from /proc while a
 * run is under way. CPU is reported in percent of one core (this machine has 2: 200% is all).
 */
export type ProcessGroup = 'peers' | 'orderers' | 'chaincode' | 'floor chaincode' | 'CAs' | 'client';

export const ProcessGroups: readonly ProcessGroup[] = [
    'peers',
    'orderers',
    'chaincode',
    'floor chaincode',
    'CAs',
    'client',
];

export interface NetworkProcess {
    name: string;
    pid: number;
    group: ProcessGroup;
}

export interface ResourceUsage {
    /** CPU per group over the run, percent of one core. */
    cpuPercent: Record<ProcessGroup, number>;
    /** The whole machine's busy share over the run, percent of all cores. */
    machineBusyPercent: number;
    /**
     * Largest sum of the resident memory of CareLedger's network seen: CAs, orderers, peers and
     * CareLedger's chaincode servers; the floor chaincode's servers (a benchmark fixture) and the
     * client excluded. Bytes.
     */
    peakNetworkRssBytes: number;
    /** The same with the floor chaincode's servers, bytes. */
    peakRssWithFloorBytes: number;
    /** Resident memory per group at that moment, bytes. */
    rssBytesAtPeak: Record<ProcessGroup, number>;
}

/**
 * This machine's speed right now: SHA-256 hashes of 1 KiB per millisecond over `ms`. On a
 * shared virtual machine the same work takes more or less CPU from one minute to the next;
 * recorded with every run, it tells a slower run from a slower machine.
 */
export function machineSpeed(ms = 100): number {
    const block = Buffer.alloc(1024, 7);
    const started = performance.now();
    let hashes = 0;
    while (performance.now() - started < ms) {
        for (let i = 0; i < 50; i++) createHash('sha256').update(block).digest();
        hashes += 50;
    }
    return hashes / (performance.now() - started);
}

/** Which group a process of network.sh belongs to, by its name (`peer0.hospital...`, `chaincode.peer0...`). */
export function groupOf(name: string): ProcessGroup {
    if (name.startsWith('chaincode.')) return 'chaincode';
    if (name.startsWith('chaincode-')) return 'floor chaincode';
    if (name.startsWith('orderer')) return 'orderers';
    if (name.startsWith('ca.')) return 'CAs';
    return 'peers';
}

/** The processes network.sh started and that still run. */
export function networkProcesses(pidDir: string): NetworkProcess[] {
    let files: string[];
    try {
        files = readdirSync(pidDir).filter((file) => file.endsWith('.pid'));
    } catch {
        return [];
    }
    const processes: NetworkProcess[] = [];
    for (const file of files.sort()) {
        const pid = Number(readFileSync(path.join(pidDir, file), 'utf8').trim().split(/\s+/)[0]);
        const name = file.slice(0, -'.pid'.length);
        if (Number.isInteger(pid) && pid > 0 && readProc(pid)) {
            processes.push({ name, pid, group: groupOf(name) });
        }
    }
    return processes;
}

interface ProcReading {
    /** utime + stime, clock ticks. */
    cpuTicks: number;
    rssBytes: number;
}

/** Fields 14 and 15 of /proc/PID/stat (after the parenthesised command), VmRSS of status. */
export function parseProcStat(stat: string): number {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
}

export function parseVmRssBytes(status: string): number {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
}

function readProc(pid: number): ProcReading | undefined {
    try {
        return {
            cpuTicks: parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
            rssBytes: parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')),
        };
    } catch {
        return undefined;
    }
}

/** Busy and total jiffies of all cores from the first line of /proc/stat. */
export function parseMachineStat(stat: string): { busy: number; total: number } {
    const values = stat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = values[3] + (values[4] ?? 0);
    return { busy: total - idle, total };
}

function readMachine(): { busy: number; total: number } {
    try {
        return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
    } catch {
        return { busy: 0, total: 0 };
    }
}

const ticksPerSecond = 100; // USER_HZ on Linux

const emptyByGroup = (): Record<ProcessGroup, number> =>
    Object.fromEntries(ProcessGroups.map((group) => [group, 0])) as Record<ProcessGroup, number>;

/** Samples the network and this process every `intervalMs` from {@link start} to {@link stop}. */
export class ResourceMonitor {
    private timer?: NodeJS.Timeout;
    private processes: NetworkProcess[] = [];
    private first = new Map<number, number>();
    private last = new Map<number, number>();
    private startedAt = 0;
    private machineFirst = { busy: 0, total: 0 };
    private peak = { rss: 0, withFloor: 0, byGroup: emptyByGroup() };

    constructor(
        private readonly pidDir: string,
        private readonly intervalMs = 1000,
    ) {}

    start(): void {
        this.processes = [...networkProcesses(this.pidDir), { name: 'client', pid: process.pid, group: 'client' }];
        this.first = new Map();
        this.last = new Map();
        this.peak = { rss: 0, withFloor: 0, byGroup: emptyByGroup() };
        this.machineFirst = readMachine();
        this.startedAt = Date.now();
        this.sample();
        this.timer = setInterval(() => this.sample(), this.intervalMs);
        this.timer.unref();
    }

    stop(): ResourceUsage {
        clearInterval(this.timer);
        this.sample();
        const seconds = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
        const cpuPercent = emptyByGroup();
        for (const { pid, group } of this.processes) {
            const ticks = (this.last.get(pid) ?? 0) - (this.first.get(pid) ?? 0);
            cpuPercent[group] += (100 * ticks) / ticksPerSecond / seconds;
        }
        const machine = readMachine();
        const total = machine.total - this.machineFirst.total;
        return {
            cpuPercent,
            machineBusyPercent: total > 0 ? (100 * (machine.busy - this.machineFirst.busy)) / total : 0,
            peakNetworkRssBytes: this.peak.rss,
            peakRssWithFloorBytes: this.peak.withFloor,
            rssBytesAtPeak: this.peak.byGroup,
        };
    }

    private sample(): void {
        const byGroup = emptyByGroup();
        for (const { pid, group } of this.processes) {
            const reading = readProc(pid);
            if (!reading) continue;
            if (!this.first.has(pid)) this.first.set(pid, reading.cpuTicks);
            this.last.set(pid, reading.cpuTicks);
            byGroup[group] += reading.rssBytes;
        }
        const networkRss = byGroup.peers + byGroup.orderers + byGroup.chaincode + byGroup.CAs;
        if (networkRss > this.peak.rss) {
            this.peak = { ...this.peak, rss: networkRss, byGroup };
        }
        this.peak.withFloor = Math.max(this.peak.withFloor, networkRss + byGroup['floor chaincode']);
    }
}
