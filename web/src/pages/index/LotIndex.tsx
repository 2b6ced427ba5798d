import { useEffect, useState } from 'react';
import type { HistoryApi, LotWhereabouts } from '../../api/history';
import { AsOfBlock } from '../../components/AsOfBlock';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { Field, Pager, Scroll, Section } from '../../components/ui';
import { useIndexPages } from '../../components/useIndexPages';

/** Where every unit of a lot is now, from the index: counts by holder, then every unit, paged. */
export function LotIndex(props: { history: HistoryApi; onUnit: (unit: { gtin: string; serial: string }) => void }) {
    const { history } = props;
    const [gtin, setGtin] = useState('');
    const [lot, setLot] = useState('');
    const [pageSize, setPageSize] = useState('25');
    const [asked, setAsked] = useState<{ gtin: string; lot: string; pageSize: number; submitted: number }>();
    const [summary, setSummary] = useState<{ answer?: LotWhereabouts; error?: unknown }>({});
    const question = asked ? JSON.stringify(asked) : undefined;
    useEffect(() => {
        if (!asked) return;
        let live = true;
        setSummary({});
        history.lot(asked.gtin, asked.lot).then(
            (answer) => live && setSummary({ answer }),
            (error: unknown) => live && setSummary({ error }),
        );
        return () => {
            live = false;
        };
    }, [history, question]);
    const units = useIndexPages(question, (cursor) =>
        history.lotUnits(asked!.gtin, asked!.lot, cursor, asked!.pageSize),
    );
    const where = summary.answer;
    return (
        <>
            <Section title="Where every unit of a lot is">
                <form
                    className="row"
                    onSubmit={(e) => {
                        e.preventDefault();
                        setAsked({
                            gtin: gtin.trim(),
                            lot: lot.trim(),
                            pageSize: Number(pageSize),
                            submitted: (asked?.submitted ?? 0) + 1,
                        });
                    }}
                >
                    <Field label="GTIN">
                        {(id) => <input id={id} value={gtin} onChange={(e) => setGtin(e.target.value)} required />}
                    </Field>
                    <Field label="Lot">
                        {(id) => <input id={id} value={lot} onChange={(e) => setLot(e.target.value)} required />}
                    </Field>
                    <Field label="Units per page">
                        {(id) => (
                            <select id={id} value={pageSize} onChange={(e) => setPageSize(e.target.value)}>
                                {['5', '25', '100', '500'].map((n) => (
                                    <option key={n}>{n}</option>
                                ))}
                            </select>
                        )}
                    </Field>
                    <button type="submit">Find units</button>
                </form>
                <IndexErrorNotice error={summary.error} />
                {where && (
                    <div data-testid="lot-holders">
                        <AsOfBlock blockHeight={where.blockHeight} />
                        <p>
                            <strong data-total>{where.total}</strong> unit(s) of lot {where.lot}
                        </p>
                        <Scroll label="Scrollable table">
                            <table>
                                <caption className="sr-only">Units of the lot by holder</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">Holder</th>
                                        <th scope="col">Status</th>
                                        <th scope="col">Units</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {where.byCustodian.map((w) => (
                                        <tr key={`${w.custodian}-${w.status}-${w.destination ?? ''}`}>
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
                    </div>
                )}
            </Section>
            {asked && (
                <Section title="Units of the lot">
                    <IndexErrorNotice error={units.error} />
                    {units.answer && (
                        <div data-testid="lot-units" data-page={units.answerPage} aria-busy={units.loading}>
                            <AsOfBlock blockHeight={units.answer.blockHeight} />
                            <Scroll label="Scrollable table">
                                <table>
                                    <caption className="sr-only">Units, page {units.answerPage}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">Serial</th>
                                            <th scope="col">Holder</th>
                                            <th scope="col">Status</th>
                                            <th scope="col">In case or pallet</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {units.items.map((u) => (
                                            <tr key={u.serial} data-serial={u.serial}>
                                                <td>
                                                    <button
                                                        type="button"
                                                        className="link"
                                                        aria-label={`Chain of custody of ${u.serial}`}
                                                        onClick={() =>
                                                            props.onUnit({ gtin: asked.gtin, serial: u.serial })
                                                        }
                                                    >
                                                        {u.serial}
                                                    </button>
                                                </td>
                                                <td>{u.custodian}</td>
                                                <td>
                                                    {u.status}
                                                    {u.destination ? ` → ${u.destination}` : ''}
                                                </td>
                                                <td>{u.parent ?? ''}</td>
                                            </tr>
                                        ))}
                                    </tbody>
                                </table>
                            </Scroll>
                        </div>
                    )}
                    <Pager paged={units as never} label="Units" />
                </Section>
            )}
        </>
    );
}
