import type { FastifyInstance } from 'fastify';
import { invalidInput } from './errors';

/**
 * Pagination bookmarks on the wire are base64url: the ledger's own bookmarks are composite keys
 * with NUL separators, which do not belong in a URL or a JSON document a client logs. Every
 * response's top-level `bookmark` is encoded here and every `?bookmark=` decoded, so routes and
 * clients of the ledger keep the ledger's form. An empty bookmark (first or last page) stays empty.
 */
const prefix = 'b1.';

export function encodeBookmark(raw: string): string {
    return raw === '' ? '' : `${prefix}${Buffer.from(raw, 'utf8').toString('base64url')}`;
}

export function decodeBookmark(wire: string): string {
    if (wire === '') {
        return '';
    }
    const body = wire.startsWith(prefix) ? wire.slice(prefix.length) : undefined;
    if (body === undefined || !/^[A-Za-z0-9_-]*$/.test(body)) {
        throw invalidInput('query.bookmark', 'must be a bookmark this API returned (b1. and base64url)');
    }
    return Buffer.from(body, 'base64url').toString('utf8');
}

export function installBookmarkCodec(app: FastifyInstance): void {
    app.addHook('preValidation', async (request) => {
        const query = request.query as Record<string, unknown> | undefined;
        if (query && typeof query.bookmark === 'string') {
            query.bookmark = decodeBookmark(query.bookmark);
        }
    });
    app.addHook('preSerialization', async (_request, _reply, payload: unknown) => {
        if (payload && typeof payload === 'object' && !Array.isArray(payload) && !Buffer.isBuffer(payload)) {
            const page = payload as { bookmark?: unknown };
            if (typeof page.bookmark === 'string') {
                return { ...page, bookmark: encodeBookmark(page.bookmark) };
            }
        }
        return payload;
    });
}
