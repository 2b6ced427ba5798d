import { DemoWorld } from './world';

/** A demo user of network/consortium.json, as the start-up banner lists them. */
export interface Persona {
    org: string;
    user: string;
    role: string;
    /** Pseudonymous practitioner or patient id (careledger.id). */
    id: string;
}

/** A first call that succeeds at once for the persona on a freshly seeded demo world. */
export interface FirstCall {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    /** What it shows, for the banner. */
    shows: string;
}

const { product, lot, record, serials } = DemoWorld;
const lotPath = `/supply/lots/${product.gtin}/${encodeURIComponent(lot.lot)}`;

/** The persona's first call, chosen for what their role does. */
export function firstCall(persona: Persona): FirstCall {
    switch (`${persona.org}/${persona.user}`) {
        case 'hospital/physician1':
            return {
                method: 'GET',
                path: `/documents/${record.id}?purpose=TREAT`,
                shows: "patient1's progress note (audited read under patient1's consent)",
            };
        case 'hospital/patient1':
            return { method: 'GET', path: '/ehr/patients/me/audit', shows: 'who read my records' };
        case 'hospital/physician2':
            return {
                method: 'GET',
                path: '/practitioners/HospitalMSP/prac-hosp-0002/standing/MedicalLicense',
                shows: 'my MedicalLicense: none yet (the credential gate would refuse me)',
            };
        case 'hospital/patient2':
            return { method: 'GET', path: '/ehr/patients/me/consents', shows: 'my consents (none yet)' };
        case 'manufacturer/operator1':
            return { method: 'GET', path: `${lotPath}/history`, shows: `lot ${lot.lot}: commissioning and shipment` };
        case 'distributor/operator1':
            return { method: 'GET', path: '/supply/partners', shows: 'the authorised trading partners' };
        case 'regulator/inspector1':
            return { method: 'GET', path: `${lotPath}/whereabouts`, shows: `where every unit of lot ${lot.lot} is` };
    }
    switch (persona.role) {
        case 'physician':
        case 'nurse':
        case 'pharmacist': {
            const licence = DemoWorld.licences.find((l) => l.actorId === persona.id);
            if (licence) {
                return {
                    method: 'GET',
                    path: `/practitioners/${licence.mspId}/${persona.id}/standing/${licence.type}`,
                    shows: `my ${licence.type} (valid)`,
                };
            }
            break;
        }
        case 'operator':
            return {
                method: 'GET',
                path: `/verify/01/${product.gtin}/10/${encodeURIComponent(lot.lot)}/21/${serials[serials.length - 1]}`,
                shows: 'DSCSA verification of a demo unit',
            };
    }
    return { method: 'GET', path: '/system/whoami', shows: 'who the chaincode sees' };
}

/** The demo users of `orgs` in network/consortium.json (addable orgs included), admins last. */
export function personasOf(consortium: ConsortiumFile, orgs: readonly string[]): Persona[] {
    const all = [...consortium.orgs, ...(consortium.addableOrgs ?? [])];
    return orgs.flatMap((org) => {
        const users = all.find((o) => o.org === org)?.users ?? [];
        const ordered = [...users.filter((u) => u.role !== 'admin'), ...users.filter((u) => u.role === 'admin')];
        return ordered.map((u) => ({ org, user: u.name, role: u.role, id: u.id }));
    });
}

export interface ConsortiumFile {
    orgs: Array<{ org: string; users: Array<{ name: string; role: string; id: string }> }>;
    addableOrgs?: Array<{ org: string; users: Array<{ name: string; role: string; id: string }> }>;
}
