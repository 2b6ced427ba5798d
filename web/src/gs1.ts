/**
 * Reads what a pharmacist types, pastes or scans into the identifiers the verification routes
 * take: a GS1 element string with parentheses `(01)…(17)…(10)…(21)…`, the same without
 * parentheses separated by GS (as scanners send it), or a GS1 Digital Link URI.
 */
export interface PackId {
    gtin?: string;
    serial?: string;
    lot?: string;
    /** YYMMDD */
    expiry?: string;
    sscc?: string;
}

export class Gs1InputError extends Error {
    constructor(
        readonly field: string,
        message: string,
    ) {
        super(message);
    }
}

/** The group separator (FNC1 as scanners send it) that ends a variable-length element. */
const GS = String.fromCharCode(29);
const fixedLength: Record<string, number> = { '00': 18, '01': 14, '17': 6 };
const names: Record<string, keyof PackId> = { '00': 'sscc', '01': 'gtin', '10': 'lot', '17': 'expiry', '21': 'serial' };

export function gs1CheckDigit(data: string): number {
    let sum = 0;
    for (let i = 0; i < data.length; i += 1) {
        const digit = Number(data[data.length - 1 - i]);
        sum += i % 2 === 0 ? digit * 3 : digit;
    }
    return (10 - (sum % 10)) % 10;
}

function checkKey(field: 'gtin' | 'sscc', value: string, length: number): void {
    if (!new RegExp(`^\\d{${length}}$`).test(value)) {
        throw new Gs1InputError(field, `${field.toUpperCase()} must be ${length} digits`);
    }
    if (gs1CheckDigit(value.slice(0, -1)) !== Number(value.at(-1))) {
        throw new Gs1InputError(field, `${field.toUpperCase()} ${value} has a wrong check digit`);
    }
}

function assign(out: PackId, ai: string, value: string): void {
    const name = names[ai];
    if (!name) throw new Gs1InputError('identifier', `application identifier (${ai}) is not one a pack carries here`);
    out[name] = value;
}

export function parsePackId(input: string): PackId {
    const text = input.trim();
    if (!text) throw new Gs1InputError('identifier', 'type, paste or scan the code on the pack');
    const out: PackId = {};
    if (/^https?:\/\//i.test(text)) {
        const url = new URL(text);
        const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        const start = parts.findIndex((p) => p === '01' || p === '00');
        if (start < 0)
            throw new Gs1InputError('identifier', 'a Digital Link path starts with /01/<GTIN> or /00/<SSCC>');
        for (let i = start; i + 1 < parts.length; i += 2) assign(out, parts[i], parts[i + 1]);
        for (const [key, value] of url.searchParams) if (names[key]) assign(out, key, value);
    } else if (text.startsWith('(')) {
        const pattern = /\((\d{2,4})\)([^(]*)/g;
        let match: RegExpExecArray | null;
        let consumed = 0;
        while ((match = pattern.exec(text))) {
            assign(out, match[1], match[2].trim());
            consumed += match[0].length;
        }
        if (consumed !== text.length) throw new Gs1InputError('identifier', 'could not read it as (AI)value pairs');
    } else {
        let rest = text.replace(/^\]d2|^\]C1|^\]Q3/, '');
        while (rest.length) {
            const ai = rest.slice(0, 2);
            const fixed = fixedLength[ai];
            if (fixed) {
                assign(out, ai, rest.slice(2, 2 + fixed));
                rest = rest.slice(2 + fixed);
                if (rest.startsWith(GS)) rest = rest.slice(1);
            } else {
                const end = rest.indexOf(GS);
                assign(out, ai, end < 0 ? rest.slice(2) : rest.slice(2, end));
                rest = end < 0 ? '' : rest.slice(end + 1);
            }
        }
    }
    if (out.gtin !== undefined) checkKey('gtin', out.gtin, 14);
    if (out.sscc !== undefined) checkKey('sscc', out.sscc, 18);
    if (out.expiry !== undefined && !/^\d{6}$/.test(out.expiry)) {
        throw new Gs1InputError('expiry', 'expiry (17) is YYMMDD, six digits');
    }
    if (!out.sscc && (!out.gtin || !out.serial)) {
        throw new Gs1InputError(out.gtin ? 'serial' : 'gtin', 'a pack is identified by its GTIN (01) and serial (21)');
    }
    return out;
}

/** The DSCSA verification path (GS1 Digital Link form) for a pack. */
export function verificationPath(id: PackId): string {
    const base = id.lot
        ? `/verify/01/${id.gtin}/10/${encodeURIComponent(id.lot)}/21/${encodeURIComponent(id.serial ?? '')}`
        : `/verify/01/${id.gtin}/21/${encodeURIComponent(id.serial ?? '')}`;
    return id.expiry ? `${base}?17=${id.expiry}` : base;
}

/** What the pharmacist should do with a verification answer. */
export function verdictOf(answer: { verified: boolean; verificationFailureReason?: string; additionalInfo?: string }): {
    dispense: boolean;
    text: string;
} {
    if (!answer.verified) {
        return {
            dispense: false,
            text: `Refused: ${(answer.verificationFailureReason ?? 'not verified').replace(/_/g, ' ')}`,
        };
    }
    if (answer.additionalInfo) {
        return { dispense: false, text: `Refused: do not dispense — ${answer.additionalInfo.toLowerCase()}` };
    }
    return { dispense: true, text: 'Verified: the identifier is genuine and the pack may be dispensed' };
}
