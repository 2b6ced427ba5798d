/** A lot's steps (GET /supply/lots/{gtin}/{lot}/history) as the hand-offs between organisations. */
export interface Step {
    txId: string;
    kind: string;
    bizStep: string;
    disposition: string;
    at: string;
    actor?: { mspId: string; actorId: string };
    from?: string;
    to?: string;
    epcs?: string[];
    parent?: string;
    lots?: Array<{ gtin: string; lot: string; quantity: number }>;
    reason?: string;
    recallClass?: string;
}

export interface CustodyGraph {
    /** Organisations in the order the lot reached them. */
    nodes: Array<{ id: string; events: number; packed: number }>;
    /** Hand-offs: units shipped from one org to another, and how many arrived (or were refused). */
    edges: Array<{ from: string; to: string; shipped: number; received: number; rejected: number }>;
}

const units = (step: Step) => (step.lots ?? []).reduce((n, l) => n + l.quantity, 0) || (step.epcs?.length ?? 0);

export function custodyGraph(steps: Step[]): CustodyGraph {
    const nodes = new Map<string, { id: string; events: number; packed: number }>();
    const node = (id: string | undefined) => {
        if (!id) return undefined;
        if (!nodes.has(id)) nodes.set(id, { id, events: 0, packed: 0 });
        return nodes.get(id)!;
    };
    const edges = new Map<string, CustodyGraph['edges'][number]>();
    const edge = (from: string, to: string) => {
        const key = `${from}>${to}`;
        if (!edges.has(key)) edges.set(key, { from, to, shipped: 0, received: 0, rejected: 0 });
        return edges.get(key)!;
    };
    for (const step of steps) {
        const actor = node(step.actor?.mspId);
        if (actor) actor.events += 1;
        if (step.kind === 'pack' && actor) actor.packed += 1;
        if (step.kind === 'ship' && step.from && step.to) {
            node(step.from);
            node(step.to);
            edge(step.from, step.to).shipped += units(step);
        } else if (step.kind === 'receive' && step.from && step.to) {
            edge(step.from, step.to).received += units(step);
        } else if (step.kind === 'reject' && step.from && step.to) {
            // A rejection names the original sender as `from` and the refusing org as `to`.
            edge(step.from, step.to).rejected += units(step);
        }
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
