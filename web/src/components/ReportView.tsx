import type { Report } from '../api/history';
import { AsOfBlock } from './AsOfBlock';
import { download, Scroll } from './ui';

/** A report as the gateway rendered it in its three forms, read at the same moment. */
export interface LoadedReport {
    json: Report;
    csv: string;
    svg: string;
}

/**
 * One of the inspectors' fixed reports: the gateway's SVG chart (shown as an image, so nothing
 * in it runs), the summary, the rows, and the CSV and JSON downloads exactly as the gateway sent them.
 */
export function ReportView({ report }: { report: LoadedReport }) {
    const { json, csv, svg } = report;
    const file = `${json.name}-block-${json.blockHeight}`;
    return (
        <div className="report" data-report={json.name}>
            <h3>{json.title}</h3>
            <AsOfBlock blockHeight={json.blockHeight} />
            <img
                className="chart"
                src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
                alt={`Chart: ${json.title}`}
            />
            <dl className="summary" aria-label="Summary">
                {Object.entries(json.summary).map(([key, value]) => (
                    <div key={key}>
                        <dt>{key}</dt>
                        <dd data-summary={key}>{value ?? '—'}</dd>
                    </div>
                ))}
            </dl>
            <div className="row">
                <button type="button" onClick={() => download(`${file}.csv`, csv, 'text/csv')}>
                    Download CSV
                </button>
                <button
                    type="button"
                    onClick={() => download(`${file}.json`, JSON.stringify(json, null, 2), 'application/json')}
                >
                    Download JSON
                </button>
            </div>
            {json.rows.length === 0 ? (
                <p>No rows as of this block.</p>
            ) : (
                <Scroll label="Scrollable table">
                    <table>
                        <caption className="sr-only">{json.title}: rows</caption>
                        <thead>
                            <tr>
                                {json.columns.map((c) => (
                                    <th key={c} scope="col">
                                        {c}
                                    </th>
                                ))}
                            </tr>
                        </thead>
                        <tbody>
                            {json.rows.map((row, i) => (
                                <tr key={i}>
                                    {json.columns.map((c) => (
                                        <td key={c}>{row[c] ?? ''}</td>
                                    ))}
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </Scroll>
            )}
        </div>
    );
}
