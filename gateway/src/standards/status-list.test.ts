import { gunzipSync } from 'node:zlib';
import { decodeStatusList, encodeStatusList, MinimumStatusListBits } from './status-list';

describe('Bitstring Status List encoding', () => {
    it('is multibase base64url of a GZIP of at least 131,072 bits', () => {
        const encoded = encodeStatusList([]);
        expect(encoded.startsWith('u')).toBe(true);
        expect(encoded.slice(1)).toMatch(/^[A-Za-z0-9_-]+$/);
        const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
        expect(bytes.length * 8).toBe(MinimumStatusListBits);
        expect(bytes.every((b) => b === 0)).toBe(true);
    });

    it('puts index 0 in the left-most bit of the first byte', () => {
        const bytes = gunzipSync(Buffer.from(encodeStatusList([0, 9, 131_071]).slice(1), 'base64url'));
        expect(bytes[0]).toBe(0b1000_0000);
        expect(bytes[1]).toBe(0b0100_0000);
        expect(bytes[bytes.length - 1]).toBe(0b0000_0001);
    });

    it('round-trips through the decoder', () => {
        const list = decodeStatusList(encodeStatusList([3, 94_567]));
        expect(list.bits).toBe(MinimumStatusListBits);
        expect(list.isSet(3)).toBe(true);
        expect(list.isSet(94_567)).toBe(true);
        expect(list.isSet(4)).toBe(false);
        expect(list.isSet(94_566)).toBe(false);
    });

    it('rejects short lists and out-of-range indexes', () => {
        expect(() => encodeStatusList([], 1024)).toThrow(/at least 131072/);
        expect(() => encodeStatusList([MinimumStatusListBits])).toThrow(/outside/);
        expect(() => encodeStatusList([-1])).toThrow(/outside/);
    });
});
