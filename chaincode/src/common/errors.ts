/**
 * Typed contract errors. Every rejection a contract makes is one of these codes, so the
 * gateway can map it to a typed client error and an HTTP status without parsing prose.
 *
 * The code travels to the client inside the chaincode's error message, which is the only
 * channel Fabric gives a failed endorsement. The message format is:
 *
 *     CODE(field): human readable rule
 *     CODE: human readable rule
 *
 * @example
 * throw invalidArgument('gtin', 'GTIN-14 check digit must be 3, got 4');
 * // message: "INVALID_ARGUMENT(gtin): GTIN-14 check digit must be 3, got 4"
 */
export const ErrorCodes = ['INVALID_ARGUMENT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;
export type ContractErrorCode = (typeof ErrorCodes)[number];

export class ContractError extends Error {
    constructor(
        readonly code: ContractErrorCode,
        readonly detail: string,
        readonly field?: string,
    ) {
        super(formatContractError(code, detail, field));
        this.name = 'ContractError';
    }
}

/**
 * A field can carry a client's own text (an unknown key of a JSON argument: `record.<key>`), so
 * `)` and `\\` in it are escaped with a backslash: a key such as `kB)}` must not end the field
 * early and leave a message no one can parse (the fuzz run found it: an untyped error).
 */
export function formatContractError(code: ContractErrorCode, detail: string, field?: string): string {
    return field ? `${code}(${field.replace(/[\\)]/g, (c) => `\\${c}`)}): ${detail}` : `${code}: ${detail}`;
}

export interface ParsedContractError {
    code: ContractErrorCode;
    field?: string;
    detail: string;
}

const shimArityPattern = /Expected (\d+) parameters, but (\d+) have been supplied/;

const errorPattern = new RegExp(`(${ErrorCodes.join('|')})(?:\\(((?:[^)\\\\]|\\\\[\\s\\S])*)\\))?: (.*)$`, 's');

/**
 * Finds a contract error inside any text that carries it: the raw message, or a peer's
 * wrapped "chaincode response 500, ..." form.
 */
export function parseContractError(text: string): ParsedContractError | undefined {
    const match = errorPattern.exec(text);
    if (!match) {
        // fabric-shim checks the argument count before any contract code runs, in its own words.
        const arity = shimArityPattern.exec(text);
        return arity
            ? { code: 'INVALID_ARGUMENT', field: 'args', detail: `expected ${arity[1]} arguments, got ${arity[2]}` }
            : undefined;
    }
    const [, code, field, detail] = match;
    return { code: code as ContractErrorCode, field: field ? field.replace(/\\([\s\S])/g, '$1') : undefined, detail };
}

export function invalidArgument(field: string, rule: string): ContractError {
    return new ContractError('INVALID_ARGUMENT', rule, field);
}

export function forbidden(rule: string): ContractError {
    return new ContractError('FORBIDDEN', rule);
}

/** `field` names the argument that named it, when it is one item of a list (`shipment.items[3]`). */
export function notFound(what: string, id: string, field?: string): ContractError {
    return new ContractError('NOT_FOUND', `${what} ${id} does not exist`, field);
}

export function conflict(rule: string, field?: string): ContractError {
    return new ContractError('CONFLICT', rule, field);
}
