import { useState } from 'react';
import type { AuditFilter, HistoryApi } from '../../api/history';
import { AsOfBlock } from '../../components/AsOfBlock';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { download, Field, Pager, Scroll, Section, toCsv, when } from '../../components/ui';
import { useIndexPages } from '../../components/useIndexPages';
import { purposes } from '../Patient';

const empty: AuditFilter = {
    patientId: '',
    recordId: '',
    practitioner: '',
    agentOrg: '',
    outcome: '',
    purpose: '',
    breakGlass: '',
    from: '',
    to: '',
};

/** Filters as the route names them, blanks dropped: the question the index is asked. */
export function auditQuestion(filter: AuditFilter): AuditFilter {
    return Object.fromEntries(
        Object.entries(filter)
            .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
            .filter(([, v]) => v),
    ) as AuditFilter;
}

/**
 * EHR access audit search on the index, across the consortium for the regulator's inspectors:
 * by patient, record, practitioner, org, outcome, purpose, break-glass and time, paged with the
 * route's cursors. The index filters; the page never filters what it was given.
 */
export function AuditIndex({ history }: { history: HistoryApi }) {
    const [filter, setFilter] = useState<AuditFilter>(empty);
    const [asked, setAsked] = useState<{ filter: AuditFilter; submitted: number }>();
    const question = asked ? JSON.stringify(asked) : undefined;
    const paged = useIndexPages(question, (cursor) => history.audit(asked!.filter, cursor));
    const text = (key: keyof AuditFilter, label: string, hint?: string) => (
        <Field label={label} hint={hint}>
            {(id) => (
                <input
                    id={id}
                    value={filter[key] ?? ''}
                    onChange={(e) => setFilter({ ...filter, [key]: e.target.value })}
                />
            )}
        </Field>
    );
    return (
        <Section title="EHR audit search">
            <form
                onSubmit={(e) => {
                    e.preventDefault();
                    setAsked({ filter: auditQuestion(filter), submitted: (asked?.submitted ?? 0) + 1 });
                }}
            >
                <div className="row">
                    {text('patientId', 'Patient id')}
                    {text('recordId', 'Record id')}
                    {text('practitioner', 'Practitioner id')}
                    {text('agentOrg', "Practitioner's org (MSP id)")}
                </div>
                <div className="row">
                    <Field label="Outcome">
                        {(id) => (
                            <select
                                id={id}
                                value={filter.outcome}
                                onChange={(e) =>
                                    setFilter({ ...filter, outcome: e.target.value as AuditFilter['outcome'] })
                                }
                            >
                                <option value="">Any</option>
                                <option value="allowed">Allowed</option>
                                <option value="denied">Denied</option>
                            </select>
                        )}
                    </Field>
                    <Field label="Purpose">
                        {(id) => (
                            <select
                                id={id}
                                value={filter.purpose}
                                onChange={(e) => setFilter({ ...filter, purpose: e.target.value })}
                            >
                                <option value="">Any</option>
                                {Object.entries(purposes).map(([code, label]) => (
                                    <option key={code} value={code}>
                                        {label} ({code})
                                    </option>
                                ))}
                            </select>
                        )}
                    </Field>
                    <Field label="Break-glass">
                        {(id) => (
                            <select
                                id={id}
                                value={filter.breakGlass}
                                onChange={(e) =>
                                    setFilter({ ...filter, breakGlass: e.target.value as AuditFilter['breakGlass'] })
                                }
                            >
                                <option value="">Either</option>
                                <option value="true">Break-glass only</option>
                                <option value="false">Not break-glass</option>
                            </select>
                        )}
                    </Field>
                    {text('from', 'From', 'YYYY-MM-DD or date-time')}
                    {text('to', 'To', 'YYYY-MM-DD or date-time')}
                </div>
                <button type="submit">Search the index</button>
            </form>
            <IndexErrorNotice error={paged.error} />
            {paged.answer && (
                <div data-testid="audit-results" data-page={paged.answerPage} aria-busy={paged.loading}>
                    <AsOfBlock blockHeight={paged.answer.blockHeight} />
                    {paged.items.length === 0 ? (
                        <p>No access matches, as of this block.</p>
                    ) : (
                        <Scroll label="Scrollable table">
                            <table>
                                <caption className="sr-only">Access audit, page {paged.answerPage}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">When</th>
                                        <th scope="col">Who</th>
                                        <th scope="col">Patient</th>
                                        <th scope="col">Record</th>
                                        <th scope="col">Purpose</th>
                                        <th scope="col">Outcome</th>
                                        <th scope="col">Block</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {paged.items.map((a) => (
                                        <tr
                                            key={a.auditId}
                                            data-audit-id={a.auditId}
                                            className={
                                                a.breakGlass ? 'emergency' : a.outcome === 'denied' ? 'denied' : ''
                                            }
                                        >
                                            <td>{when(a.recorded)}</td>
                                            <td>
                                                {a.agent.actorId} ({a.agent.mspId}, {a.agent.role})
                                            </td>
                                            <td>{a.patientId}</td>
                                            <td>
                                                <code>{a.recordId}</code>
                                            </td>
                                            <td>{purposes[a.purpose ?? ''] ?? a.purpose}</td>
                                            <td>
                                                {a.breakGlass ? 'break-glass, ' : ''}
                                                {a.outcome === 'allowed'
                                                    ? 'allowed'
                                                    : `denied: ${a.denialReason ?? ''}`}
                                            </td>
                                            <td>{a.blockNumber}</td>
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                        </Scroll>
                    )}
                    {paged.items.length > 0 && (
                        <button
                            type="button"
                            onClick={() =>
                                download(
                                    `audit-block-${paged.answer!.blockHeight}-page-${paged.answerPage}.csv`,
                                    toCsv(
                                        paged.items.map((a) => ({
                                            blockHeight: paged.answer!.blockHeight,
                                            recorded: a.recorded,
                                            agent: a.agent.actorId,
                                            agentMsp: a.agent.mspId,
                                            role: a.agent.role,
                                            patient: a.patientId,
                                            record: a.recordId,
                                            purpose: a.purpose,
                                            outcome: a.outcome,
                                            reason: a.denialReason,
                                            breakGlass: a.breakGlass,
                                            block: a.blockNumber,
                                            id: a.auditId,
                                        })),
                                    ),
                                    'text/csv',
                                )
                            }
                        >
                            Export this page as CSV
                        </button>
                    )}
                </div>
            )}
            <Pager paged={paged as never} label="Audit" />
        </Section>
    );
}
