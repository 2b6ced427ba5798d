import { useState } from 'react';
import type { HistoryApi } from '../../api/history';
import { AsOfBlock } from '../../components/AsOfBlock';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { Field, Scroll, Section, when } from '../../components/ui';
import { useIndexPages } from '../../components/useIndexPages';

/**
 * Accesses the ledger allowed while the licence the practitioner's role needs was suspended or
 * revoked (there should be none), from the index's key history.
 */
export function MisuseIndex({ history }: { history: HistoryApi }) {
    const [range, setRange] = useState({ from: '', to: '' });
    const [asked, setAsked] = useState<{ from?: string; to?: string; submitted: number }>({ submitted: 0 });
    const answer = useIndexPages(JSON.stringify(asked), () => history.misuse({ from: asked.from, to: asked.to }));
    return (
        <Section title="Use of suspended or revoked credentials">
            <form
                className="row"
                onSubmit={(e) => {
                    e.preventDefault();
                    setAsked({
                        from: range.from.trim() || undefined,
                        to: range.to.trim() || undefined,
                        submitted: asked.submitted + 1,
                    });
                }}
            >
                <Field label="From" hint="YYYY-MM-DD or date-time">
                    {(id) => (
                        <input
                            id={id}
                            value={range.from}
                            onChange={(e) => setRange({ ...range, from: e.target.value })}
                        />
                    )}
                </Field>
                <Field label="To" hint="YYYY-MM-DD or date-time">
                    {(id) => (
                        <input id={id} value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
                    )}
                </Field>
                <button type="submit">Check</button>
            </form>
            <IndexErrorNotice error={answer.error} />
            {answer.answer && (
                <div data-testid="misuse-results" aria-busy={answer.loading}>
                    <AsOfBlock blockHeight={answer.answer.blockHeight} />
                    {answer.items.length === 0 ? (
                        <p className="notice ok">None: no access was allowed on a suspended or revoked credential.</p>
                    ) : (
                        <Scroll label="Scrollable table">
                            <table>
                                <caption className="sr-only">Accesses on suspended or revoked credentials</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">When</th>
                                        <th scope="col">Who</th>
                                        <th scope="col">Record</th>
                                        <th scope="col">Credential</th>
                                        <th scope="col">Status then</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {answer.items.map((m) => (
                                        <tr key={m.access.auditId} className="denied">
                                            <td>{when(m.access.recorded)}</td>
                                            <td>
                                                {m.access.agent.actorId} ({m.access.agent.mspId})
                                            </td>
                                            <td>
                                                <code>{m.access.recordId}</code>
                                            </td>
                                            <td>
                                                {m.credential.type} <code>{m.credential.id}</code>
                                            </td>
                                            <td>
                                                {m.credential.status} since {when(m.credential.since)}
                                            </td>
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                        </Scroll>
                    )}
                </div>
            )}
        </Section>
    );
}
