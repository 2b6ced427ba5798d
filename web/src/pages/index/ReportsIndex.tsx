import { useState } from 'react';
import { reportNames, type HistoryApi, type ReportName } from '../../api/history';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { ReportView, type LoadedReport } from '../../components/ReportView';
import { Field, Progress, Section, useAction } from '../../components/ui';

const titles: Record<ReportName, string> = {
    'break-glass-monthly': 'Break-glass accesses by month and org',
    'recall-effectiveness': 'Recall effectiveness',
    'suspect-resolution': 'Suspect cases: time to resolution',
};

/** The inspectors' fixed reports: pick one, its range (or lot), and see the gateway's chart and rows. */
export function ReportsIndex({ history }: { history: HistoryApi }) {
    const [name, setName] = useState<ReportName>('break-glass-monthly');
    const [fields, setFields] = useState({ from: '', to: '', gtin: '', lot: '' });
    const [report, setReport] = useState<LoadedReport>();
    const action = useAction();
    const byLot = name === 'recall-effectiveness';
    const input = (key: keyof typeof fields, label: string, hint?: string) => (
        <Field label={label} hint={hint}>
            {(id) => (
                <input id={id} value={fields[key]} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} />
            )}
        </Field>
    );
    return (
        <Section title="Inspection reports">
            <form
                className="row"
                onSubmit={async (e) => {
                    e.preventDefault();
                    setReport(undefined);
                    const query = Object.fromEntries(
                        Object.entries(
                            byLot ? { gtin: fields.gtin, lot: fields.lot } : { from: fields.from, to: fields.to },
                        )
                            .map(([k, v]) => [k, v.trim()])
                            .filter(([, v]) => v),
                    );
                    const loaded = await action.run(async () => {
                        const [json, csv, svg] = await Promise.all([
                            history.report(name, query),
                            history.reportText(name, 'csv', query),
                            history.reportText(name, 'svg', query),
                        ]);
                        return { json, csv, svg };
                    });
                    if (loaded) setReport(loaded);
                }}
            >
                <Field label="Report">
                    {(id) => (
                        <select id={id} value={name} onChange={(e) => setName(e.target.value as ReportName)}>
                            {reportNames.map((r) => (
                                <option key={r} value={r}>
                                    {titles[r]}
                                </option>
                            ))}
                        </select>
                    )}
                </Field>
                {byLot ? (
                    <>
                        {input('gtin', 'GTIN', 'optional: one product')}
                        {input('lot', 'Lot', 'optional: one lot')}
                    </>
                ) : (
                    <>
                        {input('from', 'From', 'YYYY-MM-DD or date-time')}
                        {input('to', 'To', 'YYYY-MM-DD or date-time')}
                    </>
                )}
                <button type="submit" disabled={action.busy}>
                    Show report
                </button>
            </form>
            {action.busy && <Progress label="Computing the report from the index" />}
            <IndexErrorNotice error={action.error} />
            {report && <ReportView report={report} />}
        </Section>
    );
}
