import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fieldLabel } from './errors';
import { EventStreamParser } from './sse';

describe('errors in words', () => {
    it('names the field at fault in words', () => {
        expect(fieldLabel('consent.period.end')).toBe('end');
        expect(fieldLabel('receipt.items[2]')).toBe('items item 3');
        expect(fieldLabel('actorId')).toBe('actor id');
        expect(
            describeError(new ApiError(400, 'INVALID_ARGUMENT', 'must be in the future', 'consent.period.end')),
        ).toEqual({
            headline: 'Please check what you entered',
            field: 'end',
            detail: 'must be in the future',
        });
        expect(describeError(new ApiError(403, 'FORBIDDEN', 'no consent')).headline).toBe(
            'You are not allowed to do this',
        );
        expect(describeError(new TypeError('Failed to fetch')).headline).toBe('The gateway cannot be reached');
    });
});

describe('server-sent events', () => {
    it('parses events split across chunks, skipping comments', () => {
        const parser = new EventStreamParser();
        expect(parser.push(': connected\n\nid: 5:tx\nevent: ehr.Emergency')).toEqual([]);
        expect(parser.push('Access\ndata: {"a":1}\n\n')).toEqual([
            { id: '5:tx', event: 'ehr.EmergencyAccess', data: '{"a":1}' },
        ]);
        expect(parser.push('data: x\r\ndata: y\r\n\r\n')).toEqual([{ event: 'message', data: 'x\ny' }]);
    });
});
