import { ApiError } from '../api/errors';
import { ErrorNotice } from './ui';

/**
 * An index route's error: the gateway's typed message (400 names the field, 403 says whose
 * rows these are), and for 503 that it is the history index, not the ledger, that is down.
 */
export function IndexErrorNotice({ error }: { error: unknown }) {
    if (error instanceof ApiError && error.status === 503) {
        return (
            <div className="notice error" role="alert">
                <strong>The history index is unavailable</strong> — the ledger routes still answer; try the index again
                in a moment.
                <div>{error.message}</div>
            </div>
        );
    }
    return <ErrorNotice error={error} />;
}
