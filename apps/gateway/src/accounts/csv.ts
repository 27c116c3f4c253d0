/**
 * CSV for spreadsheets (RFC 4180): a UTF-8 byte-order mark so Excel reads Chinese as UTF-8, CRLF line ends,
 * cells quoted when they hold a quote, comma or line break. A cell that a spreadsheet would run as a formula
 * (starting with = + - @, or a tab or carriage return that hides one) gets a leading single quote.
 */
export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
