import { escapeXml, niceCeiling, renderPlot, type PlotPanel } from './plot';

describe('throughput-latency plot', () => {
    const panels: PlotPanel[] = [
        {
            title: 'Register EHR pointer <ehr>',
            xLabel: 'committed tx/s',
            points: [
                { throughput: 10, p50: 80, p99: 120, label: '1' },
                { throughput: 250, p50: 200, p99: 400, label: '64' },
                { throughput: 120, p50: 90, p99: 150, label: '½ peak' },
            ],
            floor: {
                title: 'floor',
                points: [
                    { throughput: 12, p50: 70, p99: 100, label: '1' },
                    { throughput: 300, p50: 180, p99: 350, label: '64' },
                ],
            },
        },
        { title: 'Verify', xLabel: 'queries/s', points: [{ throughput: 1500, p50: 20, p99: 60, label: '64' }] },
    ];

    it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
        expect(niceCeiling(0.7)).toBe(1);
        expect(niceCeiling(1)).toBe(1);
        expect(niceCeiling(130)).toBe(200);
        expect(niceCeiling(420)).toBe(500);
        expect(niceCeiling(501)).toBe(1000);
        expect(niceCeiling(0)).toBe(1);
    });

    it('draws one marker per point and keeps every coordinate inside the picture', () => {
        const svg = renderPlot(panels);
        expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
        expect(svg.trim().endsWith('</svg>')).toBe(true);
        expect(svg.match(/<circle /g)).toHaveLength(4);
        const [, width, height] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
        for (const [, cx, cy] of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
            expect(Number(cx)).toBeGreaterThan(0);
            expect(Number(cx)).toBeLessThan(width);
            expect(Number(cy)).toBeGreaterThan(0);
            expect(Number(cy)).toBeLessThan(height);
        }
    });

    it('puts faster points to the right and slower ones higher', () => {
        const svg = renderPlot([panels[0]]);
        const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map(
            ([, cx, cy, title]) => ({ cx: Number(cx), cy: Number(cy), title }),
        );
        const single = circles.find((circle) => circle.title.startsWith('1:'))!;
        const peak = circles.find((circle) => circle.title.startsWith('64:'))!;
        expect(peak.cx).toBeGreaterThan(single.cx);
        expect(peak.cy).toBeLessThan(single.cy);
    });

    it('joins the load curve in load order and leaves the half-load point off it', () => {
        const svg = renderPlot([
            {
                title: 'past the peak',
                xLabel: 'tx/s',
                points: [
                    { throughput: 10, p50: 80, p99: 100, label: '1' },
                    { throughput: 75, p50: 400, p99: 600, label: '32' },
                    { throughput: 66, p50: 2000, p99: 3000, label: '128' },
                    { throughput: 40, p50: 90, p99: 150, label: '½ peak', alone: true },
                ],
            },
        ]);
        const p50Line = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="#1f6feb"/g)].map((m) => m[1]);
        expect(p50Line).toHaveLength(1);
        const xs = p50Line[0].split(' ').map((pair) => Number(pair.split(',')[0]));
        expect(xs).toHaveLength(3);
        // 1 → 32 → 128 clients: the line turns back when throughput falls past the peak.
        expect(xs[1]).toBeGreaterThan(xs[0]);
        expect(xs[2]).toBeLessThan(xs[1]);
        expect(svg.match(/<circle /g)).toHaveLength(4);
    });

    it('escapes text', () => {
        expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
        const svg = renderPlot(panels);
        expect(svg).toContain('Register EHR pointer &lt;ehr&gt;');
        expect(svg).not.toContain('<ehr>');
    });
});
