import { createHash } from 'node:crypto';
import type { JsonObject } from './epcis';

/**
 * The EPCIS event hash of CBV 2.0 (section 8.9.2): `ni:///sha-256;<hex>?ver=CBV2.0`, the
 * SHA-256 of a "pre-hash string" made from the event's fields in a canonical order, values
 * in canonical form. This follows GS1's reference implementation
 * (github.com/RalphTro/epcis-event-hash-generator, the one CBV 2.0 points to) for the fields
 * CareLedger emits: eventTime, eventTimeZoneOffset, parentID, epcList, childEPCs,
 * quantityList, action, bizStep, disposition, readPoint, bizLocation, then the remaining
 * fields (bizTransactionList, sourceList, destinationList, ilmd) sorted as strings. Values
 * are already canonical GS1 Digital Link URIs (id.gs1.org); CBV terms are written as their
 * web vocabulary URIs. tools/validators recomputes every exported eventID with the reference
 * implementation itself.
 */
export function epcisEventHash(event: JsonObject): string {
    return `ni:///sha-256;${createHash('sha256').update(epcisPreHash(event), 'utf8').digest('hex')}?ver=CBV2.0`;
}

const cbv = 'https://ref.gs1.org/cbv/';
const sourceDestinationTypes: Record<string, string> = {
    owning_party: `${cbv}SDT-owning_party`,
    possessing_party: `${cbv}SDT-possessing_party`,
    location: `${cbv}SDT-location`,
};
const ilmdNamespaces: Record<string, string> = { cbvmda: 'urn:epcglobal:cbv:mda:' };

/** The pre-hash string (exported for tests against GS1's reference pre-hashes). */
export function epcisPreHash(event: JsonObject): string {
    const parts = [`eventType=${String(event.type)}`];
    const push = (name: string, value: unknown) => {
        if (value !== undefined && value !== null && String(value).trim() !== '') {
            parts.push(`${name}=${canonical(String(value))}`);
        }
    };
    parts.push(`eventTime=${timestamp(String(event.eventTime))}`);
    push('eventTimeZoneOffset', event.eventTimeZoneOffset);
    push('parentID', event.parentID);
    pushList(
        parts,
        'epcList',
        (event.epcList as string[] | undefined)?.map((epc) => `epc=${canonical(epc)}`),
    );
    pushList(
        parts,
        'childEPCs',
        (event.childEPCs as string[] | undefined)?.map((epc) => `epc=${canonical(epc)}`),
    );
    pushList(
        parts,
        'quantityList',
        (event.quantityList as JsonObject[] | undefined)?.map(
            (q) =>
                `quantityElement` +
                `epcClass=${canonical(String(q.epcClass))}` +
                (q.quantity !== undefined ? `quantity=${canonical(String(q.quantity))}` : '') +
                (q.uom !== undefined ? `uom=${canonical(String(q.uom))}` : ''),
        ),
    );
    push('action', event.action);
    push('bizStep', event.bizStep === undefined ? undefined : vocabulary('BizStep', String(event.bizStep)));
    push('disposition', event.disposition === undefined ? undefined : vocabulary('Disp', String(event.disposition)));
    const readPoint = event.readPoint as JsonObject | undefined;
    if (readPoint?.id) parts.push(`readPointid=${canonical(String(readPoint.id))}`);
    const bizLocation = event.bizLocation as JsonObject | undefined;
    if (bizLocation?.id) parts.push(`bizLocationid=${canonical(String(bizLocation.id))}`);

    // Fields outside the fixed order: each rendered, then all sorted as strings.
    const rest: string[] = [];
    const pairs = (name: string, key: string, list: JsonObject[] | undefined, types: (t: string) => string) => {
        if (!list?.length) return;
        const items = list.map(
            (item) =>
                (item.type !== undefined ? `type=${canonical(types(String(item.type)))}` : '') +
                `${key}=${canonical(String(item[key]))}`,
        );
        rest.push(name + items.sort(compare).join(''));
    };
    pairs('bizTransactionList', 'bizTransaction', event.bizTransactionList as JsonObject[] | undefined, (t) =>
        t.includes(':') ? t : `${cbv}BTT-${t}`,
    );
    pairs('sourceList', 'source', event.sourceList as JsonObject[] | undefined, (t) => sourceDestinationTypes[t] ?? t);
    pairs(
        'destinationList',
        'destination',
        event.destinationList as JsonObject[] | undefined,
        (t) => sourceDestinationTypes[t] ?? t,
    );
    const ilmd = event.ilmd as JsonObject | undefined;
    if (ilmd && Object.keys(ilmd).length > 0) {
        const fields = Object.entries(ilmd).map(([name, value]) => {
            const [prefix, local] = name.split(':');
            const namespace = ilmdNamespaces[prefix];
            if (!namespace || local === undefined) {
                throw new Error(`epcisPreHash: ilmd field ${name} has no known namespace`);
            }
            return `{${namespace}}${local}=${canonical(String(value))}`;
        });
        rest.push(`ilmd${fields.length > 1 ? fields.sort(compare).join('') : fields.join('')}`);
    }
    return parts.join('') + rest.sort(compare).join('');
}

function pushList(parts: string[], name: string, values: string[] | undefined): void {
    if (values && values.length > 0) {
        parts.push(name + values.sort(compare).join(''));
    }
}

/** Code-point order, as Python sorts strings. */
function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A CBV term (bare word) as its web vocabulary URI; URIs (and URNs: old CBV form) pass through. */
function vocabulary(kind: 'BizStep' | 'Disp', value: string): string {
    if (value.startsWith('urn:epcglobal:cbv:bizstep:')) return `${cbv}BizStep-${value.slice(26)}`;
    if (value.startsWith('urn:epcglobal:cbv:disp:')) return `${cbv}Disp-${value.slice(23)}`;
    return value.includes(':') ? value : `${cbv}${kind}-${value}`;
}

/** UTC with millisecond precision and a `Z`, as the reference normalises every time. */
function timestamp(value: string): string {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) {
        throw new Error(`epcisPreHash: ${value} is not an ISO 8601 date-time`);
    }
    return time.toISOString();
}

/**
 * A value's canonical form: trimmed; numbers as the reference writes them (Python `float`
 * then `int` when integral: "007" → "7", "5.0" → "5"). URIs are already canonical here.
 */
function canonical(raw: string): string {
    const text = raw.trim();
    if (!pythonFloatSyntax.test(text) || /^[+-]?(nan|inf(inity)?)$/i.test(text)) {
        return text;
    }
    const value = Number(text.replace(/_/g, ''));
    if (Number.isInteger(value)) {
        return BigInt(value).toString();
    }
    return pythonFloatRepr(value);
}

const pythonFloatSyntax = /^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*|\d(_?\d)*\.)([eE][+-]?\d(_?\d)*)?$/;

/** Python's repr of a non-integral float: shortest digits, exponent form below 1e-4 or from 1e16. */
function pythonFloatRepr(value: number): string {
    const exponent = Math.floor(Math.log10(Math.abs(value)));
    if (exponent < -4 || exponent >= 16) {
        const [mantissa, power] = value.toExponential().split('e');
        const sign = power.startsWith('-') ? '-' : '+';
        return `${mantissa}e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
    }
    return String(value);
}
