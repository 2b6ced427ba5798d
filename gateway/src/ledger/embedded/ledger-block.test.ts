import { ClassicLevel } from 'classic-level';
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig } from '../config';
import type { Ledger } from '../ledger';
import { openEmbeddedLedger } from './index';

jest.setTimeout(60_000);

const collection = '_implicit_org_HospitalMSP';

/** Writes, reads and purges one private value from transient data, as StoreRecordLocation does. */
class VaultContract extends Contract {
    constructor() {
        super('vault');
    }

    @Transaction()
    async Put(ctx: Context, key: string): Promise<void> {
        const secret = ctx.stub.getTransient().get('secret') as Uint8Array;
        await ctx.stub.putPrivateData(collection, key, secret);
    }

    @Transaction()
    async Purge(ctx: Context, key: string): Promise<void> {
        await ctx.stub.purgePrivateData(collection, key);
    }

    @Transaction(false)
    async Get(ctx: Context, key: string): Promise<string> {
        return Buffer.from(await ctx.stub.getPrivateData(collection, key)).toString('utf8');
    }
}

/** Every key and value of the ledger's LevelDB, as text. */
async function everythingStored(folder: string): Promise<string> {
    const db = new ClassicLevel<string, string>(path.join(folder, 'ledger'), { valueEncoding: 'utf8' });
    await db.open();
    const parts: string[] = [];
    for await (const [key, value] of db.iterator()) {
        parts.push(key, value);
    }
    await db.close();
    return parts.join('\n');
}

describe('embedded block storage keeps what Fabric keeps for private data (#17 finding 8)', () => {
    let folder: string;
    let ledger: Ledger | undefined;
    beforeEach(() => (folder = mkdtempSync(path.join(tmpdir(), 'careledger-blocks-'))));
    afterEach(async () => {
        await ledger?.close();
        rmSync(folder, { recursive: true, force: true });
    });

    it('stores hashes of private writes in blocks, the arguments in clear, and nothing of a purged value', async () => {
        const secret = 'https://docs.example/records/MRN-0012345-jane-roe.pdf';
        ledger = await openEmbeddedLedger({ ...loadLedgerConfig({}), dataDir: folder }, { contracts: [VaultContract] });
        const session = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
        const own = { endorsingOrganizations: ['HospitalMSP'] };
        await session.submit({
            contract: 'vault',
            name: 'Put',
            args: ['key-arg-marker'],
            transient: { secret },
            ...own,
        });
        const read = await session.evaluate({ contract: 'vault', name: 'Get', args: ['key-arg-marker'], ...own });
        expect(Buffer.from(read).toString('utf8')).toBe(secret);

        // Before the purge the value lives in the private state only, never in a block.
        await ledger.close();
        ledger = undefined;
        const beforePurge = await everythingStored(folder);
        const blocksOnly = beforePurge
            .split('\n')
            .filter((_line, index, lines) => index % 2 === 1 && lines[index - 1].startsWith('block!'))
            .join('\n');
        expect(blocksOnly).toContain(Buffer.from('key-arg-marker').toString('base64'));
        expect(blocksOnly).toContain('hashedWrites');
        expect(blocksOnly).not.toContain(Buffer.from(secret).toString('base64'));
        expect(blocksOnly).not.toContain(secret);

        ledger = await openEmbeddedLedger({ ...loadLedgerConfig({}), dataDir: folder }, { contracts: [VaultContract] });
        const again = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
        await again.submit({ contract: 'vault', name: 'Purge', args: ['key-arg-marker'], ...own });
        await ledger.close();
        ledger = undefined;

        const afterPurge = await everythingStored(folder);
        expect(afterPurge).not.toContain(Buffer.from(secret).toString('base64'));
        expect(afterPurge).not.toContain(secret);
    });
});
