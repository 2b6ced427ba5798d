import { useEffect, useState } from 'react';
import type { CustodyEntry, HistoryApi, UnitCustody } from '../../api/history';
import { AsOfBlock } from '../../components/AsOfBlock';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { Field, Scroll, Section, when } from '../../components/ui';

/** A unit's chain of custody from the index, and that of each case and pallet it travelled in. */
export function UnitCustodyIndex(props: { history: HistoryApi; initial?: { gtin: string; serial: string } }) {
    const { history } = props;
    const [gtin, setGtin] = useState(props.initial?.gtin ?? '');
    const [serial, setSerial] = useState(props.initial?.serial ?? '');
    const [asked, setAsked] = useState(props.initial);
    const [result, setResult] = useState<{ answer?: UnitCustody; error?: unknown }>({});
    useEffect(() => {
        if (!asked) return;
        let live = true;
        setResult({});
        history.custody(asked.gtin, asked.serial).then(
            (answer) => live && setResult({ answer }),
            (error: unknown) => live && setResult({ error }),
        );
        return () => {
            live = false;
        };
    }, [history, asked]);
    const answer = result.answer;
    return (
        <Section title="Chain of custody of a unit">
            <form
                className="row"
                onSubmit={(e) => {
                    e.preventDefault();
                    setAsked({ gtin: gtin.trim(), serial: serial.trim() });
                }}
            >
                <Field label="GTIN">
                    {(id) => <input id={id} value={gtin} onChange={(e) => setGtin(e.target.value)} required />}
                </Field>
                <Field label="Serial">
                    {(id) => <input id={id} value={serial} onChange={(e) => setSerial(e.target.value)} required />}
                </Field>
                <button type="submit">Trace unit</button>
            </form>
            <IndexErrorNotice error={result.error} />
            {answer && asked && (
                <div data-testid="unit-custody">
                    <AsOfBlock blockHeight={answer.blockHeight} />
                    <p>
                        Unit {asked.serial}: now with <strong>{answer.unit.custodian}</strong> ({answer.unit.status})
                        {answer.unit.parent && <> in {answer.unit.parent}</>}
                    </p>
                    <CustodyTable title={`Custody of unit ${asked.serial}`} entries={answer.custody} />
                    {answer.containers.length === 0 && <p>It never travelled in a case or pallet.</p>}
                    {answer.containers.map((c) => (
                        <CustodyTable key={c.sscc} title={`Custody of case or pallet ${c.sscc}`} entries={c.custody} />
                    ))}
                </div>
            )}
        </Section>
    );
}

function CustodyTable({ title, entries }: { title: string; entries: CustodyEntry[] }) {
    return (
        <>
            <h3>{title}</h3>
            <Scroll label="Scrollable table">
                <table aria-label={title}>
                    <thead>
                        <tr>
                            <th scope="col">When</th>
                            <th scope="col">Transaction</th>
                            <th scope="col">By</th>
                            <th scope="col">Holder</th>
                            <th scope="col">Status</th>
                            <th scope="col">Inside</th>
                            <th scope="col">Block</th>
                        </tr>
                    </thead>
                    <tbody>
                        {entries.map((e, i) => (
                            <tr key={`${e.transactionId}-${i}`} className={e.suspect ? 'denied' : ''}>
                                <td>{when(e.at)}</td>
                                <td>{e.function}</td>
                                <td>{e.by}</td>
                                <td>{e.custodian}</td>
                                <td>
                                    {e.status}
                                    {e.destination ? ` → ${e.destination}` : ''}
                                    {e.suspect ? ' (suspect)' : ''}
                                </td>
                                <td>{e.parent ?? ''}</td>
                                <td>{e.blockNumber}</td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            </Scroll>
        </>
    );
}
