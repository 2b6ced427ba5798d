import type { Coding } from './types';

/**
 * Code systems and codes the EHR domain speaks. Keeping them here means every stored code is
 * from a published vocabulary, and the gateway can render them without guessing.
 */
export const LoincSystem = 'http://loinc.org';
/** A LOINC code: digits, a dash and the mod-10 check digit, e.g. 11506-3. */
export const LoincCodePattern = /^\d{1,7}-\d$/;

/** LOINC's check digit of the digits before the dash: the Luhn (mod 10) algorithm. */
export function loincCheckDigit(digits: string): number {
    const sum = [...digits].reverse().reduce((total, char, i) => {
        const doubled = i % 2 === 0 ? Number(char) * 2 : Number(char);
        return total + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
    return (10 - (sum % 10)) % 10;
}

export const ActReasonSystem = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** Purposes of use a consent may permit and an access may state (v3-ActReason). */
export const ConsentPurposes = [
    'TREAT', // treatment
    'ETREAT', // emergency treatment
    'CAREMGT', // care management
    'HRESCH', // healthcare research
    'PUBHLTH', // public health
    'HPAYMT', // healthcare payment
    'HOPERAT', // healthcare operations
    'PATRQT', // patient requested
] as const;
export type ConsentPurpose = (typeof ConsentPurposes)[number];

/** Break the glass: reserved for emergency overrides, never grantable in a consent. */
export const BreakGlassPurpose = 'BTG';

const DicomSystem = 'http://dicom.nema.org/resources/ontology/DCM';

/** AuditEvent.type of an ordinary read of a record. */
export const PatientRecordEvent: Coding = { system: DicomSystem, code: '110110', display: 'Patient Record' };
/** AuditEvent.type of a break-glass read. */
export const SecurityAlertEvent: Coding = { system: DicomSystem, code: '110113', display: 'Security Alert' };
/** AuditEvent.subtype of a break-glass read. */
export const EmergencyOverrideStarted: Coding = {
    system: DicomSystem,
    code: '110127',
    display: 'Emergency Override Started',
};

/**
 * Public categories of a break-glass reason. The free-text reason may describe the patient's
 * condition, so it travels in transient data and only its salted digest and this category are kept.
 */
export const BreakGlassReasonCodes = ['life-threatening', 'unconscious', 'incapacitated', 'other-emergency'] as const;
export type BreakGlassReasonCode = (typeof BreakGlassReasonCodes)[number];

/** Credential a clinician of each role must hold to register, amend or read records. */
export const RequiredCredential: Readonly<Record<string, string>> = {
    physician: 'MedicalLicense',
    nurse: 'NursingLicense',
};
