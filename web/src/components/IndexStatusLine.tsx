import type { IndexStatus } from '../api/history';

/**
 * The index's state in one line: how many blocks it holds, how far behind the ledger it is,
 * its database — so an inspector knows what every answer below can and cannot reflect.
 */
export function IndexStatusLine({ status }: { status?: IndexStatus }) {
    if (!status) return null;
    const lag =
        status.lag === undefined
            ? 'ledger height unknown'
            : status.lag === 0
              ? 'up to date with the ledger'
              : `${status.lag} block(s) behind the ledger (height ${status.ledgerHeight})`;
    return (
        <p
            className={`notice ${status.state === 'broken' || status.lastError ? 'error' : 'ok'}`}
            role="status"
            aria-label="Index status"
            data-indexed-height={status.indexedHeight}
            data-lag={status.lag}
        >
            History index: <strong>{status.indexedHeight}</strong> block(s) indexed, {lag} · {status.state} ·{' '}
            {status.database}, schema {status.schemaVersion}
            {status.lastError && <> · last error: {status.lastError}</>}
        </p>
    );
}
