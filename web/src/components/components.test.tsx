import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { clockOf, serialRange, shipmentsFor } from '../pages/Supply';
import { custodyGraph, type Step } from './custody';
import { CustodyGraphView } from './CustodyGraphView';
import { ErrorNotice, Field, toCsv } from './ui';

describe('ErrorNotice', () => {
    it('shows the headline, the field at fault and the detail as an alert', () => {
        render(<ErrorNotice error={new ApiError(400, 'INVALID_ARGUMENT', 'must be 14 digits', 'product.gtin')} />);
        const alert = screen.getByRole('alert');
        expect(alert.textContent).toContain('Please check what you entered');
        expect(alert.textContent).toContain('the field at fault: gtin');
        expect(alert.textContent).toContain('must be 14 digits');
    });
});

describe('Field', () => {
    it('labels its control', () => {
        render(<Field label="Lot number">{(id) => <input id={id} />}</Field>);
        fireEvent.change(screen.getByLabelText('Lot number'), { target: { value: 'L1' } });
        expect((screen.getByLabelText('Lot number') as HTMLInputElement).value).toBe('L1');
    });
});

const step = (s: Partial<Step>): Step => ({
    txId: Math.random().toString(),
    kind: 'x',
    bizStep: 'b',
    disposition: 'd',
    at: '2026-01-01T00:00:00Z',
    ...s,
});

describe('chain of custody', () => {
    const steps = [
        step({
            kind: 'commission',
            actor: { mspId: 'ManufacturerMSP', actorId: 'op' },
            lots: [{ gtin: 'g', lot: 'l', quantity: 3 }],
        }),
        step({ kind: 'pack', actor: { mspId: 'ManufacturerMSP', actorId: 'op' } }),
        step({
            kind: 'ship',
            actor: { mspId: 'ManufacturerMSP', actorId: 'op' },
            from: 'ManufacturerMSP',
            to: 'DistributorMSP',
            lots: [{ gtin: 'g', lot: 'l', quantity: 3 }],
        }),
        step({
            kind: 'receive',
            actor: { mspId: 'DistributorMSP', actorId: 'op' },
            from: 'ManufacturerMSP',
            to: 'DistributorMSP',
            lots: [{ gtin: 'g', lot: 'l', quantity: 3 }],
        }),
        step({
            kind: 'ship',
            actor: { mspId: 'DistributorMSP', actorId: 'op' },
            from: 'DistributorMSP',
            to: 'HospitalMSP',
            lots: [{ gtin: 'g', lot: 'l', quantity: 1 }],
        }),
    ];

    it('orders organisations as the lot reached them and counts hand-offs', () => {
        const graph = custodyGraph(steps);
        expect(graph.nodes.map((n) => n.id)).toEqual(['ManufacturerMSP', 'DistributorMSP', 'HospitalMSP']);
        expect(graph.nodes[0]).toMatchObject({ events: 3, packed: 1 });
        expect(graph.edges).toEqual([
            { from: 'ManufacturerMSP', to: 'DistributorMSP', shipped: 3, received: 3, rejected: 0 },
            { from: 'DistributorMSP', to: 'HospitalMSP', shipped: 1, received: 0, rejected: 0 },
        ]);
    });

    it('draws an SVG with a node per organisation and a text description', () => {
        const { container } = render(<CustodyGraphView graph={custodyGraph(steps)} title="Lot L" />);
        expect(container.querySelectorAll('[data-node]')).toHaveLength(3);
        expect(screen.getByRole('img', { name: /Lot L/ })).toBeTruthy();
        expect(container.querySelector('desc')!.textContent).toContain(
            'DistributorMSP shipped 1 unit(s) to HospitalMSP; 0 received',
        );
    });
});

describe('supply helpers', () => {
    it('keeps an inbox of shipments addressed to this org until they are received', () => {
        const events = [
            {
                event: 'supply.Shipped',
                tx: 't1',
                payload: { from: 'ManufacturerMSP', to: 'DistributorMSP', epcs: ['a'] },
            },
            { event: 'supply.Shipped', tx: 't2', payload: { from: 'ManufacturerMSP', to: 'HospitalMSP', epcs: ['b'] } },
            {
                event: 'supply.Shipped',
                tx: 't3',
                payload: { from: 'ManufacturerMSP', to: 'DistributorMSP', epcs: ['c'] },
            },
            {
                event: 'supply.Received',
                tx: 't4',
                payload: { from: 'ManufacturerMSP', to: 'DistributorMSP', epcs: ['a'] },
            },
        ];
        expect(shipmentsFor('DistributorMSP', events).map((s) => [s.id, s.state])).toEqual([
            ['t3', 'incoming'],
            ['t1', 'received'],
        ]);
    });

    it('counts down the 24-hour clock of a suspect case', () => {
        const at = '2026-01-01T00:00:00Z';
        expect(clockOf(at, Date.parse('2026-01-01T01:30:00Z'))).toBe('22 h 30 min left to report');
        expect(clockOf(at, Date.parse('2026-01-02T00:00:01Z'))).toBe('overdue: the 24 hours have passed');
    });

    it('numbers serials and writes CSV that quotes what needs quoting', () => {
        expect(serialRange('S', 1, 3)).toEqual(['S1', 'S2', 'S3']);
        expect(toCsv([{ a: 'x,y', b: 'say "hi"' }])).toBe('a,b\r\n"x,y","say ""hi"""\r\n');
    });
});
