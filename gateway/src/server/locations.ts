import type { FastifyInstance } from 'fastify';

/**
 * Every create answers 201 with a `Location` naming what it made (docs/http.md). The resource's
 * URL is built here from the answer, once for every create route, so route handlers stay about
 * their domain.
 */
type Body = Record<string, unknown> & { record?: { id?: string } };

const seg = (value: unknown): string => encodeURIComponent(String(value));

export const createdLocations: Readonly<Record<string, (body: Body) => string | undefined>> = {
    'POST /ehr/records': (b) => (b.record?.id ? `/ehr/records/${seg(b.record.id)}` : undefined),
    'POST /ehr/records/:id/amend': (b) => (b.record?.id ? `/ehr/records/${seg(b.record.id)}` : undefined),
    'POST /ehr/consents': (b) => (b.id ? `/ehr/consents/${seg(b.id)}` : undefined),
    'POST /ehr/delegates': (b) =>
        b.mspId && b.actorId ? `/ehr/delegates/${seg(b.mspId)}/${seg(b.actorId)}` : undefined,
    'POST /documents': (b) => (b.recordId ? `/documents/${seg(b.recordId)}` : undefined),
    'POST /credentials': (b) => (b.id ? `/credentials/${seg(b.id)}` : undefined),
    'POST /credentials/:id/renew': (b) => (b.id ? `/credentials/${seg(b.id)}` : undefined),
    'POST /credentials/issuers': (b) => (b.mspId ? `/credentials/issuers?mspId=${seg(b.mspId)}` : undefined),
    'POST /supply/products': (b) => (b.gtin ? `/supply/products/${seg(b.gtin)}` : undefined),
    'POST /supply/lots': (b) => (b.gtin && b.lot ? `/supply/lots/${seg(b.gtin)}/${seg(b.lot)}` : undefined),
    'POST /webhooks': (b) => (b.id ? `/webhooks/${seg(b.id)}` : undefined),
};

export function installCreatedLocations(app: FastifyInstance): void {
    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
        if (reply.statusCode === 201 && payload && typeof payload === 'object' && !reply.hasHeader('location')) {
            const location = createdLocations[`${request.method} ${request.routeOptions.url}`]?.(payload as Body);
            if (location) {
                reply.header('location', location);
            }
        }
        return payload;
    });
}
