import ExcelJS from 'exceljs';
import { PayrollRow } from '@app/contracts';
import { CSV_BOM, csvCell } from '../accounts/csv';

/** Fen as yuan with two decimals ("277200" → "2772.00"), exact: no floating point. */
export function yuan(minor: string): string {
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const HEADERS: { key: string; zh: string; en: string }[] = [
  { key: 'month', zh: '月份', en: 'Month' },
  { key: 'memberId', zh: '成员编号', en: 'Member id' },
  { key: 'memberName', zh: '姓名', en: 'Name' },
  { key: 'position', zh: '岗位', en: 'Position' },
  { key: 'score', zh: '考核得分', en: 'Score' },
  { key: 'band', zh: '档位', en: 'Band' },
  { key: 'ratePct', zh: '发放比例%', en: 'Rate %' },
  { key: 'payBase', zh: '绩效工资基数', en: 'Performance-pay base' },
  { key: 'banded', zh: '绩效工资', en: 'Banded pay' },
  { key: 'modifierPct', zh: '部门业绩调整%', en: 'Department modifier %' },
  { key: 'modifier', zh: '调整金额', en: 'Modifier amount' },
  { key: 'performancePay', zh: '应发绩效工资', en: 'Performance pay' },
  { key: 'commission', zh: '提成', en: 'Commission' },
  { key: 'total', zh: '合计', en: 'Total' },
  { key: 'rank', zh: '岗位排名', en: 'Rank in position' },
];

/** Numbers stay numbers (a negative modifier is not a formula); text cells are guarded against formulas. */
function cells(r: PayrollRow): { text: string[]; numeric: boolean[] } {
  const values: [string, boolean][] = [
    [r.month, false],
    [r.memberId, false],
    [r.memberName, false],
    [r.position, false],
    [r.score, true],
    [r.band, false],
    [r.ratePct, true],
    [yuan(r.payBaseMinor), true],
    [yuan(r.bandedMinor), true],
    [String(r.modifierPct), true],
    [yuan(r.modifierMinor), true],
    [yuan(r.performancePayMinor), true],
    [yuan(r.commissionMinor), true],
    [yuan(r.totalMinor), true],
    [r.rank === null ? '' : String(r.rank), true],
  ];
  return { text: values.map((v) => v[0]), numeric: values.map((v) => v[1]) };
}

export function payrollCsv(rows: PayrollRow[], locale: 'zh-CN' | 'en'): string {
  const head = HEADERS.map((h) => csvCell(locale === 'en' ? h.en : h.zh)).join(',');
  const lines = rows.map((r) => {
    const c = cells(r);
    return c.text.map((t, i) => (c.numeric[i] ? t : csvCell(t))).join(',');
  });
  return `${CSV_BOM}${[head, ...lines].join('\r\n')}\r\n`;
}

/** The same as an XLSX workbook with one sheet; amounts as numbers with two decimals. */
export async function payrollXlsx(
  rows: PayrollRow[],
  month: string,
  locale: 'zh-CN' | 'en',
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'KAM';
  const sheet = book.addWorksheet(`${locale === 'en' ? 'Payroll' : '绩效工资'} ${month}`);
  sheet.addRow(HEADERS.map((h) => (locale === 'en' ? h.en : h.zh))).font = { bold: true };
  for (const r of rows) {
    const c = cells(r);
    // exceljs stores numbers as IEEE doubles: fine for display of values with two decimals; the CSV is exact.
    sheet.addRow(c.text.map((t, i) => (c.numeric[i] && t !== '' ? Number(t) : t)));
  }
  for (let i = 5; i <= 14; i++) sheet.getColumn(i).numFmt = '0.00';
  return Buffer.from(await book.xlsx.writeBuffer());
}
