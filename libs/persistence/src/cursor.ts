import { KamError, unstorableText } from '@app/contracts';

/**
 * Opaque keyset cursors: base64url of the last row's sort value and id. A cursor comes back from the client, so
 * it is input like any other: decodeCursor checks its shape against the sort column it is compared with (a
 * PostgreSQL cast that fails is a 500, a comparison of the wrong type too) and refuses anything else as a 400
 * `validation_failed` naming `cursor`. This is the only decoder of the services' cursors.
 */
export function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

/** What a cursor's sort value must be, for the column it is compared with. */
export type CursorValueKind =
  /** text (a name): a string PostgreSQL can store, no NUL, no lone surrogate */
  | 'text'
  /** timestamptz: ISO 8601 with Z or an offset, a real instant (what `Date#toISOString` gives) */
  | 'timestamp'
  /** date: YYYY-MM-DD, a real day */
  | 'date'
  /** a month `YYYY-MM` */
  | 'month'
  /** a position in a sequence (bigserial): a whole number from 0 to 2^53 - 1 */
  | 'position'
  /** a uuid (a list ordered by id alone) */
  | 'uuid';

type ValueOf<K extends CursorValueKind> = K extends 'position' ? number : string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2}):(\d{2}))$/;
/** No sort value of ours is longer (an account name is at most 200 characters). */
const MAX_TEXT = 1000;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDay(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= DAYS[mo - 1] + (mo === 2 && isLeap(y) ? 1 : 0);
}

function isInstant(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (!m || !isDay(m[1])) return false;
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || mi > 59 || s > 59) return false;
  return m[6] === 'Z' || (Number(m[7]) <= 15 && Number(m[8]) <= 59);
}

const VALID: Record<CursorValueKind, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && v.length <= MAX_TEXT && !unstorableText(v),
  timestamp: (v) => typeof v === 'string' && isInstant(v),
  date: (v) => typeof v === 'string' && isDay(v),
  month: (v) => typeof v === 'string' && MONTH.test(v),
  position: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  uuid: (v) => typeof v === 'string' && UUID.test(v),
};

/** The cursor's sort value (of the given kind) and row id (a uuid); anything else is a 400 naming `cursor`. */
export function decodeCursor<K extends CursorValueKind>(
  cursor: string,
  kind: K,
): { value: ValueOf<K>; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    VALID[kind](parsed[0]) &&
    typeof parsed[1] === 'string' &&
    UUID.test(parsed[1])
  ) {
    return { value: parsed[0] as ValueOf<K>, id: parsed[1] };
  }
  throw new KamError('validation_failed', { fields: 'cursor' }, [
    { field: 'cursor', message: 'cursor is not valid' },
  ]);
}
