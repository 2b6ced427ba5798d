import { useEffect, useMemo, useState } from 'react';
import type { Api, Page } from '../api/client';
import type { AuditEntry } from '../api/ehr';
import { CustodyGraphView } from '../components/CustodyGraphView';
import { Tabs } from '../components/Tabs';
import { custodyGraph, type Step } from '../components/custody';
import {
    download,
    Scroll,
    ErrorNotice,
    Field,
    Pager,
    Progress,
    Section,
    toCsv,
    useAction,
    usePaged,
    when,
} from '../components/ui';
import { apiOf, type Session } from '../session';
import { clockOf } from './Supply';
import { purposes } from './Patient';

const tabs = ['Supply explorer', 'Recalls and suspect product', 'EHR audit', 'Credentials'] as const;

export default function Regulator({ session }: { session: Session }) {
    const api = useMemo(() => apiOf(session), [session]);
    const [tab, setTab] = useState<(typeof tabs)[number]>('Supply explorer');
    return (
        <>
            <h1>Regulator — {session.org}</h1>
            <p>
                Ledger queries below; for questions across the whole history (every unit of a lot, audit search, reports
                with charts) see the <a href="#/regulator/index">history index</a>.
            </p>
            <Tabs label="Regulator views" tabs={tabs} selected={tab} onSelect={setTab}>
                {tab === 'Supply explorer' && <SupplyExplorer api={api} />}
                {tab === 'Recalls and suspect product' && <RecallsAndSuspects api={api} />}
                {tab === 'EHR audit' && <AuditExplorer api={api} />}
                {tab === 'Credentials' && <CredentialRegistry api={api} />}
            </Tabs>
        </>
    );
}

async function allPages<T>(load: (bookmark?: string) => Promise<Page<T>>, onPage?: (n: number) => void): Promise<T[]> {
    const items: T[] = [];
    let bookmark: string | undefined;
    do {
        const page = await load(bookmark);
        items.push(...page.items);
        onPage?.(items.length);
        bookmark = page.bookmark || undefined;
    } while (bookmark);
    return items;
}

function SupplyExplorer({ api }: { api: Api }) {
    const [gtin, setGtin] = useState('');
    const [lot, setLot] = useState('');
    const [loaded, setLoaded] = useState<{
        lot: Record<string, unknown>;
        steps: Step[];
        where?: {
            total: number;
            byCustodian: Array<{ custodian: string; status: string; destination?: string; count: number }>;
        };
    }>();
    const [count, setCount] = useState(0);
    const action = useAction();
    const path = `/supply/lots/${encodeURIComponent(gtin)}/${encodeURIComponent(lot)}`;
    return (
        <>
            <Section title="Follow a lot">
                <form
                    onSubmit={async (e) => {
                        e.preventDefault();
                        setLoaded(undefined);
                        const result = await action.run(async () => {
                            const info = await api.get<Record<string, unknown>>(path);
                            const steps = await allPages<Step>(
                                (b) => api.get(`${path}/history`, { bookmark: b, pageSize: 200 }),
                                setCount,
                            );
                            const where = await api
                                .get<NonNullable<typeof loaded>['where']>(`${path}/whereabouts`)
                                .catch(() => undefined);
                            return { lot: info, steps, where };
                        });
                        if (result) setLoaded(result);
                    }}
                >
                    <Field label="GTIN">
                        {(id) => <input id={id} value={gtin} onChange={(e) => setGtin(e.target.value)} required />}
                    </Field>
                    <Field label="Lot">
                        {(id) => <input id={id} value={lot} onChange={(e) => setLot(e.target.value)} required />}
                    </Field>
                    <button type="submit" disabled={action.busy}>
                        Follow lot
                    </button>
                </form>
                {action.busy && <Progress label={`Reading the lot's history: ${count} step(s)`} />}
                <ErrorNotice error={action.error} />
            </Section>
            {loaded && (
                <>
                    <Section title="Chain of custody">
                        {Boolean(loaded.lot.recall) && <RecallNotice recall={loaded.lot.recall as RecallInfo} />}
                        <CustodyGraphView graph={custodyGraph(loaded.steps)} title={`Chain of custody of lot ${lot}`} />
                        <div className="row">
                            <button
                                type="button"
                                onClick={() =>
                                    download(`lot-${lot}.csv`, toCsv(loaded.steps.map(flatStep)), 'text/csv')
                                }
                            >
                                Export CSV
                            </button>
                            <button
                                type="button"
                                onClick={() =>
                                    action.run(async () =>
                                        download(
                                            `lot-${lot}.epcis.jsonld`,
                                            JSON.stringify(await api.get(`${path}/epcis`), null, 2),
                                            'application/ld+json',
                                        ),
                                    )
                                }
                            >
                                Export EPCIS 2.0
                            </button>
                        </div>
                    </Section>
                    <Section title="Where the units are now">
                        {loaded.where ? (
                            <Scroll label="Scrollable table">
                                <table>
                                    <caption className="sr-only">Units of the lot by custodian</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">Custodian</th>
                                            <th scope="col">Status</th>
                                            <th scope="col">Units</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {loaded.where.byCustodian.map((w) => (
                                            <tr key={`${w.custodian}-${w.status}-${w.destination}`}>
                                                <td>{w.custodian}</td>
                                                <td>
                                                    {w.status}
                                                    {w.destination ? ` → ${w.destination}` : ''}
                                                </td>
                                                <td>{w.count}</td>
                                            </tr>
                                        ))}
                                    </tbody>
                                </table>
                            </Scroll>
                        ) : (
                            <p>Only the regulator sees where every unit is.</p>
                        )}
                    </Section>
                    <Section title="Timeline">
                        <ol className="timeline" aria-label="Lot timeline">
                            {loaded.steps.map((s) => (
                                <li key={s.txId} className={s.kind}>
                                    <time>{when(s.at)}</time> <strong>{s.bizStep}</strong> by {s.actor?.mspId}
                                    {s.from && s.to && (
                                        <>
                                            {' '}
                                            ({s.from} → {s.to})
                                        </>
                                    )}
                                    {s.parent && <> into {s.parent}</>}
                                    {s.reason && <> — {s.reason}</>} · {s.disposition}
                                </li>
                            ))}
                        </ol>
                    </Section>
                </>
            )}
        </>
    );
}

interface RecallInfo {
    at?: string;
    by?: string;
    reason?: string;
    recallClass?: string;
}

function RecallNotice({ recall }: { recall: RecallInfo }) {
    return (
        <p className="notice error" role="status">
            <strong>Recalled</strong> (class {recall.recallClass}) by {recall.by} on {when(recall.at)}: {recall.reason}
        </p>
    );
}

function flatStep(s: Step): Record<string, unknown> {
    return {
        at: s.at,
        bizStep: s.bizStep,
        disposition: s.disposition,
        actor: s.actor?.mspId,
        from: s.from,
        to: s.to,
        parent: s.parent,
        units: (s.lots ?? []).reduce((n, l) => n + l.quantity, 0),
        epcs: (s.epcs ?? []).join(' '),
        reason: s.reason,
        txId: s.txId,
    };
}

function RecallsAndSuspects({ api }: { api: Api }) {
    const [recalls, setRecalls] = useState<Array<Record<string, unknown>>>([]);
    useEffect(
        () =>
            api.follow({ names: 'supply.LotRecalled', from: '0' }, (e) => {
                try {
                    const data = JSON.parse(e.data) as { payload: Record<string, unknown> };
                    setRecalls((r) => [...r, data.payload]);
                } catch {
                    // ignore
                }
            }),
        [api],
    );
    const suspects = usePaged<Record<string, unknown>>(
        (b) => api.get('/supply/suspicions', { bookmark: b, pageSize: 20 }),
        [api],
    );
    return (
        <>
            <Section title="Recalls">
                {recalls.length === 0 && <p>No recalls.</p>}
                <ul>
                    {recalls.map((r) => (
                        <li key={String(r.txId)}>
                            Class {String(r.recallClass)}:{' '}
                            {(r.lots as Array<{ gtin: string; lot: string; quantity: number }> | undefined)
                                ?.map((l) => `${l.gtin} lot ${l.lot}`)
                                .join(', ')}{' '}
                            — {String(r.reason)} ({when(String(r.at))}, by {(r.actor as { mspId?: string })?.mspId})
                        </li>
                    ))}
                </ul>
            </Section>
            <Section title="Suspect product cases">
                <ErrorNotice error={suspects.error} />
                {!suspects.loading && suspects.items.length === 0 && <p>No open cases.</p>}
                <ul>
                    {suspects.items.map((s, i) => (
                        <li key={i}>
                            <code>{JSON.stringify(s.target ?? s)}</code> · {String(s.reason ?? '')} ·{' '}
                            <strong>{clockOf(s.at as string)}</strong>
                        </li>
                    ))}
                </ul>
                <Pager paged={suspects as never} label="Suspect cases" />
            </Section>
        </>
    );
}

function AuditExplorer({ api }: { api: Api }) {
    const [by, setBy] = useState<'record' | 'patient'>('patient');
    const [id, setId] = useState('');
    const [query, setQuery] = useState<{ by: string; id: string }>();
    const [outcome, setOutcome] = useState('any');
    const [practitioner, setPractitioner] = useState('');
    const paged = usePaged<AuditEntry>(
        (b) =>
            query
                ? api.get(
                      query.by === 'record'
                          ? `/ehr/records/${encodeURIComponent(query.id)}/audit`
                          : `/ehr/patients/${encodeURIComponent(query.id)}/audit`,
                      {
                          bookmark: b,
                          pageSize: 50,
                      },
                  )
                : Promise.resolve({ items: [], bookmark: '' }),
        [api, query],
    );
    const shown = paged.items.filter(
        (a) =>
            (outcome === 'any' ||
                (outcome === 'denied' && a.outcome !== '0') ||
                (outcome === 'allowed' && a.outcome === '0') ||
                (outcome === 'break-glass' && a.emergency)) &&
            (!practitioner || a.agent?.actorId.includes(practitioner)),
    );
    return (
        <Section title="EHR audit explorer">
            <form
                onSubmit={(e) => {
                    e.preventDefault();
                    setQuery({ by, id: id.trim() });
                }}
                className="row"
            >
                <Field label="Search by">
                    {(fid) => (
                        <select id={fid} value={by} onChange={(e) => setBy(e.target.value as 'record' | 'patient')}>
                            <option value="patient">Patient id</option>
                            <option value="record">Record id</option>
                        </select>
                    )}
                </Field>
                <Field label="Id">
                    {(fid) => <input id={fid} value={id} onChange={(e) => setId(e.target.value)} required />}
                </Field>
                <button type="submit">Search</button>
            </form>
            <div className="row">
                <Field label="Outcome">
                    {(fid) => (
                        <select id={fid} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                            <option value="any">Any</option>
                            <option value="allowed">Allowed</option>
                            <option value="denied">Denied</option>
                            <option value="break-glass">Break-glass only</option>
                        </select>
                    )}
                </Field>
                <Field label="Practitioner id contains">
                    {(fid) => <input id={fid} value={practitioner} onChange={(e) => setPractitioner(e.target.value)} />}
                </Field>
            </div>
            <ErrorNotice error={paged.error} />
            {query && (
                <Scroll label="Scrollable table">
                    <table>
                        <caption className="sr-only">Audit entries</caption>
                        <thead>
                            <tr>
                                <th scope="col">When</th>
                                <th scope="col">Who</th>
                                <th scope="col">Record</th>
                                <th scope="col">Purpose</th>
                                <th scope="col">Outcome</th>
                            </tr>
                        </thead>
                        <tbody>
                            {shown.map((a) => (
                                <tr
                                    key={a.id}
                                    className={a.emergency ? 'emergency' : a.outcome !== '0' ? 'denied' : ''}
                                >
                                    <td>{when(a.recorded)}</td>
                                    <td>
                                        {a.agent?.actorId} ({a.agent?.mspId})
                                    </td>
                                    <td>
                                        <code>{a.entity?.recordId}</code>
                                    </td>
                                    <td>{purposes[a.purposeOfEvent ?? ''] ?? a.purposeOfEvent}</td>
                                    <td>
                                        {a.emergency ? 'break-glass ' : ''}
                                        {a.outcome === '0' ? 'allowed' : `denied: ${a.outcomeDesc}`}
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </Scroll>
            )}
            <Pager paged={paged as never} label="Audit" />
            {shown.length > 0 && (
                <button
                    type="button"
                    onClick={() =>
                        download(
                            'audit.csv',
                            toCsv(
                                shown.map((a) => ({
                                    recorded: a.recorded,
                                    agent: a.agent?.actorId,
                                    agentMsp: a.agent?.mspId,
                                    record: a.entity?.recordId,
                                    patient: a.entity?.patientId,
                                    purpose: a.purposeOfEvent,
                                    outcome: a.outcome,
                                    reason: a.outcomeDesc,
                                    emergency: a.emergency,
                                    id: a.id,
                                })),
                            ),
                            'text/csv',
                        )
                    }
                >
                    Export CSV
                </button>
            )}
        </Section>
    );
}

interface Credential {
    id: string;
    type: string;
    status: string;
    verdict?: string;
    subject: { mspId: string; actorId: string };
    issuer: { mspId: string };
    validUntil?: string;
}

function CredentialRegistry({ api }: { api: Api }) {
    const issuers = usePaged<{ mspId: string; type: string; roles?: string[]; status: string }>(
        (b) => api.get('/credentials/issuers', { bookmark: b }),
        [api],
    );
    const [mspId, setMspId] = useState('HospitalMSP');
    const [actorId, setActorId] = useState('');
    const [query, setQuery] = useState<{ mspId: string; actorId: string }>();
    const [version, setVersion] = useState(0);
    const creds = usePaged<Credential>(
        (b) =>
            query
                ? api.get(`/practitioners/${query.mspId}/${encodeURIComponent(query.actorId)}/credentials`, {
                      bookmark: b,
                  })
                : Promise.resolve({ items: [], bookmark: '' }),
        [api, query, version],
    );
    const action = useAction();
    const [trust, setTrust] = useState({ type: 'MedicalLicense', mspId: 'RegulatorMSP', roles: 'admin' });
    const change = (id: string, verb: 'suspend' | 'reinstate' | 'revoke') =>
        action.run(async () => {
            await api.post(`/credentials/${encodeURIComponent(id)}/${verb}`, {
                code: verb === 'reinstate' ? 'investigation-closed' : 'disciplinary-action',
            });
            setVersion((v) => v + 1);
        });
    return (
        <>
            <Section title="Trusted issuers">
                <ErrorNotice error={issuers.error} />
                <ul>
                    {issuers.items.map((i) => (
                        <li key={`${i.mspId}-${i.type}`}>
                            {i.mspId} issues <strong>{i.type}</strong> ({i.roles?.join(', ')}) — {i.status}
                        </li>
                    ))}
                </ul>
                <Pager paged={issuers as never} label="Issuers" />
                <form
                    className="row"
                    onSubmit={async (e) => {
                        e.preventDefault();
                        await action.run(() =>
                            api.post('/credentials/issuers', {
                                type: trust.type,
                                mspId: trust.mspId,
                                roles: trust.roles.split(',').map((r) => r.trim()),
                            }),
                        );
                        issuers.reload();
                    }}
                >
                    <Field label="Credential type">
                        {(id) => (
                            <input
                                id={id}
                                value={trust.type}
                                onChange={(e) => setTrust({ ...trust, type: e.target.value })}
                            />
                        )}
                    </Field>
                    <Field label="Issuer MSP">
                        {(id) => (
                            <input
                                id={id}
                                value={trust.mspId}
                                onChange={(e) => setTrust({ ...trust, mspId: e.target.value })}
                            />
                        )}
                    </Field>
                    <Field label="Issuer roles (comma-separated)">
                        {(id) => (
                            <input
                                id={id}
                                value={trust.roles}
                                onChange={(e) => setTrust({ ...trust, roles: e.target.value })}
                            />
                        )}
                    </Field>
                    <button type="submit">Trust issuer</button>
                </form>
            </Section>
            <Section title="Practitioner credentials">
                <form
                    className="row"
                    onSubmit={(e) => {
                        e.preventDefault();
                        setQuery({ mspId, actorId: actorId.trim() });
                    }}
                >
                    <Field label="Organisation MSP">
                        {(id) => <input id={id} value={mspId} onChange={(e) => setMspId(e.target.value)} />}
                    </Field>
                    <Field label="Practitioner id">
                        {(id) => (
                            <input id={id} value={actorId} onChange={(e) => setActorId(e.target.value)} required />
                        )}
                    </Field>
                    <button type="submit">Look up</button>
                </form>
                <ErrorNotice error={action.error ?? creds.error} />
                <ul>
                    {creds.items.map((c) => (
                        <li key={c.id}>
                            <strong>{c.type}</strong> <code>{c.id}</code> — {c.verdict ?? c.status} (issued by{' '}
                            {c.issuer.mspId})
                            <div className="row">
                                <button type="button" onClick={() => change(c.id, 'suspend')}>
                                    Suspend
                                </button>
                                <button type="button" onClick={() => change(c.id, 'reinstate')}>
                                    Reinstate
                                </button>
                                <button type="button" onClick={() => change(c.id, 'revoke')}>
                                    Revoke
                                </button>
                                <button
                                    type="button"
                                    onClick={() =>
                                        action.run(async () =>
                                            download(
                                                `${c.id}.vc.json`,
                                                JSON.stringify(
                                                    await api.get(`/credentials/${encodeURIComponent(c.id)}/vc`),
                                                    null,
                                                    2,
                                                ),
                                                'application/vc+ld+json',
                                            ),
                                        )
                                    }
                                >
                                    Export VC
                                </button>
                            </div>
                        </li>
                    ))}
                </ul>
                <Pager paged={creds as never} label="Credentials" />
            </Section>
        </>
    );
}
