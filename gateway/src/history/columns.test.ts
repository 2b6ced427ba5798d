import { openHistoryDatabase, type HistoryDatabase } from './database';
import { unnestColumns, type ColumnValue } from './columns';

describe('unnestColumns carries every value exactly', () => {
    let db: HistoryDatabase;
    // PGlite's WebAssembly start-up takes tens of seconds on a loaded machine.
    beforeAll(async () => {
        db = await openHistoryDatabase({ url: 'memory://' });
    }, 180_000);
    afterAll(() => db.close());

    const roundTrip = async (texts: ColumnValue[], numbers: ColumnValue[], flags: ColumnValue[]) => {
        const columns = unnestColumns([
            [texts, 'text'],
            [numbers, 'bigint'],
            [flags, 'boolean'],
        ]);
        return db.query<{ t: string | null; n: number | null; f: boolean | null }>(
            `SELECT t, n, f FROM ${columns.sql} WITH ORDINALITY AS u(t, n, f, i) ORDER BY i`,
            columns.params,
        );
    };

    it('keeps empty strings, nulls, unicode and large numbers as sent', async () => {
        const rows = await roundTrip(
            ['', null, 'é ☃ "quoted" \\ back', '{"a":[1,2]}'],
            [0, null, 2 ** 40, -7],
            [true, false, null, true],
        );
        expect(rows).toEqual([
            { t: '', n: 0, f: true },
            { t: null, n: null, f: false },
            { t: 'é ☃ "quoted" \\ back', n: 2 ** 40, f: null },
            { t: '{"a":[1,2]}', n: -7, f: true },
        ]);
    });

    it('sends a column of one empty string as one row, and an empty column as none', async () => {
        expect(await roundTrip([''], [1], [false])).toEqual([{ t: '', n: 1, f: false }]);
        expect(await roundTrip([], [], [])).toEqual([]);
    });

    it('falls back to an array parameter when a value holds its separators', async () => {
        const texts = ['a\u001eb', '\u001f', 'plain'];
        const columns = unnestColumns([[texts, 'text']]);
        expect(columns.params[0]).toEqual(texts);
        const rows = await db.query<{ t: string }>(
            `SELECT t FROM ${columns.sql} WITH ORDINALITY AS u(t, i) ORDER BY i`,
            columns.params,
        );
        expect(rows.map((row) => row.t)).toEqual(texts);
    });
});
