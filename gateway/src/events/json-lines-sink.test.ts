import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonLinesSink } from './json-lines-sink';

const event = (block: bigint, tx: string) => ({
    blockNumber: block,
    transactionId: tx,
    chaincodeName: 'careledger',
    eventName: 'system.Pinged',
    payload: Buffer.from(JSON.stringify({ tx })),
});

describe('JsonLinesSink', () => {
    it('is its own checkpoint: resumes after the last complete line and drops a torn one', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-sink-'));
        const file = path.join(dir, 'events.jsonl');
        const sink = new JsonLinesSink(file);
        expect(await sink.load()).toBeUndefined();
        await sink.write(event(3n, 'a'));
        await sink.write(event(4n, 'b'));
        sink.close();
        fs.appendFileSync(file, '{"position":"5:c","blo');

        const reopened = new JsonLinesSink(file);
        expect(await reopened.load()).toEqual({ blockNumber: 4n, transactionId: 'b' });
        await reopened.write(event(5n, 'c'));
        reopened.close();
        const lines = fs
            .readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line).transactionId);
        expect(lines).toEqual(['a', 'b', 'c']);
        fs.rmSync(dir, { recursive: true });
    });
});
