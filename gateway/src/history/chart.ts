/**
 * Small, dependency-free SVG charts for the index's reports: the same markup is served by the
 * REST API, written by the CLI and embedded by the web app. Text is escaped; sizes are fixed.
 */
export interface BarChart {
    title: string;
    /** x-axis categories, e.g. months. */
    categories: string[];
    /** One bar per series in each category. */
    series: Array<{ name: string; values: number[] }>;
    yLabel: string;
}

export interface LineChart {
    title: string;
    /** Each series' points; x is a category label in order (e.g. a day), y a number. */
    series: Array<{ name: string; points: Array<{ x: string; y: number }> }>;
    yLabel: string;
    /** Fixed y range, e.g. [0, 1] for shares. */
    yMax?: number;
}

const width = 720;
const height = 360;
const margin = { top: 40, right: 160, bottom: 60, left: 60 };
const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function escapeXml(value: string): string {
    return value.replace(
        /[<>&"']/g,
        (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
    );
}

function frame(
    title: string,
    yLabel: string,
    yMax: number,
    body: string[],
    legend: string[],
    xLabels: string[],
): string {
    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    const ticks = 5;
    const grid: string[] = [];
    for (let i = 0; i <= ticks; i++) {
        const value = (yMax * i) / ticks;
        const y = margin.top + plotH - (plotH * i) / ticks;
        grid.push(
            `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#ddd"/>`,
            `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${formatNumber(value)}</text>`,
        );
    }
    const step = xLabels.length ? plotW / xLabels.length : plotW;
    const every = Math.max(1, Math.ceil(xLabels.length / 12));
    const labels = xLabels
        .map((label, i) =>
            i % every === 0
                ? `<text x="${margin.left + step * (i + 0.5)}" y="${margin.top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(label)}</text>`
                : '',
        )
        .filter(Boolean);
    const legendItems = legend.map(
        (name, i) =>
            `<rect x="${width - margin.right + 12}" y="${margin.top + i * 18}" width="12" height="12" fill="${palette[i % palette.length]}"/>` +
            `<text x="${width - margin.right + 30}" y="${margin.top + i * 18 + 10}" font-size="11">${escapeXml(name)}</text>`,
    );
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${escapeXml(title)}">`,
        `<title>${escapeXml(title)}</title>`,
        `<rect width="${width}" height="${height}" fill="#fff"/>`,
        `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
        ...grid,
        `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#333"/>`,
        `<text x="16" y="${margin.top + plotH / 2}" font-size="11" transform="rotate(-90 16 ${margin.top + plotH / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`,
        ...labels,
        ...body,
        ...legendItems,
        '</svg>',
    ].join('\n');
}

function formatNumber(value: number): string {
    return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}

function niceMax(max: number): number {
    if (max <= 0) {
        return 1;
    }
    const magnitude = 10 ** Math.floor(Math.log10(max));
    return [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= max) as number;
}

export function barChart(chart: BarChart): string {
    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    const yMax = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values)));
    const step = chart.categories.length ? plotW / chart.categories.length : plotW;
    const barW = (step * 0.8) / Math.max(1, chart.series.length);
    const bars: string[] = [];
    chart.categories.forEach((category, c) => {
        chart.series.forEach((series, s) => {
            const value = series.values[c] ?? 0;
            const h = (plotH * value) / yMax;
            const x = margin.left + step * c + step * 0.1 + barW * s;
            bars.push(
                `<rect x="${x.toFixed(1)}" y="${(margin.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${palette[s % palette.length]}"><title>${escapeXml(`${series.name} ${category}: ${value}`)}</title></rect>`,
            );
        });
    });
    return frame(
        chart.title,
        chart.yLabel,
        yMax,
        bars,
        chart.series.map((s) => s.name),
        chart.categories,
    );
}

export function lineChart(chart: LineChart): string {
    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    const xs = [...new Set(chart.series.flatMap((s) => s.points.map((p) => p.x)))].sort();
    const yMax = chart.yMax ?? niceMax(Math.max(0, ...chart.series.flatMap((s) => s.points.map((p) => p.y))));
    const step = xs.length ? plotW / xs.length : plotW;
    const body = chart.series.map((series, s) => {
        const points = series.points.map((p) => {
            const x = margin.left + step * (xs.indexOf(p.x) + 0.5);
            const y = margin.top + plotH - (plotH * p.y) / yMax;
            return `${x.toFixed(1)},${y.toFixed(1)}`;
        });
        const dots = points.map((pt) => {
            const [x, y] = pt.split(',');
            return `<circle cx="${x}" cy="${y}" r="3" fill="${palette[s % palette.length]}"/>`;
        });
        return `<polyline fill="none" stroke="${palette[s % palette.length]}" stroke-width="2" points="${points.join(' ')}"/>${dots.join('')}`;
    });
    return frame(
        chart.title,
        chart.yLabel,
        yMax,
        body,
        chart.series.map((s) => s.name),
        xs,
    );
}
