import { Roles } from '@careledger/chaincode';
import { LedgerError } from './errors';
import type { Registration } from './ledger';

/**
 * The rules a new user's registration must meet, the same for every identity directory. The
 * user name becomes a certificate CN and a folder name, so it is kept to a safe alphabet; the
 * actor id follows the chaincode's id rule; the role must be one the chaincode knows.
 */
export const userNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const actorIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function checkRegistration<T extends Registration>(registration: T): T {
    const { user, role, actorId } = registration;
    if (typeof user !== 'string' || !userNamePattern.test(user)) {
        throw invalid('user', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    if (!(Roles as readonly string[]).includes(role)) {
        throw invalid('role', `must be one of ${Roles.join(', ')}`);
    }
    if (typeof actorId !== 'string' || !actorIdPattern.test(actorId)) {
        throw invalid(
            'actorId',
            'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
        );
    }
    return registration;
}

export function alreadyRegistered(org: string, user: string): LedgerError {
    return new LedgerError('CONFLICT', `${user} is already registered with the CA of ${org}`, { field: 'user' });
}

function invalid(field: string, rule: string): LedgerError {
    return new LedgerError('INVALID_ARGUMENT', `${field} ${rule}`, { field });
}
