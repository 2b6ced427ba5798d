import { useMemo, useState } from 'react';
import type { Api } from '../api/client';
import type { AuditEntry, RecordPointer } from '../api/ehr';
import { hex, toBase64 } from '../crypto/der';
import { ErrorNotice, Field, Progress, Section, useAction, usePaged, when, Pager } from '../components/ui';
import { apiOf, type Session } from '../session';
import { purposes } from './Patient';

const reasonCodes: Record<string, string> = {
    'life-threatening': 'Life-threatening condition',
    unconscious: 'Patient unconscious',
    incapacitated: 'Patient incapacitated',
    'other-emergency': 'Other emergency',
};

interface ReadResult {
    access: { allowed: boolean; audit: AuditEntry; record?: RecordPointer };
}

/** Checks a document's bytes against the SHA-256 the ledger holds for its pointer, in the browser. */
export async function checkDocument(bytes: ArrayBuffer, contentHash: string): Promise<{ ok: boolean; actual: string }> {
    const actual = hex(await crypto.subtle.digest('SHA-256', bytes));
    return { ok: actual === contentHash.toLowerCase(), actual };
}

export default function Clinician({ session }: { session: Session }) {
    const api = useMemo(() => apiOf(session), [session]);
    const [patientId, setPatientId] = useState('');
    const [searched, setSearched] = useState('');
    return (
        <>
            <h1>Clinician workspace</h1>
            <CredentialStatus api={api} session={session} />
            <Section title="Find a patient">
                <form
                    onSubmit={(e) => {
                        e.preventDefault();
                        setSearched(patientId.trim());
                    }}
                >
                    <Field label="Pseudonymous patient id" hint="For example pat-7c1e04a9. Never a name.">
                        {(id) => (
                            <input id={id} value={patientId} onChange={(e) => setPatientId(e.target.value)} required />
                        )}
                    </Field>
                    <button type="submit">Find records</button>
                </form>
            </Section>
            {searched && <PatientRecords api={api} patientId={searched} session={session} />}
            <NewDocument api={api} defaultPatient={searched} />
        </>
    );
}

function CredentialStatus({ api, session }: { api: Api; session: Session }) {
    const paged = usePaged<{ id: string; type: string; status?: string; verdict?: string; validUntil?: string }>(
        (b) =>
            api.get(`/practitioners/${session.mspId}/${encodeURIComponent(session.actorId)}/credentials`, {
                bookmark: b,
            }),
        [api, session],
    );
    return (
        <Section title="My credentials">
            <ErrorNotice error={paged.error} />
            {!paged.loading && paged.items.length === 0 && (
                <p className="notice warn">
                    No credential on the ledger: you cannot open records until you are licensed.
                </p>
            )}
            <ul>
                {paged.items.map((c) => (
                    <li key={c.id}>
                        {c.type}: <strong className="status">{c.verdict ?? c.status}</strong> <code>{c.id}</code>
                        {c.validUntil && <> · until {when(c.validUntil)}</>}
                    </li>
                ))}
            </ul>
        </Section>
    );
}

function PatientRecords({ api, patientId, session }: { api: Api; patientId: string; session: Session }) {
    const paged = usePaged<RecordPointer>(
        (b) => api.get(`/ehr/patients/${encodeURIComponent(patientId)}/records`, { bookmark: b, pageSize: 20 }),
        [api, patientId],
    );
    const [recordId, setRecordId] = useState('');
    return (
        <Section title={`Records of ${patientId}`}>
            <ErrorNotice error={paged.error} />
            {!paged.loading && !paged.error && paged.items.length === 0 && <p>No records you may list.</p>}
            <ul>
                {paged.items.map((r) => (
                    <li key={r.id}>
                        <button type="button" onClick={() => setRecordId(r.id)}>
                            {r.type?.display ?? r.type?.code} · {when(r.date)} · {r.custodianMsp} · <code>{r.id}</code>
                        </button>
                    </li>
                ))}
            </ul>
            <Pager paged={paged as never} label="Records" />
            <OpenRecord api={api} initial={recordId} session={session} key={recordId} />
        </Section>
    );
}

function OpenRecord({ api, initial }: { api: Api; initial: string; session: Session }) {
    const [recordId, setRecordId] = useState(initial);
    const [purpose, setPurpose] = useState('TREAT');
    const [result, setResult] = useState<{ text: string; verified: boolean; hash: string; auditId?: string }>();
    const [denied, setDenied] = useState<string>();
    const [glass, setGlass] = useState(false);
    const action = useAction();

    const open = async () => {
        setResult(undefined);
        setDenied(undefined);
        await action.run(async () => {
            const response = await fetch(api.url(`/documents/${encodeURIComponent(recordId)}?purpose=${purpose}`), {
                headers: { authorization: `Bearer ${api.credentials.token}` },
            });
            if (response.status === 403) {
                const body = (await response.json()) as { message: string };
                setDenied(body.message);
                return;
            }
            if (!response.ok) {
                const { ApiError } = await import('../api/errors');
                const body = (await response.json().catch(() => ({}))) as {
                    code?: string;
                    message?: string;
                    field?: string;
                };
                throw new ApiError(
                    response.status,
                    body.code ?? 'ERROR',
                    body.message ?? response.statusText,
                    body.field,
                );
            }
            const bytes = await response.arrayBuffer();
            const pointer = await api.get<RecordPointer>(`/ehr/records/${encodeURIComponent(recordId)}`);
            const check = await checkDocument(bytes, pointer.contentHash);
            setResult({
                text: new TextDecoder().decode(bytes),
                verified: check.ok,
                hash: check.actual,
                auditId: response.headers.get('x-careledger-audit-id') ?? undefined,
            });
        });
    };

    return (
        <div className="open-record">
            <h3>Open a record</h3>
            <form
                onSubmit={(e) => {
                    e.preventDefault();
                    void open();
                }}
            >
                <Field label="Record id">
                    {(id) => <input id={id} value={recordId} onChange={(e) => setRecordId(e.target.value)} required />}
                </Field>
                <Field label="Purpose">
                    {(id) => (
                        <select id={id} value={purpose} onChange={(e) => setPurpose(e.target.value)}>
                            {Object.entries(purposes).map(([code, label]) => (
                                <option key={code} value={code}>
                                    {label}
                                </option>
                            ))}
                        </select>
                    )}
                </Field>
                <button type="submit" disabled={action.busy || !recordId}>
                    Open record
                </button>
            </form>
            {action.busy && <Progress label="Checking consent and fetching the document" />}
            <ErrorNotice error={action.error} />
            {denied && (
                <div className="notice error" role="alert" data-testid="access-denied">
                    <strong>Access denied</strong> — {denied}. The refusal is recorded in the patient's audit trail.
                    <div>
                        <button type="button" onClick={() => setGlass(true)}>
                            Emergency access (break the glass)…
                        </button>
                    </div>
                </div>
            )}
            {result && (
                <div className="document">
                    <p
                        className={result.verified ? 'notice ok' : 'notice error'}
                        role="status"
                        data-testid="hash-check"
                    >
                        {result.verified
                            ? 'Document verified: its SHA-256 matches the ledger.'
                            : 'Warning: this document does not match the hash on the ledger. Do not rely on it.'}{' '}
                        <code className="hash">{result.hash}</code>
                    </p>
                    <pre tabIndex={0} aria-label="Document">
                        {result.text}
                    </pre>
                </div>
            )}
            {glass && <BreakGlass api={api} recordId={recordId} onClose={() => setGlass(false)} />}
        </div>
    );
}

function BreakGlass({ api, recordId, onClose }: { api: Api; recordId: string; onClose: () => void }) {
    const [reasonCode, setReasonCode] = useState('life-threatening');
    const [reason, setReason] = useState('');
    const [outcome, setOutcome] = useState<ReadResult>();
    const action = useAction();
    return (
        <div role="dialog" aria-modal="false" aria-labelledby="glass-title" className="notice emergency">
            <h3 id="glass-title">Break the glass</h3>
            <p>
                <strong>Warning:</strong> emergency access overrides the patient's consent. It is recorded, flagged for
                review, and the patient is told at once. Use it only when the patient's life or health is at risk.
            </p>
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const result = await action.run(() =>
                        api.post<ReadResult>(`/ehr/records/${encodeURIComponent(recordId)}/break-glass`, {
                            reasonCode,
                            reason,
                        }),
                    );
                    if (result) setOutcome(result);
                }}
            >
                <Field label="Reason code">
                    {(id) => (
                        <select id={id} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
                            {Object.entries(reasonCodes).map(([code, label]) => (
                                <option key={code} value={code}>
                                    {label}
                                </option>
                            ))}
                        </select>
                    )}
                </Field>
                <Field label="Reason (at least 10 characters; sent once, never stored)">
                    {(id) => <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} />}
                </Field>
                <button type="submit" className="danger" disabled={action.busy}>
                    I confirm: open this record in an emergency
                </button>{' '}
                <button type="button" onClick={onClose}>
                    Cancel
                </button>
            </form>
            <ErrorNotice error={action.error} />
            {outcome && (
                <p role="status" data-testid="glass-outcome">
                    {outcome.access.allowed
                        ? `Emergency access granted and audited (${outcome.access.audit.id}). Record ${outcome.access.record?.id ?? recordId}: ${outcome.access.record?.type?.display ?? outcome.access.record?.type?.code ?? ''}.`
                        : `Emergency access refused: ${outcome.access.audit.outcomeDesc}.`}
                </p>
            )}
        </div>
    );
}

function NewDocument({ api, defaultPatient }: { api: Api; defaultPatient: string }) {
    const [patientId, setPatientId] = useState(defaultPatient);
    const [text, setText] = useState('');
    const [code, setCode] = useState('11506-3');
    const [saved, setSaved] = useState<string>();
    const action = useAction();
    return (
        <Section title="Add a document to a patient's record">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const recordId = `rec-${crypto.randomUUID()}`;
                    const result = await action.run(() =>
                        api.post<{ id?: string; record?: { id: string } }>('/documents', {
                            recordId,
                            patientId: patientId.trim() || defaultPatient,
                            type: { system: 'http://loinc.org', code },
                            contentType: 'text/plain',
                            content: toBase64(new TextEncoder().encode(text)),
                        }),
                    );
                    if (result) setSaved(recordId);
                }}
            >
                <Field label="Patient id">
                    {(id) => (
                        <input
                            id={id}
                            value={patientId}
                            onChange={(e) => setPatientId(e.target.value)}
                            placeholder={defaultPatient}
                        />
                    )}
                </Field>
                <Field label="Document type (LOINC code)">
                    {(id) => (
                        <select id={id} value={code} onChange={(e) => setCode(e.target.value)}>
                            <option value="11506-3">Progress note (11506-3)</option>
                            <option value="18842-5">Discharge summary (18842-5)</option>
                            <option value="11502-2">Laboratory report (11502-2)</option>
                        </select>
                    )}
                </Field>
                <Field label="Document text">
                    {(id) => <textarea id={id} value={text} onChange={(e) => setText(e.target.value)} required />}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Store and register
                </button>
            </form>
            <ErrorNotice error={action.error} />
            {saved && (
                <p role="status" className="notice ok">
                    Stored as record <code>{saved}</code>.
                </p>
            )}
        </Section>
    );
}
