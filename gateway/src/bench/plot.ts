/**
 * Throughput against latency, one small panel per workload, as a self-contained SVG: each
 * load level is a point (p50 solid, p99 dashed), labelled with its client count and joined in
 * the order the load rose (past the peak, throughput can fall while latency still grows); the
 * floor's curve is drawn in grey behind the workloads compared with it.
 */
export interface PlotPoint {
    /** Calls per second. */
    throughput: number;
    p50: number;
    p99: number;
    /** Short label next to the point, e.g. `64` (clients) or `½` (half load). */
    label: string;
    /** A point off the load curve (the open-loop half-load run): drawn, not joined to the others. */
    alone?: boolean;
}

export interface PlotPanel {
    title: string;
    xLabel: string;
    points: PlotPoint[];
    floor?: { title: string; points: PlotPoint[] };
}

const panelWidth = 380;
const panelHeight = 270;
const columns = 3;
const margin = { left: 56, right: 16, top: 34, bottom: 44 };
const colors = { p50: '#1f6feb', p99: '#d1242f', floor: '#8c959f', axis: '#57606a', grid: '#eaeef2' };

/** The smallest 1, 2 or 5 × 10^k at least `value` (and above 0). */
export function niceCeiling(value: number): number {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 5, 10]) {
        if (step * power >= value) return step * power;
    }
    return 10 * power;
}

export function escapeXml(text: string): string {
    return text.replace(
        /[<>&"']/g,
        (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
    );
}

const round = (value: number) => Math.round(value * 10) / 10;

export function renderPlot(
    panels: readonly PlotPanel[],
    title = 'CareLedger on Fabric: throughput vs submit-to-commit latency',
): string {
    const rows = Math.max(1, Math.ceil(panels.length / columns));
    const width = columns * panelWidth;
    const height = rows * panelHeight + 40;
    const parts: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
        `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
        `<text x="${width - 10}" y="22" text-anchor="end" fill="${colors.axis}">` +
            `<tspan fill="${colors.p50}">● p50</tspan>  <tspan fill="${colors.p99}">- - p99</tspan>  <tspan fill="${colors.floor}">grey: floor</tspan></text>`,
    ];
    panels.forEach((panel, index) => {
        const x0 = (index % columns) * panelWidth;
        const y0 = 40 + Math.floor(index / columns) * panelHeight;
        parts.push(renderPanel(panel, x0, y0));
    });
    parts.push('</svg>');
    return `${parts.join('\n')}\n`;
}

function renderPanel(panel: PlotPanel, x0: number, y0: number): string {
    const all = [...panel.points, ...(panel.floor?.points ?? [])];
    const xMax = niceCeiling(Math.max(...all.map((point) => point.throughput), 1) * 1.05);
    const yMax = niceCeiling(Math.max(...all.map((point) => point.p99), 1) * 1.05);
    const plotWidth = panelWidth - margin.left - margin.right;
    const plotHeight = panelHeight - margin.top - margin.bottom;
    const left = x0 + margin.left;
    const top = y0 + margin.top;
    const sx = (value: number) => round(left + (value / xMax) * plotWidth);
    const sy = (value: number) => round(top + plotHeight - (value / yMax) * plotHeight);
    const out: string[] = [`<g>`];
    out.push(
        `<text x="${x0 + panelWidth / 2}" y="${y0 + 18}" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    for (let i = 0; i <= 4; i++) {
        const xv = (xMax * i) / 4;
        const yv = (yMax * i) / 4;
        out.push(`<line x1="${sx(xv)}" y1="${top}" x2="${sx(xv)}" y2="${top + plotHeight}" stroke="${colors.grid}"/>`);
        out.push(`<line x1="${left}" y1="${sy(yv)}" x2="${left + plotWidth}" y2="${sy(yv)}" stroke="${colors.grid}"/>`);
        out.push(
            `<text x="${sx(xv)}" y="${top + plotHeight + 14}" text-anchor="middle" fill="${colors.axis}">${formatTick(xv)}</text>`,
        );
        out.push(
            `<text x="${left - 6}" y="${sy(yv) + 4}" text-anchor="end" fill="${colors.axis}">${formatTick(yv)}</text>`,
        );
    }
    out.push(
        `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="${colors.axis}"/>`,
    );
    out.push(
        `<text x="${left + plotWidth / 2}" y="${top + plotHeight + 32}" text-anchor="middle" fill="${colors.axis}">${escapeXml(panel.xLabel)}</text>`,
    );
    out.push(
        `<text x="${x0 + 14}" y="${top + plotHeight / 2}" text-anchor="middle" fill="${colors.axis}" transform="rotate(-90 ${x0 + 14} ${top + plotHeight / 2})">latency (ms)</text>`,
    );
    const series = (points: PlotPoint[], color: string, key: 'p50' | 'p99', dashed: boolean, markers: boolean) => {
        const curve = points.filter((point) => !point.alone);
        if (curve.length > 1) {
            const path = curve.map((point) => `${sx(point.throughput)},${sy(point[key])}`).join(' ');
            out.push(
                `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.5"${dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
            );
        }
        if (markers) {
            for (const point of points) {
                out.push(
                    `<circle cx="${sx(point.throughput)}" cy="${sy(point[key])}" r="3" fill="${color}"><title>${escapeXml(`${point.label}: ${point.throughput.toFixed(1)}/s, p50 ${point.p50.toFixed(0)} ms, p99 ${point.p99.toFixed(0)} ms`)}</title></circle>`,
                );
                out.push(
                    `<text x="${sx(point.throughput) + 5}" y="${sy(point[key]) - 5}" fill="${color}" font-size="10">${escapeXml(point.label)}</text>`,
                );
            }
        }
    };
    if (panel.floor) {
        series(panel.floor.points, colors.floor, 'p50', false, false);
        series(panel.floor.points, colors.floor, 'p99', true, false);
    }
    series(panel.points, colors.p99, 'p99', true, false);
    series(panel.points, colors.p50, 'p50', false, true);
    out.push('</g>');
    return out.join('\n');
}

function formatTick(value: number): string {
    if (value >= 10_000) return `${round(value / 1000)}k`;
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
