import { compareKeys, inRange } from './key-order';

describe('compareKeys', () => {
    it('orders by Unicode code point, as UTF-8 bytes sort on a peer', () => {
        const keys = ['\u{1F600}', '\uFFFD', 'b', 'a', '\u0000x', 'ab'];
        const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        expect([...keys].sort(compareKeys)).toEqual(byBytes);
        expect(byBytes).toEqual(['\u0000x', 'a', 'ab', 'b', '\uFFFD', '\u{1F600}']);
    });

    it('bounds a partial composite key range with U+10FFFF', () => {
        const prefix = '\u0000t\u0000';
        expect(inRange(`${prefix}\u{1F600}\u0000`, prefix, `${prefix}\u{10FFFF}`)).toBe(true);
        expect(inRange('\u0000u\u0000', prefix, `${prefix}\u{10FFFF}`)).toBe(false);
        expect(inRange('z', 'a', '')).toBe(true);
        expect(inRange('b', 'a', 'b')).toBe(false);
        expect(inRange('b', 'a', 'b', true)).toBe(true);
    });
});
