/**
 * FHIR R4 search parameters CareLedger answers beyond the patient: `date` (with the prefixes
 * eq, ne, lt, le, gt, ge, on the precision written: `2026`, `2026-12`, `2026-12-05`, or a
 * dateTime) and `type` (a token: `code`, `system|code` or `|code`). The chaincode decides which
 * records a caller may list; these only narrow what it returned (docs/standards/fhir.md).
 */

/** A search parameter that breaks FHIR's syntax or asks for what is not supported: the field and the rule. */
export class FhirSearchError extends Error {
    constructor(
        readonly field: string,
        rule: string,
    ) {
        super(`${field} ${rule}`);
    }
}

export type DatePrefix = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** One `date` parameter: the prefix and the half-open interval [start, end) its precision covers. */
export interface DateFilter {
    prefix: DatePrefix;
    start: number;
    end: number;
}

const dateValue =
    /^(eq|ne|lt|le|gt|ge|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Parses one `date` value (FHIR R4 §3.1.1.5.7 dates and prefixes); throws naming `field`. */
export function parseDateFilter(value: string, field = 'query.date'): DateFilter {
    const match = dateValue.exec(value);
    if (!match) {
        throw new FhirSearchError(
            field,
            'must be a FHIR date search value: an optional prefix (eq, ne, lt, le, gt, ge) and YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with a zone',
        );
    }
    const [, prefix = 'eq', year, month, day, hour, minute, second, fraction, zone] = match;
    if (prefix === 'sa' || prefix === 'eb' || prefix === 'ap') {
        throw new FhirSearchError(field, `prefix ${prefix} is not supported here (eq, ne, lt, le, gt, ge are)`);
    }
    if (hour !== undefined && zone === undefined) {
        throw new FhirSearchError(field, 'a dateTime needs its time zone (Z or ±hh:mm)');
    }
    const utc = (y: number, m = 1, d = 1) => Date.UTC(y, m - 1, d);
    const y = Number(year);
    let start: number;
    let end: number;
    if (hour !== undefined) {
        start = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${fraction ?? ''}${zone}`);
        // The precision written: to the minute, the second, or the millisecond.
        end = start + (second === undefined ? 60_000 : fraction === undefined ? 1000 : 1);
    } else if (day !== undefined) {
        start = utc(y, Number(month), Number(day));
        end = start + 86_400_000;
    } else if (month !== undefined) {
        start = utc(y, Number(month));
        end = utc(y, Number(month) + 1);
    } else {
        start = utc(y);
        end = utc(y + 1);
    }
    if (!Number.isFinite(start) || (month !== undefined && (Number(month) < 1 || Number(month) > 12))) {
        throw new FhirSearchError(field, `${value} is not a real date`);
    }
    return { prefix: prefix as DatePrefix, start, end };
}

/** Whether an instant (ISO string) satisfies every date filter (FHIR ANDs repeated parameters). */
export function matchesDates(instant: string, filters: readonly DateFilter[]): boolean {
    const t = Date.parse(instant);
    return filters.every(({ prefix, start, end }) => {
        switch (prefix) {
            case 'eq':
                return t >= start && t < end;
            case 'ne':
                return t < start || t >= end;
            case 'lt':
                return t < start;
            case 'le':
                return t < end;
            case 'gt':
                return t >= end;
            case 'ge':
                return t >= start;
        }
    });
}

/** One `type` token: a code, optionally with its system (`undefined` system: any). */
export interface TokenFilter {
    system?: string;
    code: string;
}

/** Parses a token list (`a,b` means either); throws naming `field`. */
export function parseTokenFilter(value: string, field = 'query.type'): TokenFilter[] {
    return value.split(',').map((token) => {
        const bar = token.indexOf('|');
        const system = bar < 0 ? undefined : token.slice(0, bar);
        const code = bar < 0 ? token : token.slice(bar + 1);
        if (code === '' || code.length > 64 || (system !== undefined && system.length > 256)) {
            throw new FhirSearchError(field, 'must be a token: code, system|code or |code');
        }
        return { system: system === '' ? undefined : system, code };
    });
}

/** Whether a coding matches any of the tokens. */
export function matchesToken(coding: { system?: string; code?: string } | undefined, tokens: readonly TokenFilter[]) {
    return tokens.some((t) => coding?.code === t.code && (t.system === undefined || coding?.system === t.system));
}

/** Query parameters as Fastify hands them: a repeated parameter arrives as an array. */
export function allValues(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
