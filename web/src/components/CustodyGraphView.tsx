import type { CustodyGraph } from './custody';

const boxWidth = 150;
const boxHeight = 56;
const gap = 70;

/** The chain of custody as an SVG: organisations left to right in the order the lot reached them. */
export function CustodyGraphView({ graph, title }: { graph: CustodyGraph; title: string }) {
    const x = new Map(graph.nodes.map((n, i) => [n.id, 10 + i * (boxWidth + gap)]));
    const width = Math.max(320, graph.nodes.length * (boxWidth + gap) - gap + 20);
    const height = 60 + boxHeight + 40 * Math.max(1, graph.edges.length);
    const description = graph.edges
        .map(
            (e) =>
                `${e.from} shipped ${e.shipped} unit(s) to ${e.to}; ${e.received} received${e.rejected ? `, ${e.rejected} refused` : ''}`,
        )
        .join('. ');
    return (
        <figure className="graph">
            <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="graph-title graph-desc" width="100%">
                <title id="graph-title">{title}</title>
                <desc id="graph-desc">{description || 'No hand-offs yet: the lot is with its manufacturer.'}</desc>
                <defs>
                    <marker
                        id="arrow"
                        viewBox="0 0 10 10"
                        refX="9"
                        refY="5"
                        markerWidth="8"
                        markerHeight="8"
                        orient="auto"
                    >
                        <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
                    </marker>
                </defs>
                {graph.nodes.map((n) => (
                    <g key={n.id} transform={`translate(${x.get(n.id)}, 20)`} data-node={n.id}>
                        <rect width={boxWidth} height={boxHeight} rx="8" className="node" />
                        <text x={boxWidth / 2} y="24" textAnchor="middle" className="node-label">
                            {n.id.replace(/MSP$/, '')}
                        </text>
                        <text x={boxWidth / 2} y="44" textAnchor="middle" className="node-sub">
                            {n.events} event(s){n.packed ? `, ${n.packed} packed` : ''}
                        </text>
                    </g>
                ))}
                {graph.edges.map((e, i) => {
                    const from = x.get(e.from) ?? 0;
                    const to = x.get(e.to) ?? 0;
                    const y = 20 + boxHeight + 24 + i * 40;
                    const forward = to >= from;
                    const x1 = from + boxWidth / 2;
                    const x2 = to + boxWidth / 2;
                    return (
                        <g key={`${e.from}-${e.to}`} className={e.received >= e.shipped ? 'edge done' : 'edge transit'}>
                            <path
                                d={`M${x1},${20 + boxHeight} L${x1},${y} L${x2},${y} L${x2},${20 + boxHeight + 4}`}
                                fill="none"
                                stroke="currentColor"
                                strokeWidth="2"
                                strokeDasharray={e.received >= e.shipped ? undefined : '6 4'}
                                markerEnd="url(#arrow)"
                            />
                            <text x={(x1 + x2) / 2} y={y - 6} textAnchor="middle" className="edge-label">
                                {forward ? '' : '← '}
                                {e.shipped} shipped · {e.received} received
                                {e.rejected ? ` · ${e.rejected} refused` : ''}
                            </text>
                        </g>
                    );
                })}
            </svg>
        </figure>
    );
}
