/**
 * Lot expiry as the API takes it: an ISO 8601 calendar date (`2027-12-31`), like every other
 * date of the API, or GS1's own AI (17) form `YYMMDD` (`271231`; DD `00` = the month's last
 * day) as scanned from a pack. The ledger keeps the GS1 form; an ISO date of 2000-2099 is
 * converted to it here, and anything else goes through unchanged so the contract rejects it
 * naming `lot.expiry` and its rule.
 */
export const lotExpiryPattern = '^(\\d{6}|\\d{4}-\\d{2}-\\d{2})$';

export function gs1Expiry(expiry: string): string {
    const iso = /^20(\d{2})-(\d{2})-(\d{2})$/.exec(expiry);
    return iso ? `${iso[1]}${iso[2]}${iso[3]}` : expiry;
}
