import { KamError } from '@app/contracts';
import { CursorValueKind, decodeCursor, encodeCursor } from './cursor';

const ID = '33333333-3333-4333-8333-333333333333';

function errorOf(cursor: string, kind: CursorValueKind): KamError {
  try {
    decodeCursor(cursor, kind);
  } catch (e) {
    if (e instanceof KamError) return e;
    throw e;
  }
  throw new Error('expected the cursor to be refused');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** A cursor as the API makes them, with whatever is put inside. */
const forged = (value: unknown, id: unknown = ID) => b64(JSON.stringify([value, id]));

describe('the "next page" cursor of a list', () => {
  it.each<[string, CursorValueKind, string | number]>([
    ['accounts by name', 'text', '深圳华为技术有限公司'],
    ['accounts by name, an empty name', 'text', ''],
    ['accounts by name, quotes and commas in the name', 'text', 'A "big", customer'],
    ['accounts by name, an emoji in the name', 'text', '笑脸😀公司'],
    ['accounts by last update', 'timestamp', '2024-11-26T08:00:00.000Z'],
    ['a time with an offset', 'timestamp', '2026-11-20T14:30:00+08:00'],
    ['a time on a leap day', 'timestamp', '2028-02-29T23:59:59.999Z'],
    ['orders by the day ordered', 'date', '2026-01-31'],
    ['revisits due on a leap day', 'date', '2024-02-29'],
    ['scorecards by month', 'month', '2026-12'],
    ['the access log by position', 'position', 42],
    ['the access log at its start', 'position', 0],
    ['the largest position a number holds exactly', 'position', Number.MAX_SAFE_INTEGER],
    ['members by id', 'uuid', ID],
  ])('a cursor of %s leads back to the same row', (_name, kind, value) => {
    const cursor = encodeCursor(value, ID);
    expect(decodeCursor(cursor, kind)).toEqual({ value, id: ID });
  });

  it('a cursor is safe to put in a URL', () => {
    expect(encodeCursor('深圳华为?技术/有限公司+', ID)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('different rows give different cursors', () => {
    expect(encodeCursor('A', ID)).not.toBe(encodeCursor('B', ID));
    expect(encodeCursor('A', ID)).not.toBe(encodeCursor('A', '44444444-4444-4444-8444-444444444444'));
  });

  it.each<[string, CursorValueKind, string]>([
    ['random text', 'text', 'not-a-cursor'],
    ['symbols that are not base64', 'text', '!!!'],
    ['JSON that is not a list', 'text', b64('{"value":"A","id":"x"}')],
    ['a list with one element', 'text', b64('["A"]')],
    ['a list with three elements', 'text', b64(`["A","${ID}","extra"]`)],
    ['a numeric id', 'text', b64('["A",7]')],
    ['an id that is not a uuid', 'text', forged('A', 'x')],
    ['an id with SQL in it', 'text', forged('A', "' OR 1=1 --")],
    ['a missing sort value', 'text', forged(null)],
    ['a sort value that is an object', 'text', forged({ a: 1 })],
    ['a bare string', 'text', b64('"A"')],
    ['truncated JSON', 'text', b64(`["A","${ID}"`)],
    ['a NUL character in a name', 'text', forged('A\u0000')],
    ['half of an emoji in a name', 'text', forged('A\ud800')],
    ['a number for a name', 'text', forged(1)],
    ['a name longer than any name', 'text', forged('x'.repeat(1001))],
    ['a word for a time', 'timestamp', forged('yesterday')],
    ['a number for a time', 'timestamp', forged(1)],
    ['"1", which Date.parse takes for 2001', 'timestamp', forged('1')],
    ['the 30th of February', 'timestamp', forged('2026-02-30T10:00:00Z')],
    ['the 29th of February of a common year', 'timestamp', forged('2026-02-29T10:00:00Z')],
    ['hour 25', 'timestamp', forged('2026-02-03T25:00:00Z')],
    ['a time without a zone', 'timestamp', forged('2026-02-03T10:00:00')],
    ['an offset beyond any zone', 'timestamp', forged('2026-02-03T10:00:00+99:00')],
    ['a day alone for a time', 'timestamp', forged('2026-02-03')],
    ['month 13', 'date', forged('2026-13-45')],
    ['day 0', 'date', forged('2026-01-00')],
    ['year 0', 'date', forged('0000-01-01')],
    ['a time for a day', 'date', forged('2026-01-01T00:00:00Z')],
    ['month 99', 'month', forged('2026-99')],
    ['a day for a month', 'month', forged('2026-01-01')],
    ['1e308 as a position', 'position', forged(1e308)],
    ['a fraction as a position', 'position', forged(1.5)],
    ['a negative position', 'position', forged(-1)],
    ['a position beyond 2^53', 'position', forged(2 ** 53)],
    ['a position as a string', 'position', forged('42')],
    ['a sort id that is not a uuid', 'uuid', forged('x')],
  ])('a cursor made of %s is refused as invalid', (_name, kind, cursor) => {
    const e = errorOf(cursor, kind);
    expect(e.code).toBe('validation_failed');
    expect(e.status).toBe(400);
    expect(e.params).toEqual({ fields: 'cursor' });
    expect(e.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
  });
});
