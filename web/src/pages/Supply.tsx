import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../api/client';
import { ErrorNotice, Field, Progress, Section, useAction, usePaged, when, Pager } from '../components/ui';
import { parsePackId, verdictOf, verificationPath } from '../gs1';
import { apiOf, type Session } from '../session';

const partners = ['ManufacturerMSP', 'DistributorMSP', 'HospitalMSP', 'PharmacyMSP'];

export default function Supply({ session }: { session: Session }) {
    const api = useMemo(() => apiOf(session), [session]);
    const manufacturer = session.mspId === 'ManufacturerMSP';
    return (
        <>
            <h1>
                {session.role === 'pharmacist' ? 'Pharmacy' : 'Supply chain'} — {session.org}
            </h1>
            <div className="grid">
                <VerifyPack api={api} canDispense={session.role === 'pharmacist'} />
                <Inbox api={api} session={session} />
                {manufacturer && <Products api={api} />}
                {manufacturer && <Commission api={api} />}
                <Ship api={api} session={session} />
                <Suspicions api={api} />
                <Recall api={api} />
            </div>
        </>
    );
}

function VerifyPack({ api, canDispense }: { api: Api; canDispense: boolean }) {
    const [code, setCode] = useState('');
    const [answer, setAnswer] = useState<{ dispense: boolean; text: string }>();
    const [dispensed, setDispensed] = useState<string>();
    const action = useAction();
    const camera = typeof window !== 'undefined' && 'BarcodeDetector' in window;
    const verify = async (text: string) => {
        setAnswer(undefined);
        setDispensed(undefined);
        const result = await action.run(async () => {
            const id = parsePackId(text);
            const response = await api.get<{
                data: { verified: boolean; verificationFailureReason?: string; additionalInfo?: string };
            }>(verificationPath(id));
            return verdictOf(response.data);
        });
        if (result) setAnswer(result);
    };
    return (
        <Section title="Verify a pack">
            <form
                onSubmit={(e) => {
                    e.preventDefault();
                    void verify(code);
                }}
            >
                <Field
                    label="Code on the pack"
                    hint="GS1 element string such as (01)09506000134352(17)301231(10)L1(21)S1, or a Digital Link URI."
                >
                    {(id) => (
                        <input id={id} value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
                    )}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Verify
                </button>{' '}
                {camera && <ScanButton onCode={(c) => (setCode(c), void verify(c))} />}
            </form>
            {action.busy && <Progress label="Asking the ledger" />}
            <ErrorNotice error={action.error} />
            {answer && (
                <div className={answer.dispense ? 'notice ok' : 'notice error'} role="status" data-testid="verdict">
                    <strong>{answer.text}</strong>
                    {answer.dispense && canDispense && (
                        <div>
                            <button
                                type="button"
                                onClick={async () => {
                                    const step = await action.run(() =>
                                        api.post<{ txId: string }>('/supply/dispense', { item: code.trim() }),
                                    );
                                    if (step) setDispensed(step.txId);
                                }}
                            >
                                Dispense this pack
                            </button>
                        </div>
                    )}
                </div>
            )}
            {dispensed && <p role="status">Dispensed (transaction {dispensed}).</p>}
        </Section>
    );
}

/** Camera scanning where the browser has the Shape Detection API (Chrome on Android, for one). */
function ScanButton({ onCode }: { onCode: (code: string) => void }) {
    const [on, setOn] = useState(false);
    useEffect(() => {
        if (!on) return;
        let stop = false;
        let stream: MediaStream | undefined;
        const video = document.createElement('video');
        (async () => {
            stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
            video.srcObject = stream;
            await video.play();
            const Detector = (
                window as unknown as {
                    BarcodeDetector: new (o: object) => {
                        detect(v: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
                    };
                }
            ).BarcodeDetector;
            const detector = new Detector({ formats: ['data_matrix', 'qr_code'] });
            while (!stop) {
                const codes = await detector.detect(video);
                if (codes[0]) {
                    onCode(codes[0].rawValue);
                    break;
                }
                await new Promise((r) => setTimeout(r, 300));
            }
            setOn(false);
        })().catch(() => setOn(false));
        return () => {
            stop = true;
            stream?.getTracks().forEach((t) => t.stop());
        };
    }, [on, onCode]);
    return (
        <button type="button" onClick={() => setOn(!on)} aria-pressed={on}>
            {on ? 'Scanning… (press to stop)' : 'Scan with camera'}
        </button>
    );
}

interface Shipment {
    id: string;
    from: string;
    to: string;
    epcs: string[];
    at?: string;
    state: 'incoming' | 'received' | 'rejected';
}

/** Shipments addressed to this org, from the ledger's supply events (server-sent events from block 0). */
export function shipmentsFor(
    mspId: string,
    events: Array<{ event: string; payload: Record<string, unknown>; tx: string }>,
): Shipment[] {
    const byEpc = new Map<string, Shipment>();
    const shipments: Shipment[] = [];
    for (const { event, payload, tx } of events) {
        const epcs = (payload.epcs as string[] | undefined) ?? [];
        if (event === 'supply.Shipped' && payload.to === mspId) {
            const shipment: Shipment = {
                id: tx,
                from: String(payload.from),
                to: mspId,
                epcs,
                at: payload.at as string,
                state: 'incoming',
            };
            shipments.push(shipment);
            for (const epc of epcs) byEpc.set(epc, shipment);
        } else if ((event === 'supply.Received' || event === 'supply.ShipmentRejected') && payload.to === mspId) {
            for (const epc of epcs) {
                const shipment = byEpc.get(epc);
                if (shipment) shipment.state = event === 'supply.Received' ? 'received' : 'rejected';
            }
        }
    }
    return shipments.reverse();
}

function Inbox({ api, session }: { api: Api; session: Session }) {
    const [events, setEvents] = useState<Array<{ event: string; payload: Record<string, unknown>; tx: string }>>([]);
    const action = useAction();
    const [reason, setReason] = useState('');
    useEffect(
        () =>
            api.follow({ names: 'supply.Shipped,supply.Received,supply.ShipmentRejected', from: '0' }, (e) => {
                try {
                    const data = JSON.parse(e.data) as { payload: Record<string, unknown>; transactionId: string };
                    setEvents((list) => [...list, { event: e.event, payload: data.payload, tx: data.transactionId }]);
                } catch {
                    // ignore
                }
            }),
        [api],
    );
    const shipments = shipmentsFor(session.mspId, events);
    return (
        <Section title="Incoming shipments">
            <ErrorNotice error={action.error} />
            {shipments.length === 0 && <p>Nothing addressed to {session.mspId} yet.</p>}
            <ul className="inbox">
                {shipments.map((s) => (
                    <li key={s.id} data-shipment={s.id}>
                        <div>
                            From <strong>{s.from}</strong>: {s.epcs.length} item(s){' '}
                            <span className="status">{s.state}</span>
                        </div>
                        <ul className="epcs">
                            {s.epcs.map((epc) => (
                                <li key={epc}>
                                    <code>{epc}</code>
                                </li>
                            ))}
                        </ul>
                        {s.state === 'incoming' && (
                            <div className="row">
                                <button
                                    type="button"
                                    disabled={action.busy}
                                    onClick={() => action.run(() => api.post('/supply/receive', { items: s.epcs }))}
                                >
                                    Accept shipment from {s.from}
                                </button>
                                <label>
                                    <span className="sr-only">Reason for rejecting</span>
                                    <input
                                        placeholder="Reason to reject"
                                        value={reason}
                                        onChange={(e) => setReason(e.target.value)}
                                    />
                                </label>
                                <button
                                    type="button"
                                    disabled={action.busy || !reason}
                                    onClick={() =>
                                        action.run(() => api.post('/supply/reject', { items: s.epcs, reason }))
                                    }
                                >
                                    Reject
                                </button>
                            </div>
                        )}
                    </li>
                ))}
            </ul>
        </Section>
    );
}

function Products({ api }: { api: Api }) {
    const [form, setForm] = useState({
        gtin: '',
        name: '',
        strength: '',
        dosageForm: '',
        lot: '',
        expiry: '',
        quantity: '100',
    });
    const [done, setDone] = useState<string>();
    const action = useAction();
    const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
        setForm({ ...form, [k]: e.target.value });
    return (
        <Section title="Products and lots">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const ok = await action.run(async () => {
                        if (form.name) {
                            await api.post('/supply/products', {
                                gtin: form.gtin,
                                name: form.name,
                                strength: form.strength,
                                dosageForm: form.dosageForm,
                            });
                        }
                        if (form.lot) {
                            await api.post('/supply/lots', {
                                gtin: form.gtin,
                                lot: form.lot,
                                expiry: form.expiry,
                                quantity: Number(form.quantity),
                            });
                        }
                        return true;
                    });
                    if (ok)
                        setDone(
                            `Registered ${form.name ? `product ${form.gtin}` : ''} ${form.lot ? `lot ${form.lot}` : ''}`,
                        );
                }}
            >
                <Field label="GTIN">
                    {(id) => <input id={id} value={form.gtin} onChange={set('gtin')} required inputMode="numeric" />}
                </Field>
                <Field label="Product name (new product only)">
                    {(id) => <input id={id} value={form.name} onChange={set('name')} />}
                </Field>
                <Field label="Strength">
                    {(id) => <input id={id} value={form.strength} onChange={set('strength')} />}
                </Field>
                <Field label="Dosage form">
                    {(id) => <input id={id} value={form.dosageForm} onChange={set('dosageForm')} />}
                </Field>
                <Field label="Lot number">{(id) => <input id={id} value={form.lot} onChange={set('lot')} />}</Field>
                <Field label="Lot expiry (YYMMDD)">
                    {(id) => <input id={id} value={form.expiry} onChange={set('expiry')} />}
                </Field>
                <Field label="Lot quantity">
                    {(id) => <input id={id} value={form.quantity} onChange={set('quantity')} type="number" min={1} />}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Register
                </button>
            </form>
            <ErrorNotice error={action.error} />
            {done && (
                <p role="status" className="notice ok">
                    {done}
                </p>
            )}
        </Section>
    );
}

/** Serial numbers `${prefix}${n}` for n in [from, from + count). */
export function serialRange(prefix: string, from: number, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
}

function Commission({ api }: { api: Api }) {
    const [gtin, setGtin] = useState('');
    const [lot, setLot] = useState('');
    const [prefix, setPrefix] = useState('S');
    const [count, setCount] = useState('20');
    const [done, setDone] = useState(0);
    const [total, setTotal] = useState(0);
    const action = useAction();
    const batch = 10;
    return (
        <Section title="Commission serialised units">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const serials = serialRange(prefix, 1, Number(count));
                    setTotal(serials.length);
                    setDone(0);
                    await action.run(async () => {
                        for (let i = 0; i < serials.length; i += batch) {
                            await api.post(
                                `/supply/lots/${encodeURIComponent(gtin)}/${encodeURIComponent(lot)}/commission`,
                                {
                                    serials: serials.slice(i, i + batch),
                                },
                            );
                            setDone(Math.min(i + batch, serials.length));
                        }
                    });
                }}
            >
                <Field label="GTIN">
                    {(id) => <input id={id} value={gtin} onChange={(e) => setGtin(e.target.value)} required />}
                </Field>
                <Field label="Lot">
                    {(id) => <input id={id} value={lot} onChange={(e) => setLot(e.target.value)} required />}
                </Field>
                <Field label="Serial prefix">
                    {(id) => <input id={id} value={prefix} onChange={(e) => setPrefix(e.target.value)} />}
                </Field>
                <Field label="How many units">
                    {(id) => (
                        <input
                            id={id}
                            value={count}
                            onChange={(e) => setCount(e.target.value)}
                            type="number"
                            min={1}
                            max={10000}
                        />
                    )}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Commission
                </button>
            </form>
            {total > 0 && <Progress label="Units commissioned" value={done} max={total} />}
            <ErrorNotice error={action.error} />
        </Section>
    );
}

function Ship({ api, session }: { api: Api; session: Session }) {
    const [items, setItems] = useState('');
    const [to, setTo] = useState(partners.find((p) => p !== session.mspId) ?? '');
    const [done, setDone] = useState<string>();
    const action = useAction();
    return (
        <Section title="Ship">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const list = items
                        .split(/\n+/)
                        .map((l) => l.trim())
                        .filter(Boolean);
                    const step = await action.run(() =>
                        api.post<{ txId: string }>('/supply/ship', { items: list, to }),
                    );
                    if (step) setDone(`Shipped ${list.length} item(s) to ${to} (transaction ${step.txId}).`);
                }}
            >
                <Field label="Items, one per line" hint="Element strings, Digital Link URIs or SSCCs as (00)…">
                    {(id) => (
                        <textarea id={id} value={items} onChange={(e) => setItems(e.target.value)} required rows={4} />
                    )}
                </Field>
                <Field label="To">
                    {(id) => (
                        <select id={id} value={to} onChange={(e) => setTo(e.target.value)}>
                            {partners
                                .filter((p) => p !== session.mspId)
                                .map((p) => (
                                    <option key={p}>{p}</option>
                                ))}
                        </select>
                    )}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Ship
                </button>
            </form>
            {action.busy && <Progress label="Shipping" />}
            <ErrorNotice error={action.error} />
            {done && (
                <p role="status" className="notice ok">
                    {done}
                </p>
            )}
        </Section>
    );
}

interface Suspicion {
    target?: { item?: string; gtin?: string; lot?: string };
    gtin?: string;
    lot?: string;
    serial?: string;
    reason?: string;
    at?: string;
    by?: string;
    deadline?: string;
    [key: string]: unknown;
}

/** The 24-hour clock of a suspect product: how long is left to report it (DSCSA). */
export function clockOf(at: string | undefined, now = Date.now()): string {
    if (!at) return '';
    const left = new Date(at).getTime() + 24 * 3_600_000 - now;
    if (Number.isNaN(left)) return '';
    if (left <= 0) return 'overdue: the 24 hours have passed';
    const hours = Math.floor(left / 3_600_000);
    const minutes = Math.floor((left % 3_600_000) / 60_000);
    return `${hours} h ${minutes} min left to report`;
}

function Suspicions({ api }: { api: Api }) {
    const [version, setVersion] = useState(0);
    const paged = usePaged<Suspicion>(
        (b) => api.get('/supply/suspicions', { bookmark: b, pageSize: 20 }),
        [api, version],
    );
    const [target, setTarget] = useState('');
    const [reason, setReason] = useState('');
    const action = useAction();
    const send = (path: string) =>
        action.run(async () => {
            const trimmed = target.trim();
            const lotMatch = /^lot:(\d{14})\/(.+)$/.exec(trimmed);
            await api.post(
                path,
                lotMatch ? { gtin: lotMatch[1], lot: lotMatch[2], reason } : { item: trimmed, reason },
            );
            setVersion((v) => v + 1);
        });
    return (
        <Section title="Suspect product">
            <Field label="Pack code, or lot:GTIN/LOT for a whole lot">
                {(id) => <input id={id} value={target} onChange={(e) => setTarget(e.target.value)} />}
            </Field>
            <Field label="Reason">
                {(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <div className="row">
                <button type="button" onClick={() => send('/supply/suspicions')} disabled={action.busy}>
                    Mark suspect (quarantine)
                </button>
                <button type="button" onClick={() => send('/supply/suspicions/clear')} disabled={action.busy}>
                    Clear
                </button>
                <button type="button" onClick={() => send('/supply/suspicions/illegitimate')} disabled={action.busy}>
                    Confirm illegitimate
                </button>
            </div>
            <ErrorNotice error={action.error ?? paged.error} />
            <h3>Open cases</h3>
            {!paged.loading && paged.items.length === 0 && <p>No open suspicions.</p>}
            <ul>
                {paged.items.map((s, i) => (
                    <li key={i}>
                        <code>{JSON.stringify(s.target ?? { gtin: s.gtin, lot: s.lot, serial: s.serial })}</code> —{' '}
                        {s.reason} · {when(s.at)} · <strong>{clockOf(s.at)}</strong>
                    </li>
                ))}
            </ul>
            <Pager paged={paged as never} label="Suspicions" />
        </Section>
    );
}

function Recall({ api }: { api: Api }) {
    const [form, setForm] = useState({ gtin: '', lot: '', recallClass: 'II', reason: '' });
    const [done, setDone] = useState<string>();
    const action = useAction();
    return (
        <Section title="Recall a lot">
            <form
                onSubmit={async (e) => {
                    e.preventDefault();
                    const step = await action.run(() => api.post<{ txId: string }>('/supply/recalls', form));
                    if (step) setDone(`Lot ${form.lot} recalled (transaction ${step.txId}).`);
                }}
            >
                <Field label="GTIN">
                    {(id) => (
                        <input id={id} value={form.gtin} onChange={(e) => setForm({ ...form, gtin: e.target.value })} />
                    )}
                </Field>
                <Field label="Lot">
                    {(id) => (
                        <input id={id} value={form.lot} onChange={(e) => setForm({ ...form, lot: e.target.value })} />
                    )}
                </Field>
                <Field label="Class">
                    {(id) => (
                        <select
                            id={id}
                            value={form.recallClass}
                            onChange={(e) => setForm({ ...form, recallClass: e.target.value })}
                        >
                            <option value="I">Class I (serious harm)</option>
                            <option value="II">Class II</option>
                            <option value="III">Class III</option>
                        </select>
                    )}
                </Field>
                <Field label="Reason">
                    {(id) => (
                        <input
                            id={id}
                            value={form.reason}
                            onChange={(e) => setForm({ ...form, reason: e.target.value })}
                        />
                    )}
                </Field>
                <button type="submit" disabled={action.busy}>
                    Recall
                </button>
            </form>
            <ErrorNotice error={action.error} />
            {done && (
                <p role="status" className="notice ok">
                    {done}
                </p>
            )}
        </Section>
    );
}
