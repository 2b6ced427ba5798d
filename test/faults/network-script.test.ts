import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * network.sh's verbs without Fabric: the script is sourced (it then only defines functions),
 * and the few functions that would start real processes or poll real ports are replaced by
 * recorders, so what `start` starts and waits for is checked exactly. Everything else (node
 * names, version checks, the consortium, pid files) is the real script. The same verbs run
 * against the real network in test/network/restart.test.ts and the fault suite.
 */
const root = path.resolve(__dirname, '..', '..');
const networkScript = path.join(root, 'network', 'network.sh');
const scriptsDir = path.join(root, 'network', 'scripts');

/** Runs `body` in bash after sourcing network.sh with recording stubs; returns its output and status. */
function sourced(body: string, stubs = defaultStubs): { status: number | null; out: string } {
    const work = mkdtempSync(path.join(tmpdir(), 'careledger-netsh-'));
    try {
        const script = `
source ${JSON.stringify(networkScript)}
RUN_DIR=${JSON.stringify(work)}/run PID_DIR=${JSON.stringify(work)}/pids DATA_DIR=${JSON.stringify(work)}/data
mkdir -p "$RUN_DIR" "$PID_DIR" "$DATA_DIR"
${stubs}
${body}
`;
        const result = spawnSync('bash', ['-c', script], {
            cwd: root,
            encoding: 'utf8',
            env: { ...process.env, CARELEDGER_ORDERER_TYPE: 'raft', CARELEDGER_TIMEOUT: '5' },
        });
        return { status: result.status, out: `${result.stdout}${result.stderr}` };
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

// Fabric's version strings as its binaries print them (fabric-ca with a leading "v").
const defaultStubs = `
require_fabric() { FABRIC_VERSION=3.1.5 CA_VERSION=v1.5.21 FABRIC_BIN=/nonexistent FABRIC_CONFIG=/nonexistent; }
start_process() { echo "STARTED $1"; }
wait_healthy() { echo "WAITED $1"; }
port_in_use() { return 1; }
wait_for() { local name="$1" what="$2"; shift 2; echo "WAIT_FOR $name: $what"; }
`;

describe('network.sh start', () => {
    test.each([0, 1, 2])('start orderer%i starts and waits for that orderer', (index) => {
        const { status, out } = sourced(`cmd_start orderer${index}.orderer.careledger.local`);
        expect(out).toContain(`STARTED orderer${index}.orderer.careledger.local`);
        expect(out).toContain(`WAITED orderer${index}.orderer.careledger.local`);
        expect(out.match(/WAITED \S+/g)).toEqual([`WAITED orderer${index}.orderer.careledger.local`]);
        expect(status).toBe(0);
    });

    test('an orderer the network does not have is refused by name', () => {
        const { status, out } = sourced('cmd_start orderer3.orderer.careledger.local');
        expect(status).toBe(1);
        expect(out).toContain('has 3 orderers');
        expect(out).not.toContain('STARTED');
    });

    test("start ca.<org> starts that org's CA from its state", () => {
        const { status, out } = sourced('mkdir -p "$(ca_home hospital)" && cmd_start ca.hospital');
        expect(out).toContain('STARTED ca.hospital');
        expect(out).toContain('WAITED ca.hospital');
        expect(status).toBe(0);
    });

    test("start ca.<orderer org> starts the ordering org's CA", () => {
        const { status, out } = sourced('mkdir -p "$(ca_home orderer)" && cmd_start ca.orderer');
        expect(out).toContain('STARTED ca.orderer');
        expect(status).toBe(0);
    });

    test('a CA that never ran (no state) is refused, and so is an unknown org', () => {
        expect(sourced('cmd_start ca.hospital').out).toContain('has no state');
        const unknown = sourced('cmd_start ca.nowhere');
        expect(unknown.status).toBe(1);
        expect(unknown.out).toContain('unknown node ca.nowhere');
    });

    test('a peer started while the other peers are down waits in gossip only for the running ones', () => {
        // peer0.hospital starts; of the five other peers only peer1.hospital and the manufacturer's peer run.
        const { status, out } = sourced(
            'cmd_start peer0.hospital.careledger.local',
            `${defaultStubs}
peer_has_channel() { return 0; }
process_alive() { [[ "$1" == peer1.hospital.careledger.local || "$1" == peer0.manufacturer.careledger.local ]]; }`,
        );
        expect(out).toContain('STARTED peer0.hospital.careledger.local');
        expect(out).toContain("to know the channel's 2 other running peers (gossip)");
        expect(status).toBe(0);
    });

    test('a peer not yet on the channel is not waited for in gossip', () => {
        const { status, out } = sourced(
            'cmd_start peer1.hospital.careledger.local',
            `${defaultStubs}
peer_has_channel() { return 1; }`,
        );
        expect(out).toContain('STARTED peer1.hospital.careledger.local');
        expect(out).not.toContain('gossip');
        expect(status).toBe(0);
    });

    test('start all refuses without network state, naming restart', () => {
        const { status, out } = sourced('cmd_start all');
        expect(status).toBe(1);
        expect(out).toContain("no network state to start from; run '");
    });
});

describe('network scripts', () => {
    test('versions as Fabric prints them, with or without a leading v', () => {
        const { out } = sourced(`
for pair in "3.1.5 2.5" "v1.5.21 1.5" "2.5.9 2.5" "2.4.9 2.5" "v1.4.9 1.5" "10.0.0 2.5" "unknown 1.5" "1.5 1.5"; do
    read -r have want <<<"$pair"
    version_at_least "$have" "$want" && echo "$have>=$want yes" || echo "$have>=$want no"
done`);
        expect(out.trim().split('\n')).toEqual([
            '3.1.5>=2.5 yes',
            'v1.5.21>=1.5 yes',
            '2.5.9>=2.5 yes',
            '2.4.9>=2.5 no',
            'v1.4.9>=1.5 no',
            '10.0.0>=2.5 yes',
            'unknown>=1.5 no',
            '1.5>=1.5 yes',
        ]);
    });

    test("a version check keeps the caller's regex captures", () => {
        const { out } = sourced(`
[[ "orderer2.x" =~ ^orderer([0-9]+) ]]
version_at_least 3.1.5 3.0
echo "capture=\${BASH_REMATCH[1]}"`);
        expect(out).toContain('capture=2');
    });

    test("first_peer and first_org name the consortium's first peer and org", () => {
        const { out } = sourced('echo "$(first_org) $(first_peer hospital) $(first_peer distributor)"');
        expect(out.trim()).toBe('hospital peer0.hospital.careledger.local peer0.distributor.careledger.local');
    });

    /**
     * Under `set -o pipefail`, `producer | head -n1` (or `| grep -q`) fails whenever the reader
     * exits before the producer finished writing: the producer dies of SIGPIPE (exit 141) and the
     * pipeline's status is 141. deployCC failed that way at random. No script may pipe into a
     * reader that stops early; the output is captured whole first.
     */
    test('no pipeline ends in a reader that exits early (head, grep -q) under pipefail', () => {
        const offenders: string[] = [];
        const files = [
            networkScript,
            ...readdirSync(scriptsDir)
                .filter((f) => f.endsWith('.sh'))
                .map((f) => path.join(scriptsDir, f)),
        ];
        for (const file of files) {
            readFileSync(file, 'utf8')
                .split('\n')
                .forEach((line, i) => {
                    const code = line.replace(/^\s*#.*$/, '');
                    if (/\|\s*(head\b|grep\s+-[a-zA-Z]*[qm])/.test(code)) {
                        offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
                    }
                });
        }
        expect(offenders).toEqual([]);
    });

    test('the pattern the check forbids does fail under pipefail (why the rule exists)', () => {
        const result = spawnSync(
            'bash',
            ['-c', 'set -o pipefail; seq 1 200000 | head -n1 >/dev/null; echo "status=$?"'],
            {
                encoding: 'utf8',
            },
        );
        expect(result.stdout.trim()).toBe('status=141');
    });
});
