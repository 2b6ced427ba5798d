/**
 * Organisations whose role is fixed by the consortium agreement. Every other org is a
 * trading partner or care provider identified by its MSP id alone.
 */
export const RegulatorMsp = 'RegulatorMSP';

/** Fabric's implicit private data collection of one org: only its peers hold the values. */
export function implicitCollection(mspId: string): string {
    return `_implicit_org_${mspId}`;
}
