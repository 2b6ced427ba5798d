/** One server-sent event as /events sends it: id = resume position, event = chaincode event name. */
export interface ServerEvent {
    id?: string;
    event: string;
    data: string;
}

/**
 * Parses a text/event-stream incrementally (EventSource cannot send the bearer token, so the
 * app reads /events with fetch). Feed it chunks; it returns the complete events seen so far.
 */
export class EventStreamParser {
    private buffer = '';

    push(chunk: string): ServerEvent[] {
        this.buffer += chunk.replace(/\r\n?/g, '\n');
        const events: ServerEvent[] = [];
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
            const block = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            const event: ServerEvent = { event: 'message', data: '' };
            const data: string[] = [];
            for (const line of block.split('\n')) {
                if (!line || line.startsWith(':')) continue;
                const colon = line.indexOf(':');
                const name = colon < 0 ? line : line.slice(0, colon);
                const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
                if (name === 'data') data.push(value);
                else if (name === 'event') event.event = value;
                else if (name === 'id') event.id = value;
            }
            if (data.length) {
                event.data = data.join('\n');
                events.push(event);
            }
        }
        return events;
    }
}
