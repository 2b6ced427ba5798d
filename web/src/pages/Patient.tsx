import { useEffect, useMemo, useState } from 'react';
import {
    devicePatientLedger,
    restPatientLedger,
    type AuditEntry,
    type ErasureProof,
    type ErasureReceipt,
    type Consent,
    type PatientLedger,
    type RecordPointer,
} from '../api/ehr';
import { loadIdentity } from '../crypto/device-key';
import { stageLabels } from '../crypto/offline';
import { Scroll, ErrorNotice, Field, Pager, Progress, Section, useAction, usePaged, when } from '../components/ui';
import { apiOf, type Session } from '../session';

export const purposes: Record<string, string> = {
    TREAT: 'Treatment',
    CAREMGT: 'Care management',
    ETREAT: 'Emergency treatment',
    HRESCH: 'Research',
    PUBHLTH: 'Public health',
    HPAYMT: 'Payment',
    HOPERAT: 'Healthcare operations',
    PATRQT: 'Requested by me',
};
const orgs = ['HospitalMSP', 'RegulatorMSP', 'PharmacyMSP'];

export default function Patient({ session }: { session: Session }) {
    const api = useMemo(() => apiOf(session), [session]);
    const [ledger, setLedger] = useState<PatientLedger>();
    const [keyError, setKeyError] = useState<unknown>();
    useEffect(() => {
        if (session.signing !== 'offline') {
            setLedger(restPatientLedger(api));
            return;
        }
        loadIdentity(session.deviceId ?? '').then((identity) => {
            if (!identity) setKeyError(new Error('this device no longer holds your key; enrol it again'));
            else setLedger(devicePatientLedger(api, identity.keys.privateKey));
        }, setKeyError);
    }, [api, session]);

    return (
        <>
            <h1>My health records</h1>
            <p>
                Patient id <code>{session.actorId}</code> at {session.org}.{' '}
                {session.signing === 'offline' ? (
                    <span className="badge ok">Every change is signed by the key on this device</span>
                ) : (
                    <span className="badge">Your organisation's gateway signs for you</span>
                )}
            </p>
            <ErrorNotice error={keyError} />
            <EmergencyNotices session={session} />
            {ledger && <PatientPages ledger={ledger} />}
        </>
    );
}

function PatientPages({ ledger }: { ledger: PatientLedger }) {
    const [version, setVersion] = useState(0);
    const bump = () => setVersion((v) => v + 1);
    return (
        <div className="grid">
            <Records ledger={ledger} version={version} />
            <GrantConsent ledger={ledger} onDone={bump} />
            <Consents ledger={ledger} version={version} onChange={bump} />
            <AccessTrail ledger={ledger} version={version} />
            <Erasure ledger={ledger} />
        </div>
    );
}

function Records({ ledger, version }: { ledger: PatientLedger; version: number }) {
    const paged = usePaged<RecordPointer>((b) => ledger.records(b), [ledger, version]);
    return (
        <Section title="My records">
            <ErrorNotice error={paged.error} />
            {paged.loading && <Progress label="Loading records" />}
            {!paged.loading && paged.items.length === 0 && <p>No records yet.</p>}
            {paged.items.length > 0 && (
                <Scroll label="Scrollable table">
                    <table>
                        <caption className="sr-only">Record pointers: type, date, custodian</caption>
                        <thead>
                            <tr>
                                <th scope="col">Type</th>
                                <th scope="col">Date</th>
                                <th scope="col">Held by</th>
                                <th scope="col">Record</th>
                            </tr>
                        </thead>
                        <tbody>
                            {paged.items.map((r) => (
                                <tr key={r.id}>
                                    <td>{r.type?.display ?? r.type?.code ?? r.mediaType}</td>
                                    <td>{when(r.date)}</td>
                                    <td>{r.custodianMsp}</td>
                                    <td>
                                        <code>{r.id}</code>
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </Scroll>
            )}
            <Pager paged={paged as never} label="Records" />
        </Section>
    );
}

function defaultEnd(): string {
    const date = new Date(Date.now() + 90 * 86_400_000);
    return date.toISOString().slice(0, 10);
}

function GrantConsent({ ledger, onDone }: { ledger: PatientLedger; onDone: () => void }) {
    const [mspId, setMspId] = useState('HospitalMSP');
    const [actorId, setActorId] = useState('');
    const [scope, setScope] = useState<'all' | 'type'>('all');
    const [typeCode, setTypeCode] = useState('');
    const [chosen, setChosen] = useState<string[]>(['TREAT']);
    const [end, setEnd] = useState(defaultEnd);
    const [stage, setStage] = useState<string>();
    const [granted, setGranted] = useState<string>();
    const action = useAction();
    return (
        <Section title="Grant access">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    setGranted(undefined);
                    const id = `consent-${crypto.randomUUID()}`;
                    const consent = await action.run(() =>
                        ledger.grant(
                            {
                                id,
                                grantee: actorId.trim() ? { mspId, actorId: actorId.trim() } : { mspId },
                                scope: scope === 'all' ? { kind: 'all' } : { kind: 'type', typeCode: typeCode.trim() },
                                purposes: chosen,
                                period: { end: end ? new Date(`${end}T23:59:59Z`).toISOString() : '' },
                            },
                            (s) => setStage(stageLabels[s]),
                        ),
                    );
                    setStage(undefined);
                    if (consent) {
                        setGranted(
                            `Access granted (${consent.id})${consent.blockNumber ? `, committed in block ${consent.blockNumber}` : ''}.`,
                        );
                        onDone();
                    }
                }}
            >
                <Field label="Organisation">
                    {(id) => (
                        <select id={id} value={mspId} onChange={(e) => setMspId(e.target.value)}>
                            {orgs.map((o) => (
                                <option key={o}>{o}</option>
                            ))}
                        </select>
                    )}
                </Field>
                <Field label="Practitioner id (optional)" hint="Leave empty to allow the whole organisation.">
                    {(id) => <input id={id} value={actorId} onChange={(e) => setActorId(e.target.value)} />}
                </Field>
                <Field label="Which records">
                    {(id) => (
                        <select id={id} value={scope} onChange={(e) => setScope(e.target.value as 'all' | 'type')}>
                            <option value="all">All my records</option>
                            <option value="type">Records of one type</option>
                        </select>
                    )}
                </Field>
                {scope === 'type' && (
                    <Field label="Record type code (LOINC)">
                        {(id) => <input id={id} value={typeCode} onChange={(e) => setTypeCode(e.target.value)} />}
                    </Field>
                )}
                <fieldset>
                    <legend>For what purposes</legend>
                    {Object.entries(purposes)
                        .filter(([code]) => code !== 'ETREAT')
                        .map(([code, label]) => (
                            <label key={code} className="check">
                                <input
                                    type="checkbox"
                                    checked={chosen.includes(code)}
                                    onChange={(e) =>
                                        setChosen((c) =>
                                            e.target.checked ? [...c, code] : c.filter((x) => x !== code),
                                        )
                                    }
                                />{' '}
                                {label}
                            </label>
                        ))}
                </fieldset>
                <Field label="Until (end date)">
                    {(id) => <input id={id} type="date" value={end} onChange={(e) => setEnd(e.target.value)} />}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Grant access
                </button>
            </form>
            {stage && <Progress label={stage} />}
            <ErrorNotice error={action.error} />
            {granted && (
                <p role="status" className="notice ok">
                    {granted}
                </p>
            )}
        </Section>
    );
}

function Consents({ ledger, version, onChange }: { ledger: PatientLedger; version: number; onChange: () => void }) {
    const paged = usePaged<Consent>((b) => ledger.consents(b), [ledger, version]);
    const action = useAction();
    const [stage, setStage] = useState<string>();
    return (
        <Section title="Who may see my records">
            <ErrorNotice error={paged.error ?? action.error} />
            {stage && <Progress label={stage} />}
            {!paged.loading && paged.items.length === 0 && <p>You have not granted access to anyone.</p>}
            <ul className="consents">
                {paged.items.map((c) => {
                    const expired = c.period?.end ? new Date(c.period.end).getTime() < Date.now() : false;
                    return (
                        <li
                            key={c.id}
                            className={c.status === 'active' && !expired ? 'active' : 'inactive'}
                            data-consent={c.id}
                        >
                            <div>
                                <strong>
                                    {c.grantee.actorId ? `${c.grantee.actorId} at ${c.grantee.mspId}` : c.grantee.mspId}
                                </strong>{' '}
                                —{' '}
                                {c.scope.kind === 'all'
                                    ? 'all records'
                                    : c.scope.kind === 'type'
                                      ? `type ${c.scope.typeCode}`
                                      : 'some records'}
                                , for {c.purposes.map((p) => purposes[p] ?? p).join(', ')}
                            </div>
                            <div>
                                <span className="status">
                                    {c.status === 'active' ? (expired ? 'expired' : 'active') : 'revoked'}
                                </span>
                                {c.period?.end && <span> · until {when(c.period.end)}</span>}
                            </div>
                            {c.status === 'active' && (
                                <button
                                    type="button"
                                    disabled={action.busy}
                                    onClick={async () => {
                                        const done = await action.run(() =>
                                            ledger.revoke(c.id, (s) => setStage(stageLabels[s])),
                                        );
                                        setStage(undefined);
                                        if (done) onChange();
                                    }}
                                >
                                    Revoke access of {c.grantee.actorId ?? c.grantee.mspId}
                                </button>
                            )}
                        </li>
                    );
                })}
            </ul>
            <Pager paged={paged as never} label="Consents" />
        </Section>
    );
}

function AccessTrail({ ledger, version }: { ledger: PatientLedger; version: number }) {
    const paged = usePaged<AuditEntry>((b) => ledger.audit(b), [ledger, version]);
    return (
        <Section title="Who accessed my records">
            <ErrorNotice error={paged.error} />
            {!paged.loading && paged.items.length === 0 && <p>No one has opened your records.</p>}
            <ol className="timeline">
                {paged.items.map((a) => {
                    const kind = a.emergency
                        ? 'emergency'
                        : a.outcome === 'success' || a.outcome === '0'
                          ? 'allowed'
                          : 'denied';
                    return (
                        <li key={a.id} className={kind}>
                            <time>{when(a.recorded)}</time>{' '}
                            <strong>{a.agent ? `${a.agent.actorId} (${a.agent.mspId})` : 'someone'}</strong>{' '}
                            {kind === 'emergency'
                                ? 'broke the glass: emergency access'
                                : kind === 'denied'
                                  ? 'was refused'
                                  : 'opened'}{' '}
                            record <code>{a.entity?.recordId}</code>
                            {a.purposeOfEvent && <> for {purposes[a.purposeOfEvent] ?? a.purposeOfEvent}</>}
                            {a.outcomeDesc && kind !== 'allowed' && <> — {a.outcomeDesc}</>}
                        </li>
                    );
                })}
            </ol>
            <Pager paged={paged as never} label="Access trail" />
        </Section>
    );
}

/** Live: a clinician broke the glass on one of my records (server-sent events). */
function EmergencyNotices({ session }: { session: Session }) {
    const [notices, setNotices] = useState<Array<{ id: string; text: string }>>([]);
    useEffect(
        () =>
            apiOf(session).follow({ names: 'ehr.EmergencyAccess' }, (event) => {
                try {
                    const data = JSON.parse(event.data) as {
                        payload?: {
                            patientId?: string;
                            agent?: { actorId: string; mspId: string };
                            recordId?: string;
                            reasonCode?: string;
                        };
                    };
                    const p = data.payload;
                    if (!p || p.patientId !== session.actorId) return;
                    setNotices((n) => [
                        ...n,
                        {
                            id: event.id ?? String(n.length),
                            text: `${p.agent?.actorId} at ${p.agent?.mspId} opened record ${p.recordId} in an emergency (${p.reasonCode}).`,
                        },
                    ]);
                } catch {
                    // not JSON: ignore
                }
            }),
        [session],
    );
    if (!notices.length) return null;
    return (
        <div className="notice emergency" role="alert" aria-live="assertive">
            <strong>Emergency access to your records</strong>
            <ul>
                {notices.map((n) => (
                    <li key={n.id}>{n.text}</li>
                ))}
            </ul>
        </div>
    );
}

function Erasure({ ledger }: { ledger: PatientLedger }) {
    const [custodian, setCustodian] = useState('HospitalMSP');
    const [receipts, setReceipts] = useState<ErasureReceipt[]>();
    const [proofs, setProofs] = useState<ErasureProof[]>([]);
    const [confirm, setConfirm] = useState(false);
    const [stage, setStage] = useState<string>();
    const action = useAction();
    return (
        <Section title="Erase my records">
            <p>Erasure removes where your records are stored; the ledger keeps a tombstone and a proof of erasure.</p>
            <Field label="At organisation">
                {(id) => (
                    <select id={id} value={custodian} onChange={(e) => setCustodian(e.target.value)}>
                        {orgs.map((o) => (
                            <option key={o}>{o}</option>
                        ))}
                    </select>
                )}
            </Field>
            <label className="check">
                <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} /> I understand
                this cannot be undone
            </label>
            <button
                type="button"
                disabled={!confirm || action.busy}
                onClick={async () => {
                    setProofs([]);
                    const done = await action.run(async () => {
                        const result = await ledger.requestErasure(custodian, (s) => setStage(stageLabels[s]));
                        setReceipts(result);
                        setStage('Checking the proof of erasure');
                        const erased = result.flatMap((r) => r.recordIds ?? []);
                        setProofs(await Promise.all(erased.map((id) => ledger.erasureProof(id, custodian))));
                        return true;
                    });
                    setStage(undefined);
                    if (done) setConfirm(false);
                }}
            >
                Request erasure
            </button>
            {stage && <Progress label={stage} />}
            <ErrorNotice error={action.error} />
            {receipts && (
                <div role="status" data-testid="erasure">
                    <h3>Erasure receipt</h3>
                    <p>
                        {receipts.reduce((n, r) => n + (r.recordIds?.length ?? 0), 0)} record(s) erased at {custodian}.
                    </p>
                    <ul>
                        {proofs.map((p) => (
                            <li key={p.recordId}>
                                <code>{p.recordId}</code>:{' '}
                                {p.erased
                                    ? 'erased — the pointer is a tombstone and no peer holds its location'
                                    : `not yet erased (pointer ${p.pointerErased ? 'erased' : 'present'}, location ${p.privateDataHashPresent ? 'still held' : 'gone'})`}
                            </li>
                        ))}
                    </ul>
                </div>
            )}
        </Section>
    );
}
