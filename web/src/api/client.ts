import { ApiError } from './errors';
import { EventStreamParser, type ServerEvent } from './sse';

/** Who the app acts as: a bearer token at a gateway. Switching persona is switching this. */
export interface Credentials {
    baseUrl: string;
    token: string;
}

/** A page of a list route: `items` and the `bookmark` of the next page ('' at the end). */
export interface Page<T> {
    items: T[];
    bookmark: string;
}

/** The REST API and its event stream, as one persona. */
export class Api {
    constructor(readonly credentials: Credentials) {}

    url(path: string): string {
        return `${this.credentials.baseUrl.replace(/\/$/, '')}${path}`;
    }

    async request<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
        const response = await fetch(this.url(path), {
            method,
            headers: {
                accept,
                authorization: `Bearer ${this.credentials.token}`,
                ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            body: body !== undefined ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        const parsed: unknown =
            text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
        if (!response.ok) {
            const error = (parsed && typeof parsed === 'object' ? parsed : {}) as {
                code?: string;
                message?: string;
                field?: string;
            };
            throw new ApiError(
                response.status,
                error.code ?? `HTTP_${response.status}`,
                error.message ?? (typeof parsed === 'string' && parsed ? parsed : response.statusText),
                error.field,
            );
        }
        return parsed as T;
    }

    get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query ?? {})) {
            if (value !== undefined && value !== '') params.set(key, String(value));
        }
        const search = params.toString();
        return this.request<T>('GET', search ? `${path}?${search}` : path);
    }

    post<T>(path: string, body: unknown = {}): Promise<T> {
        return this.request<T>('POST', path, body);
    }

    /**
     * Follows /events (server-sent events) with the bearer token; reconnects from the last event
     * seen. Returns a function that stops it.
     */
    follow(options: { names?: string; from?: string }, onEvent: (event: ServerEvent) => void): () => void {
        const controller = new AbortController();
        let last: string | undefined;
        const run = async () => {
            while (!controller.signal.aborted) {
                try {
                    const params = new URLSearchParams();
                    if (options.names) params.set('names', options.names);
                    if (!last && options.from) params.set('from', options.from);
                    const response = await fetch(this.url(`/events?${params}`), {
                        headers: {
                            accept: 'text/event-stream',
                            authorization: `Bearer ${this.credentials.token}`,
                            ...(last ? { 'last-event-id': last } : {}),
                        },
                        signal: controller.signal,
                    });
                    if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
                    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
                    const parser = new EventStreamParser();
                    for (;;) {
                        const { value, done } = await reader.read();
                        if (done) break;
                        for (const event of parser.push(value)) {
                            if (event.id) last = event.id;
                            onEvent(event);
                        }
                    }
                } catch {
                    if (controller.signal.aborted) return;
                }
                await new Promise((r) => setTimeout(r, 2000));
            }
        };
        void run();
        return () => controller.abort();
    }
}
