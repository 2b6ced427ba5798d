import { useCallback, useEffect, useMemo, useState } from 'react';
import { HistoryApi, type IndexStatus } from '../api/history';
import { IndexErrorNotice } from '../components/IndexErrorNotice';
import { IndexStatusLine } from '../components/IndexStatusLine';
import { Tabs } from '../components/Tabs';
import { apiOf, type Session } from '../session';
import { AuditIndex } from './index/AuditIndex';
import { LotIndex } from './index/LotIndex';
import { MisuseIndex } from './index/MisuseIndex';
import { ReportsIndex } from './index/ReportsIndex';
import { UnitCustodyIndex } from './index/UnitCustodyIndex';

const tabs = ['Lots and units', 'Unit custody', 'EHR audit search', 'Credential misuse', 'Reports'] as const;
type Tab = (typeof tabs)[number];

/**
 * The inspector's pages over the history index (`/history/*`): questions across the whole
 * history, answered from the org's index of ledger blocks, each answer stating the block it
 * reflects. The ledger-query pages stay at #/regulator.
 */
export default function RegulatorIndex({ session }: { session: Session }) {
    const history = useMemo(() => new HistoryApi(apiOf(session)), [session]);
    const [tab, setTab] = useState<Tab>('Lots and units');
    const [custodyOf, setCustodyOf] = useState<{ gtin: string; serial: string }>();
    const [status, setStatus] = useState<IndexStatus>();
    const [statusError, setStatusError] = useState<unknown>();
    const refresh = useCallback(() => {
        history.status().then(
            (s) => (setStatus(s), setStatusError(undefined)),
            (e: unknown) => (setStatus(undefined), setStatusError(e)),
        );
    }, [history]);
    useEffect(refresh, [refresh]);
    return (
        <>
            <h1>History index — {session.org}</h1>
            <p>
                Questions across the ledger's whole history, answered from the index of its blocks.{' '}
                <a href="#/regulator">Ledger queries</a>
            </p>
            <div className="row">
                <IndexStatusLine status={status} />
                <button type="button" onClick={refresh}>
                    Refresh status
                </button>
            </div>
            <IndexErrorNotice error={statusError} />
            <Tabs
                label="History index views"
                tabs={tabs}
                selected={tab}
                onSelect={(next) => {
                    // The index may have moved on: say again where it stands.
                    refresh();
                    setTab(next);
                }}
            >
                {tab === 'Lots and units' && (
                    <LotIndex
                        history={history}
                        onUnit={(unit) => {
                            setCustodyOf(unit);
                            refresh();
                            setTab('Unit custody');
                        }}
                    />
                )}
                {tab === 'Unit custody' && <UnitCustodyIndex history={history} initial={custodyOf} />}
                {tab === 'EHR audit search' && <AuditIndex history={history} />}
                {tab === 'Credential misuse' && <MisuseIndex history={history} />}
                {tab === 'Reports' && <ReportsIndex history={history} />}
            </Tabs>
        </>
    );
}
