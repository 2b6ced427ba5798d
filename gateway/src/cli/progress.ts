import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr for long operations; silent when stderr is not a terminal or output is JSON. */
export interface Progress {
    tick(by?: number): void;
    stop(): void;
}

export function progress(total: number, label: string, options: { json?: boolean } = {}): Progress {
    if (options.json || !process.stderr.isTTY || total <= 1) {
        return { tick: () => undefined, stop: () => undefined };
    }
    const bar = new SingleBar(
        {
            format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta}s`,
            stream: process.stderr,
            hideCursor: true,
        },
        Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}
