import { RegulatorMsp, supply } from '@careledger/chaincode';
import { LedgerError } from '../ledger';

/**
 * Who may see what in the history index: the one place this is decided, for every route,
 * CLI command and report. It follows the chaincode's roles, taken from the caller's certificate
 * as the chaincode reports it (system:WhoAmI), never from request input:
 * - an inspector or admin of the regulator sees the whole consortium, except the EHR access
 *   audit, which the chaincode opens to the regulator's inspectors only (ListAuditByPatient);
 * - a patient sees their own trail (audit entries about them), nothing else;
 * - anyone else sees their own org's rows: transactions it submitted, units it held or made;
 *   accesses by or to it only for its staff (physician, nurse, admin: the chaincode's
 *   isStaffOf, who read a custodian's trails); credentials it issued or holds only for its
 *   admins, while any other member sees the credentials it holds itself and those its org
 *   issued through the member's role (the chaincode's requireHistoryReader);
 * - supply trade data (units it held or made, lot whereabouts, recall reach, suspect cases) only
 *   for an org's trading roles (operator, pharmacist, admin), as on the ledger (chaincode
 *   supply/access.ts, mayReadTradeData): DSCSA transaction information is confidential between
 *   trading partners and the regulator, so a hospital's physician, nurse or patient reads none.
 * - Recall notices are public (the ledger's GetLot shows a lot's recall to every member): every
 *   viewer sees which lots are recalled, when and by whom; the reach of a recall is trade data.
 */
export interface Viewer {
    mspId: string;
    role?: string;
    actorId?: string;
}

export type Scope =
    | { kind: 'consortium'; role: 'inspector' | 'admin' }
    | { kind: 'org'; mspId: string; role?: string; actorId?: string }
    | { kind: 'patient'; patientId: string };

/** The chaincode's staff of an org (ehr/readers.ts isStaffOf): who read the trails of its records. */
const staffRoles = ['physician', 'nurse', 'admin'];

export function scopeOf(viewer: Viewer): Scope {
    if (viewer.mspId === RegulatorMsp && (viewer.role === 'inspector' || viewer.role === 'admin')) {
        return { kind: 'consortium', role: viewer.role };
    }
    if (viewer.role === 'patient') {
        if (!viewer.actorId) {
            throw forbidden("a patient's certificate without careledger.id sees no trail");
        }
        return { kind: 'patient', patientId: viewer.actorId };
    }
    return { kind: 'org', mspId: viewer.mspId, role: viewer.role, actorId: viewer.actorId };
}

/** Supply trade data (custody, lot whereabouts, recall reach, suspect cases): the regulator and trading roles. */
export function seesTradeData(scope: Scope): boolean {
    return scope.kind === 'consortium' || (scope.kind === 'org' && supply.isTradingRole(scope));
}

const tradeSubjects: ReadonlySet<Subject> = new Set(['supply', 'suspectCases']);

function forbidden(detail: string): LedgerError {
    return new LedgerError('FORBIDDEN', detail);
}

/** The families of questions the index answers; each has its own rule for each scope. */
export type Subject = 'transactions' | 'audit' | 'supply' | 'suspectCases' | 'credentials' | 'index';

/**
 * An SQL condition (with its parameters appended to `params`) that limits rows of `subject`
 * to what `scope` may see; throws FORBIDDEN when the scope may see none of them.
 * Column expressions name the alias the query uses: `t` transactions, `a` audit entries
 * (history_state docs), `u` units or containers, `ot`/`ct` the transactions that opened and
 * closed a suspect case, `c` credentials.
 */
export function visibleRows(scope: Scope, subject: Subject, params: unknown[]): string {
    if (scope.kind === 'consortium') {
        if (subject === 'audit' && scope.role !== 'inspector') {
            // The chaincode opens patients' trails to the regulator's inspectors only; its admin is staff of its own org.
            return visibleRows({ kind: 'org', mspId: RegulatorMsp, role: scope.role }, subject, params);
        }
        return 'TRUE';
    }
    const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
    };
    if (scope.kind === 'patient') {
        if (subject !== 'audit') {
            throw forbidden(`a patient sees only their own access trail, not ${subject}`);
        }
        return `a.doc->'entity'->>'patientId' = ${param(scope.patientId)}`;
    }
    if (tradeSubjects.has(subject) && !supply.isTradingRole(scope)) {
        throw forbidden(
            `${subject} is supply trade data: the regulator and the operators, pharmacists and admins of the trading partners see it; caller is ${scope.role ?? 'no role'} of ${scope.mspId}`,
        );
    }
    const msp = param(scope.mspId);
    switch (subject) {
        case 'transactions':
            return `t.creator_msp = ${msp}`;
        case 'audit':
            if (!scope.role || !staffRoles.includes(scope.role)) {
                throw forbidden(
                    `the EHR access audit is for the patient, the staff (${staffRoles.join(', ')}) of the orgs involved and the regulator's inspectors; caller is ${scope.role ?? 'no role'} of ${scope.mspId}`,
                );
            }
            return `(a.doc->'agent'->>'mspId' = ${msp} OR a.doc->'entity'->>'custodianMsp' = ${msp})`;
        case 'supply':
            return `(u.doc->>'custodian' = ${msp} OR u.doc->>'manufacturer' = ${msp} OR u.doc->>'destination' = ${msp})`;
        case 'credentials': {
            if (scope.role === 'admin') {
                return `(c.doc->'issuer'->>'mspId' = ${msp} OR c.doc->'subject'->>'mspId' = ${msp})`;
            }
            if (!scope.role || !scope.actorId) {
                throw forbidden(`credentials are read by the regulator, their subject and the admins of its org`);
            }
            // Its own, and what its org issued if the issuer registry lists the member's role for the type.
            const issuerKey = `'["credentials.issuer",' || to_json(c.doc->'issuer'->>'mspId')::text || ',' || to_json(c.doc->>'type')::text || ']'`;
            return `((c.doc->'subject'->>'mspId' = ${msp} AND c.doc->'subject'->>'actorId' = ${param(scope.actorId)})
                OR (c.doc->'issuer'->>'mspId' = ${msp} AND EXISTS (SELECT 1 FROM history_state i
                    WHERE i.key = ${issuerKey} AND i.doc->'roles' @> jsonb_build_array(${param(scope.role)}::text))))`;
        }
        case 'suspectCases':
            return `(ot.creator_msp = ${msp} OR ct.creator_msp = ${msp})`;
        case 'index':
            return 'TRUE';
    }
}

/**
 * Reading a key's value (GET /history/keys) is reading the object itself, so the object's rule
 * applies on top of the org-rows rule: a supply key is trade data; an EHR key (pointer, consent,
 * audit entry, enrolment) is read through the index by the regulator's inspectors only — everyone
 * else reads EHR objects through the EHR routes, where the chaincode decides per object (a
 * hospital's nurse may not read its patients' consents, which their own transactions wrote).
 */
export function requireKeyVisible(scope: Scope, objectType: string | undefined): void {
    if (objectType?.startsWith('supply.')) {
        visibleRows(scope, 'supply', []);
    }
    if (objectType?.startsWith('ehr.') && !(scope.kind === 'consortium' && scope.role === 'inspector')) {
        throw forbidden(`${objectType} keys are read through the EHR routes, which decide per object`);
    }
}

/** A filter naming another org than the viewer's own is refused rather than silently emptied. */
export function requireOwnOrg(scope: Scope, field: string, mspId: string | undefined): void {
    if (mspId !== undefined && scope.kind === 'org' && mspId !== scope.mspId) {
        throw new LedgerError('FORBIDDEN', `${field}: ${scope.mspId} sees only its own rows, not ${mspId}'s`, {
            field,
        });
    }
    if (mspId !== undefined && scope.kind === 'patient') {
        throw new LedgerError('FORBIDDEN', `${field}: a patient sees only their own trail`, { field });
    }
}

/** Operating the index (catch-up, verify) is for admins of the org that runs it, and the regulator. */
export function requireOperator(viewer: Viewer, indexMspId: string): void {
    const scope = scopeOf(viewer);
    if (scope.kind === 'consortium') {
        return;
    }
    if (viewer.role !== 'admin' || viewer.mspId !== indexMspId) {
        throw forbidden(
            `requires an admin of ${indexMspId} or the regulator; caller is ${viewer.role ?? 'no role'} of ${viewer.mspId}`,
        );
    }
}
