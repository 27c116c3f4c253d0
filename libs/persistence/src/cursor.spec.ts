import { KamError } from '@app/contracts';
import { decodeCursor, encodeCursor } from './cursor';

const ID = '33333333-3333-4333-8333-333333333333';

function errorOf(cursor: string): KamError {
  try {
    decodeCursor(cursor);
  } catch (e) {
    if (e instanceof KamError) return e;
    throw e;
  }
  throw new Error('expected the cursor to be refused');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('the "next page" cursor of an account list', () => {
  it.each([
    ['sorted by name', '深圳华为技术有限公司'],
    ['sorted by last update', '2024-11-26T08:00:00.000Z'],
    ['sorted by a number', 42],
    ['with an empty name', ''],
    ['with quotes and commas in the name', 'A "big", customer'],
  ])('a cursor %s leads back to the same row', (_name, value) => {
    const cursor = encodeCursor(value, ID);
    expect(decodeCursor(cursor)).toEqual({ value, id: ID });
  });

  it('a cursor is safe to put in a URL', () => {
    expect(encodeCursor('深圳华为?技术/有限公司+', ID)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('different rows give different cursors', () => {
    expect(encodeCursor('A', ID)).not.toBe(encodeCursor('B', ID));
    expect(encodeCursor('A', ID)).not.toBe(encodeCursor('A', '44444444-4444-4444-8444-444444444444'));
  });

  it.each([
    ['random text', 'not-a-cursor'],
    ['symbols that are not base64', '!!!'],
    ['JSON that is not a list', b64('{"value":"A","id":"x"}')],
    ['a list with one element', b64('["A"]')],
    ['a list with three elements', b64(`["A","${ID}","extra"]`)],
    ['a numeric id', b64('["A",7]')],
    ['a missing sort value', b64(`[null,"${ID}"]`)],
    ['a sort value that is an object', b64(`[{"a":1},"${ID}"]`)],
    ['a bare string', b64('"A"')],
    ['truncated JSON', b64(`["A","${ID}"`)],
  ])('a cursor made of %s is refused as invalid', (_name, cursor) => {
    const e = errorOf(cursor);
    expect(e.code).toBe('validation_failed');
    expect(e.status).toBe(400);
    expect(e.params).toEqual({ fields: 'cursor' });
    expect(e.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
  });
});
