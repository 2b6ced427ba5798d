/**
 * The demo world's fixed contents: who is licensed, which partners trade, the product, lot and
 * units, the patient's record and consent. Ids are fixed so seeding twice changes nothing and
 * the README and the start-up banner can name them.
 */
export const DemoWorld = {
    /** Credential types the regulator trusts itself to issue to any org's practitioners. */
    regulatorIssues: ['MedicalLicense', 'NursingLicense', 'PharmacistLicense'],
    /** Each org's admin issues ClinicalPrivileges to its own practitioners. */
    ownOrgIssues: { type: 'ClinicalPrivileges', mspIds: ['HospitalMSP'] },
    /**
     * physician2 stays unlicensed: the scenario suite reserves it on a shared Fabric network, and
     * it shows the credential gate refusing.
     */
    licences: [
        { type: 'MedicalLicense', mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
        { type: 'NursingLicense', mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' },
        { type: 'PharmacistLicense', mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' },
        { type: 'PharmacistLicense', mspId: 'PharmacyMSP', actorId: 'prac-phar-0001' },
    ],
    partners: [
        { mspId: 'ManufacturerMSP', kind: 'manufacturer' },
        { mspId: 'DistributorMSP', kind: 'distributor' },
        { mspId: 'HospitalMSP', kind: 'dispenser' },
        { mspId: 'PharmacyMSP', kind: 'dispenser' },
    ],
    product: { gtin: '09506000134352', name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' },
    /** GS1 expiry YYMMDD (31 December 2030). */
    lot: { gtin: '09506000134352', lot: 'DEMO-1', expiry: '301231', quantity: 100 },
    serials: Array.from({ length: 10 }, (_, i) => `DEMO${String(i + 1).padStart(4, '0')}`),
    /** Units the manufacturer has shipped to the distributor, who received them. */
    shippedToDistributor: 4,
    patients: ['patient1', 'patient2'],
    record: {
        id: 'demo-rec-0001',
        patientId: 'pat-7c1e04a9',
        type: { system: 'http://loinc.org', code: '11506-3', display: 'Progress note' },
        contentType: 'text/plain',
        content: 'Demo progress note: no real patient data.\n',
    },
    consent: {
        id: 'demo-consent-0001',
        grantee: { mspId: 'HospitalMSP' },
        // The demo record only: on a shared network nothing else of patient1's becomes readable.
        scope: { kind: 'records' as const, recordIds: ['demo-rec-0001'] },
        purposes: ['TREAT'],
        period: { end: '2030-12-31T00:00:00.000Z' },
    },
} as const;

/** The GS1 element string of demo unit `n` (1-based): what a scanner reads. */
export function demoUnit(n = 1): string {
    const { gtin, lot, expiry } = DemoWorld.lot;
    return `(01)${gtin}(17)${expiry}(10)${lot}(21)${DemoWorld.serials[n - 1]}`;
}
