import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzRuns, fuzzSeed, fuzzShard } from './arbitraries';

/**
 * The figures of a fuzz run, per contract transaction or REST route, written as JSON to
 * `fuzz-results/<suite>.json` (ignored by git; `FUZZ_RESULTS_DIR` moves it) after every target,
 * so a run stopped part-way still says exactly what it covered. `npm run fuzz` prints the path.
 */
export interface TargetFigures {
    /** `contract:Function`, or `METHOD /path`. */
    target: string;
    inputs: number;
    /** Contract: the call succeeded; REST: a 2xx answer. */
    accepted: number;
    /** Contract: error code → count; REST: `status code` (e.g. `400 INVALID_ARGUMENT`) → count. */
    refused: Record<string, number>;
    /** REST: 5xx answers; contract: calls that failed without a typed contract error. */
    untyped: number;
    serverErrors: number;
    hangs: number;
    /** Refusals after which the world-state digest differed from before the call. */
    stateChangedOnRefusal: number;
    /** Refusals that legitimately committed (a denial the ledger audits: 403 with auditId). */
    auditedDenials: number;
    cpuSeconds: number;
    wallSeconds: number;
    /** False while the target runs, and when its property failed. */
    passed: boolean;
}

export class FuzzSummary {
    readonly targets: TargetFigures[] = [];
    private readonly started = new Date();
    private readonly startCpu = process.cpuUsage();
    readonly file: string;

    constructor(readonly suite: 'contracts' | 'rest') {
        const dir = process.env.FUZZ_RESULTS_DIR ?? path.resolve(__dirname, '..', '..', 'fuzz-results');
        const shard = fuzzShard.count > 1 ? `.shard-${fuzzShard.index}-of-${fuzzShard.count}` : '';
        this.file = path.join(dir, `${suite}${shard}.json`);
    }

    /** Starts the figures of one target; call {@link finish} when its property ends. */
    begin(target: string): TargetFigures & { finish(passed: boolean): void } {
        const cpu = process.cpuUsage();
        const wall = performance.now();
        const figures: TargetFigures = {
            target,
            inputs: 0,
            accepted: 0,
            refused: {},
            untyped: 0,
            serverErrors: 0,
            hangs: 0,
            stateChangedOnRefusal: 0,
            auditedDenials: 0,
            cpuSeconds: 0,
            wallSeconds: 0,
            passed: false,
        };
        this.targets.push(figures);
        return Object.assign(figures, {
            finish: (passed: boolean) => {
                const used = process.cpuUsage(cpu);
                figures.cpuSeconds = round((used.user + used.system) / 1e6);
                figures.wallSeconds = round((performance.now() - wall) / 1000);
                figures.passed = passed;
                this.write();
            },
        });
    }

    totals() {
        const sum = (pick: (t: TargetFigures) => number) => this.targets.reduce((n, t) => n + pick(t), 0);
        const used = process.cpuUsage(this.startCpu);
        return {
            targets: this.targets.length,
            targetsPassed: this.targets.filter((t) => t.passed).length,
            targetsWithFullRuns: this.targets.filter((t) => t.passed && t.inputs >= fuzzRuns).length,
            inputs: sum((t) => t.inputs),
            minInputsPerTarget: this.targets.length ? Math.min(...this.targets.map((t) => t.inputs)) : 0,
            accepted: sum((t) => t.accepted),
            refused: sum((t) => Object.values(t.refused).reduce((a, b) => a + b, 0)),
            untyped: sum((t) => t.untyped),
            serverErrors: sum((t) => t.serverErrors),
            hangs: sum((t) => t.hangs),
            stateChangedOnRefusal: sum((t) => t.stateChangedOnRefusal),
            auditedDenials: sum((t) => t.auditedDenials),
            cpuSeconds: round((used.user + used.system) / 1e6),
            wallSeconds: round((Date.now() - this.started.getTime()) / 1000),
        };
    }

    write(): void {
        const report = {
            suite: this.suite,
            seed: fuzzSeed,
            runsPerTarget: fuzzRuns,
            shard: `${fuzzShard.index}/${fuzzShard.count}`,
            node: process.version,
            startedAt: this.started.toISOString(),
            writtenAt: new Date().toISOString(),
            totals: this.totals(),
            targets: this.targets,
        };
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        fs.writeFileSync(this.file, `${JSON.stringify(report, null, 2)}\n`);
    }

    /** One line per target and a totals line, for the test output. */
    text(): string {
        const t = this.totals();
        return [
            `fuzz-${this.suite}: ${t.targets} targets, ${t.inputs} inputs (${fuzzRuns} per target), seed ${fuzzSeed}, ` +
                `${t.serverErrors} 5xx, ${t.untyped} untyped, ${t.hangs} hangs, ${t.stateChangedOnRefusal} state changes on refusal, ` +
                `${t.cpuSeconds} s CPU, ${t.wallSeconds} s wall -> ${this.file}`,
            ...this.targets.map(
                (f) =>
                    `  ${f.target}: ${f.inputs} inputs, ${f.accepted} accepted, refused ${JSON.stringify(f.refused)}, ` +
                    `5xx ${f.serverErrors}, untyped ${f.untyped}, hangs ${f.hangs}, state changed on refusal ${f.stateChangedOnRefusal}` +
                    (f.auditedDenials ? `, audited denials ${f.auditedDenials}` : '') +
                    `, ${f.cpuSeconds} s CPU${f.passed ? '' : ' FAILED'}`,
            ),
        ].join('\n');
    }
}

function round(n: number): number {
    return Math.round(n * 1000) / 1000;
}
