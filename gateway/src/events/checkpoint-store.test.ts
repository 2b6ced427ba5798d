import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileCheckpointStore, formatPosition, parsePosition } from './checkpoint-store';

describe('FileCheckpointStore', () => {
    it('loads what it saved, across instances, and nothing before the first save', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-cp-'));
        const file = path.join(dir, 'consumer.json');
        expect(await new FileCheckpointStore(file).load()).toBeUndefined();
        await new FileCheckpointStore(file).save({ blockNumber: 12345678901234n, transactionId: 'tx-9' });
        expect(await new FileCheckpointStore(file).load()).toEqual({
            blockNumber: 12345678901234n,
            transactionId: 'tx-9',
        });
        expect(fs.readdirSync(dir)).toEqual(['consumer.json']);
        fs.rmSync(dir, { recursive: true });
    });
});

describe('event positions', () => {
    it('round-trip between text and positions', () => {
        expect(parsePosition('12')).toEqual({ blockNumber: 12n, transactionId: undefined });
        expect(parsePosition('12:abc_DEF-1')).toEqual({ blockNumber: 12n, transactionId: 'abc_DEF-1' });
        expect(formatPosition({ blockNumber: 12n, transactionId: 'abc' })).toBe('12:abc');
        expect(parsePosition('x')).toBeUndefined();
        expect(parsePosition('12:')).toBeUndefined();
    });
});
