import { PayrollRow } from '@app/contracts';
import { payrollCsv, yuan } from './payroll-file';

describe('payroll file', () => {
  it.each([
    ['277200', '2772.00'],
    ['92400', '924.00'],
    ['5', '0.05'],
    ['0', '0.00'],
    ['-4400', '-44.00'],
    ['-1', '-0.01'],
    ['123456789012345', '1234567890123.45'],
  ])('fen %s is %s yuan, exactly', (minor, expected) => {
    expect(yuan(minor)).toBe(expected);
  });

  const row: PayrollRow = {
    month: '2026-10',
    memberId: 'm-1',
    memberName: '=陈静',
    position: 'sales',
    teamId: null,
    score: '88.00',
    band: 'proportional',
    ratePct: '88.00',
    payBaseMinor: '100000',
    bandedMinor: '88000',
    modifierPct: -5,
    modifierMinor: '-4400',
    performancePayMinor: '83600',
    commissionMinor: '0',
    totalMinor: '83600',
    rank: 3,
  };

  it('keeps a negative department modifier a number, and guards text cells against formulas', () => {
    const lines = payrollCsv([row], 'en').split('\r\n');
    expect(lines[0].startsWith('\uFEFFMonth,Member id,Name')).toBe(true);
    expect(lines[1]).toBe(
      "2026-10,m-1,'=陈静,sales,88.00,proportional,88.00,1000.00,880.00,-5,-44.00,836.00,0.00,836.00,3",
    );
  });

  it('writes Chinese headers for zh-CN', () => {
    expect(payrollCsv([], 'zh-CN')).toContain('考核得分');
  });
});
