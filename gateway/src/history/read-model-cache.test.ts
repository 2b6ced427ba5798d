import { ReadModelCache } from './read-model-cache';

describe('ReadModelCache keeps only what the database would still answer', () => {
    const at = (height: number, generation = 0) => ({ generation, height, ledgerTime: `t${height}` });

    it('serves an entry at the height it was read, and moves it forward while its keys are not written', () => {
        const cache = new ReadModelCache<string>();
        cache.put('unit A', 'a@5', ['kA', 'lot'], at(5));
        expect(cache.get('unit A')).toBe('a@5');
        expect(cache.height).toBe(5);
        cache.apply({ reset: false, height: 7, keys: ['kB'], ledgerTime: 't7' });
        expect(cache.get('unit A')).toBe('a@5');
        expect([cache.height, cache.ledgerTime]).toEqual([7, 't7']);
    });

    it('drops an entry when any key it depends on is written, and only that entry', () => {
        const cache = new ReadModelCache<string>();
        cache.put('unit A', 'a', ['kA', 'lot1'], at(5));
        cache.put('unit B', 'b', ['kB', 'lot2'], at(5));
        cache.apply({ reset: false, height: 6, keys: ['lot1'] });
        expect(cache.get('unit A')).toBeUndefined();
        expect(cache.get('unit B')).toBe('b');
    });

    it('does not keep a read that a change overtook, nor one made at another height', () => {
        const cache = new ReadModelCache<string>();
        cache.put('unit A', 'a', ['kA'], at(5));
        const generation = cache.generation;
        cache.apply({ reset: false, height: 6, keys: ['kB'] });
        cache.put('unit B', 'b@5', ['kB'], at(5, generation));
        expect(cache.get('unit B')).toBeUndefined();
        cache.put('unit C', 'c@7', ['kC'], at(7, cache.generation));
        expect(cache.get('unit C')).toBeUndefined();
        cache.put('unit C', 'c@6', ['kC'], at(6, cache.generation));
        expect(cache.get('unit C')).toBe('c@6');
    });

    it('forgets everything when the indexer restarts', () => {
        const cache = new ReadModelCache<string>();
        cache.put('unit A', 'a', ['kA'], at(5));
        cache.apply({ reset: true });
        expect(cache.get('unit A')).toBeUndefined();
        expect(cache.height).toBeUndefined();
        cache.put('unit A', 'a@9', ['kA'], at(9, cache.generation));
        expect([cache.get('unit A'), cache.height]).toEqual(['a@9', 9]);
    });

    it('stays within its capacity', () => {
        const cache = new ReadModelCache<number>(3);
        for (let i = 0; i < 5; i++) cache.put(`u${i}`, i, [`k${i}`], at(1));
        expect(cache.get('u4')).toBe(4);
        expect(cache.get('u0')).toBeUndefined();
    });
});
