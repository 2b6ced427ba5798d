/**
 * Fabric's state databases order keys by their UTF-8 bytes, which is Unicode code point
 * order. JavaScript compares strings by UTF-16 code units, which differs for characters
 * above U+FFFF (surrogate pairs sort below U+E000..U+FFFF). Range queries must use this
 * order so `createCompositeKey(...) + '\u{10FFFF}'` bounds a range as it does on a peer.
 */
export function compareKeys(a: string, b: string): number {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
        const x = a.charCodeAt(i);
        const y = b.charCodeAt(i);
        if (x !== y) {
            return codePointRank(x) - codePointRank(y);
        }
    }
    return a.length - b.length;
}

/** Moves surrogates (U+D800..U+DFFF) above the rest of the BMP, so unit order becomes code point order. */
function codePointRank(unit: number): number {
    if (unit < 0xd800) {
        return unit;
    }
    return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** Whether `key` lies in Fabric's range [start, end): an empty `end` means unbounded. */
export function inRange(key: string, start: string, end: string, includeEnd = false): boolean {
    if (compareKeys(key, start) < 0) {
        return false;
    }
    if (end === '') {
        return true;
    }
    const toEnd = compareKeys(key, end);
    return includeEnd ? toEnd <= 0 : toEnd < 0;
}
