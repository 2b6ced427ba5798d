import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
    groupOf,
    machineSpeed,
    networkProcesses,
    parseMachineStat,
    parseProcStat,
    parseVmRssBytes,
    ResourceMonitor,
} from './resources';

describe('network resources', () => {
    it('groups network.sh processes by name', () => {
        expect(groupOf('peer0.hospital.careledger.local')).toBe('peers');
        expect(groupOf('orderer1.orderer.careledger.local')).toBe('orderers');
        expect(groupOf('ca.hospital')).toBe('CAs');
        expect(groupOf('chaincode.peer0.hospital.careledger.local')).toBe('chaincode');
        expect(groupOf('chaincode-careledger-bench.peer0.hospital.careledger.local')).toBe('floor chaincode');
    });

    it('reads CPU ticks from /proc/PID/stat even when the command has spaces and parentheses', () => {
        const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 1000 0 0';
        expect(parseProcStat(stat)).toBe(1234 + 567);
    });

    it('reads resident memory and machine-wide busy time', () => {
        expect(parseVmRssBytes('Name:\tpeer\nVmRSS:\t  204800 kB\nVmSwap:\t0 kB\n')).toBe(204800 * 1024);
        expect(parseVmRssBytes('Name:\tzombie\n')).toBe(0);
        expect(parseMachineStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n')).toEqual({ busy: 150, total: 1000 });
    });

    it('finds live processes from pid files and samples this one', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'bench-pids-'));
        writeFileSync(path.join(dir, 'peer0.hospital.careledger.local.pid'), `${process.pid} Fri_Nov_21\n`);
        writeFileSync(path.join(dir, 'orderer0.orderer.careledger.local.pid'), '999999999 gone\n');
        expect(networkProcesses(dir)).toEqual([
            { name: 'peer0.hospital.careledger.local', pid: process.pid, group: 'peers' },
        ]);
        expect(networkProcesses(path.join(dir, 'missing'))).toEqual([]);
        const monitor = new ResourceMonitor(dir, 10_000);
        monitor.start();
        const usage = monitor.stop();
        // This process stands in for a peer here, so the network's memory is this process's.
        expect(usage.peakNetworkRssBytes).toBeGreaterThan(10 * 1024 * 1024);
        expect(usage.rssBytesAtPeak.peers).toBe(usage.peakNetworkRssBytes);
        expect(usage.rssBytesAtPeak.client).toBeGreaterThan(0);
        expect(usage.peakRssWithFloorBytes).toBe(usage.peakNetworkRssBytes);
    });
});

describe('machine speed', () => {
    it('counts hashes per millisecond', () => {
        expect(machineSpeed(20)).toBeGreaterThan(0);
    });
});
