/**
 * GS1 identifiers as the URIs EPCIS 2.0 and DSCSA verification accept. GS1 Digital Link
 * URIs are used rather than EPC URNs because they need no GS1 company-prefix length, which
 * the ledger does not record.
 */
const resolver = 'https://id.gs1.org';

/** A serialised unit (SGTIN): `https://id.gs1.org/01/{gtin}/21/{serial}`. */
export function sgtinUri(gtin: string, serial: string): string {
    return `${resolver}/01/${gtin}/21/${encodeURIComponent(serial)}`;
}

/** A lot of a product (LGTIN), used as an EPCIS `epcClass`. */
export function lgtinUri(gtin: string, lot: string): string {
    return `${resolver}/01/${gtin}/10/${encodeURIComponent(lot)}`;
}

/** A logistic unit (case, pallet) by its SSCC. */
export function ssccUri(sscc: string): string {
    return `${resolver}/00/${sscc}`;
}

/** A physical location (a site) by its GLN, GS1 AI 414: readPoint, bizLocation, `location`. */
export function glnUri(gln: string): string {
    return `${resolver}/414/${gln}`;
}

/** A party (an organisation) by its GLN, GS1 AI 417: `owning_party` / `possessing_party`. */
export function partyGlnUri(gln: string): string {
    return `${resolver}/417/${gln}`;
}

/** The full DSCSA product identifier as a Digital Link URI, expiry as YYMMDD. */
export function productIdentifierUri(id: { gtin: string; serial: string; lot?: string; expiry?: string }): string {
    const path = `${resolver}/01/${id.gtin}${id.lot ? `/10/${encodeURIComponent(id.lot)}` : ''}/21/${encodeURIComponent(id.serial)}`;
    return id.expiry ? `${path}?17=${id.expiry}` : path;
}

/** Parses the Digital Link of a serialised unit; `undefined` when it is not one. */
export function parseProductIdentifierUri(
    uri: string,
): { gtin: string; serial: string; lot?: string; expiry?: string } | undefined {
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        return undefined;
    }
    const match = /^\/01\/(\d{14})(?:\/10\/([^/]+))?\/21\/([^/]+)$/.exec(url.pathname);
    if (!match) {
        return undefined;
    }
    const expiry = url.searchParams.get('17') ?? undefined;
    return {
        gtin: match[1],
        lot: match[2] && decodeURIComponent(match[2]),
        serial: decodeURIComponent(match[3]),
        expiry: expiry && /^\d{6}$/.test(expiry) ? expiry : undefined,
    };
}

/** A GS1 date YYMMDD (DD may be 00: end of month) as an ISO date. */
export function gs1DateToIso(yymmdd: string): string {
    const year = 2000 + Number(yymmdd.slice(0, 2));
    const month = Number(yymmdd.slice(2, 4));
    let day = Number(yymmdd.slice(4, 6));
    if (day === 0) {
        day = new Date(Date.UTC(year, month, 0)).getUTCDate();
    }
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
