import type { FastifyError, FastifyInstance } from 'fastify';
import { LedgerError } from '../ledger';

/**
 * Every error response has one shape: `{ code, field?, message, transactionId? }`. The HTTP
 * status comes from the typed error (`LedgerError.httpStatus`); schema failures are
 * INVALID_ARGUMENT naming the offending field, like a contract's own validation.
 */
export const errorBodySchema = {
    $id: 'ErrorBody',
    type: 'object',
    required: ['code', 'message'],
    properties: {
        code: {
            type: 'string',
            description:
                'INVALID_ARGUMENT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, MVCC_CONFLICT, UNAVAILABLE, TIMEOUT, ...',
        },
        field: { type: 'string', description: 'The input field that broke a rule, when one did.' },
        message: { type: 'string' },
        transactionId: { type: 'string' },
    },
} as const;

export interface ErrorBody {
    code: string;
    field?: string;
    message: string;
    transactionId?: string;
}

/** Responses every authenticated route may give besides its own, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
    return Object.fromEntries(statuses.map((status) => [status, { $ref: 'ErrorBody#' }]));
}

export const commonErrors = [400, 401, 403, 404, 409, 500, 503, 504];

export function unauthenticated(detail: string): LedgerError {
    return new LedgerError('UNAUTHENTICATED', detail);
}

export function forbiddenHere(detail: string): LedgerError {
    return new LedgerError('FORBIDDEN', detail);
}

export function invalidInput(field: string, detail: string): LedgerError {
    return new LedgerError('INVALID_ARGUMENT', detail, { field });
}

export function notFoundHere(detail: string): LedgerError {
    return new LedgerError('NOT_FOUND', detail);
}

export function installErrorHandler(app: FastifyInstance): void {
    app.setErrorHandler((error: FastifyError | LedgerError, request, reply) => {
        if (error instanceof LedgerError) {
            if (error.httpStatus >= 500) {
                request.log.error({ err: error }, 'ledger error');
            }
            const body: ErrorBody = {
                code: error.code,
                message: error.detail,
                ...(error.field ? { field: error.field } : {}),
                ...(error.transactionId ? { transactionId: error.transactionId } : {}),
            };
            return reply.status(error.httpStatus).send(body);
        }
        if (error.validation) {
            const first = error.validation[0];
            const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
            const where = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
            const field = [error.validationContext, where, missing].filter(Boolean).join('.');
            return reply.status(400).send({
                code: 'INVALID_ARGUMENT',
                field,
                message: `${field} ${first?.message ?? 'is invalid'}`,
            } satisfies ErrorBody);
        }
        if (error.statusCode && error.statusCode < 500) {
            return reply.status(error.statusCode).send({
                code: error.statusCode === 413 ? 'INVALID_ARGUMENT' : (error.code ?? 'BAD_REQUEST'),
                message: error.message,
            } satisfies ErrorBody);
        }
        request.log.error({ err: error }, 'unhandled error');
        return reply.status(500).send({ code: 'INTERNAL', message: 'internal error' } satisfies ErrorBody);
    });
    app.setNotFoundHandler((request, reply) => {
        reply.status(404).send({
            code: 'NOT_FOUND',
            message: `no route ${request.method} ${request.url.split('?')[0]}`,
        } satisfies ErrorBody);
    });
}
