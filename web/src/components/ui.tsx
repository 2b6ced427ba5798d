import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { describeError } from '../api/errors';

/** An API or browser error in words: headline, the field at fault, the gateway's detail. */
export function ErrorNotice({ error }: { error: unknown }) {
    if (!error) return null;
    const { headline, field, detail } = describeError(error);
    return (
        <div className="notice error" role="alert">
            <strong>{headline}</strong>
            {field && (
                <span>
                    {' '}
                    — the field at fault: <em className="field-name">{field}</em>
                </span>
            )}
            <div>{detail}</div>
        </div>
    );
}

export function Field(props: { label: string; children: (id: string) => ReactNode; hint?: string }) {
    const id = useId();
    return (
        <div className="field">
            <label htmlFor={id}>{props.label}</label>
            {props.children(id)}
            {props.hint && <small>{props.hint}</small>}
        </div>
    );
}

/** A determinate progress bar (value of max) or an indeterminate one, announced to screen readers. */
export function Progress({ label, value, max }: { label: string; value?: number; max?: number }) {
    return (
        <div className="progress" role="status">
            <span>{label}</span>
            <progress aria-label={label} value={value} max={max} />
            {value !== undefined && max !== undefined && (
                <span>
                    {value} / {max}
                </span>
            )}
        </div>
    );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
    return (
        <section className="card" aria-labelledby={id ?? slug(title)}>
            <h2 id={id ?? slug(title)}>{title}</h2>
            {children}
        </section>
    );
}

export function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
}

/** Loads a bookmark-paged list: the current page, Next and First. */
export function usePaged<T>(load: (bookmark?: string) => Promise<{ items: T[]; bookmark: string }>, deps: unknown[]) {
    const [pages, setPages] = useState<string[]>(['']);
    const [state, setState] = useState<{ items: T[]; next: string; error?: unknown; loading: boolean }>({
        items: [],
        next: '',
        loading: true,
    });
    const current = pages[pages.length - 1];
    const reload = useCallback(() => {
        setState((s) => ({ ...s, loading: true }));
        load(current || undefined).then(
            (page) => setState({ items: page.items, next: page.bookmark, loading: false }),
            (error: unknown) => setState({ items: [], next: '', error, loading: false }),
        );
    }, [current, ...deps]);
    useEffect(reload, [reload]);
    return {
        ...state,
        reload,
        hasPrevious: pages.length > 1,
        nextPage: () => state.next && setPages((p) => [...p, state.next]),
        previousPage: () => setPages((p) => (p.length > 1 ? p.slice(0, -1) : p)),
    };
}

export function Pager({ paged, label }: { paged: ReturnType<typeof usePaged<unknown>>; label: string }) {
    if (!paged.hasPrevious && !paged.next) return null;
    return (
        <nav className="pager" aria-label={`${label} pages`}>
            <button type="button" onClick={paged.previousPage} disabled={!paged.hasPrevious}>
                Previous page
            </button>
            <button type="button" onClick={paged.nextPage} disabled={!paged.next}>
                Next page
            </button>
        </nav>
    );
}

/** Runs an action, keeping its error and busy state for the form that triggered it. */
export function useAction() {
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<unknown>();
    const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
        setBusy(true);
        setError(undefined);
        try {
            return await action();
        } catch (e) {
            setError(e);
            return undefined;
        } finally {
            setBusy(false);
        }
    }, []);
    return { busy, error, run, setError };
}

export function download(name: string, content: string, type: string): void {
    const url = URL.createObjectURL(new Blob([content], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** RFC 4180 CSV of objects (columns from the first row's keys unless given). */
export function toCsv(rows: Array<Record<string, unknown>>, columns?: string[]): string {
    const cols = columns ?? Object.keys(rows[0] ?? {});
    const cell = (v: unknown) => {
        const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

export function when(iso?: string): string {
    if (!iso) return '';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A wide table that scrolls sideways on a phone; focusable so keyboard users can scroll it too. */
export function Scroll({ label, children }: { label: string; children: ReactNode }) {
    return (
        <div className="scroll" tabIndex={0} role="group" aria-label={label}>
            {children}
        </div>
    );
}
