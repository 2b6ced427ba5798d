import * as os from 'node:os';
import * as path from 'node:path';

/** The gateway's own state of one org (token store, keys, webhooks, documents): `<dataDir>/gateway/<org>`. */
export function gatewayStateDir(dataDir: string, org: string): string {
    const base = dataDir === ':memory:' ? path.join(os.tmpdir(), `careledger-${process.pid}`) : dataDir;
    return path.join(base, 'gateway', org);
}
