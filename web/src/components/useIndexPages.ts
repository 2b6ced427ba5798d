import { useCallback, useEffect, useState } from 'react';
import type { IndexPage } from '../api/history';

/**
 * Pages through an index list with the route's stable cursors: the answer of the current page
 * (items and the block height it reflects), Next (the answer's `nextCursor`) and Previous (the
 * cursors already followed). `question` names what is asked (undefined: nothing yet); a new
 * question starts again at its first page, so a cursor is never sent with another query (the
 * route refuses that with 400); asking the same question again (a new `question` string, e.g.
 * with a submission count) starts over too. Same shape as usePaged, so `Pager` serves both.
 */
export function useIndexPages<A extends IndexPage<unknown>>(
    question: string | undefined,
    load: (cursor?: string) => Promise<A>,
) {
    const [trail, setTrail] = useState<{ question?: string; cursors: string[] }>({ cursors: [''] });
    const cursors = trail.question === question ? trail.cursors : [''];
    const current = cursors[cursors.length - 1];
    const [state, setState] = useState<{ answer?: A; answerPage?: number; error?: unknown; loading: boolean }>({
        loading: false,
    });
    const [version, setVersion] = useState(0);
    useEffect(() => {
        if (question === undefined) {
            setState({ loading: false });
            return;
        }
        let live = true;
        setState((s) => ({ ...s, loading: true }));
        load(current || undefined).then(
            (answer) => live && setState({ answer, answerPage: cursors.length, loading: false }),
            (error: unknown) => live && setState({ error, loading: false }),
        );
        return () => {
            live = false;
        };
        // `load` is a new function every render; the question and the cursor say what it asks.
    }, [question, current, version]);
    const next = state.answer?.nextCursor ?? '';
    const reload = useCallback(() => setVersion((v) => v + 1), []);
    return {
        ...state,
        items: (state.answer?.items ?? []) as A['items'],
        next,
        reload,
        /** The page asked for; `answerPage` is the page the answer shown is (they differ while loading). */
        page: cursors.length,
        hasPrevious: cursors.length > 1,
        nextPage: () => next && setTrail({ question, cursors: [...cursors, next] }),
        previousPage: () => setTrail({ question, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
    };
}
