import { salesNotes, salesOf } from './scorecards.service';

describe('the pay statement shows how much of the sales came from CRM orders', () => {
  it.each([
    [
      'sales with one order from a won CRM opportunity',
      { salesMinor: '34100000', ordersCount: 2, crmSalesMinor: '32100000', crmOrdersCount: 1 },
      { salesMinor: '34100000', ordersCount: 2, fromCrm: { amountMinor: '32100000', ordersCount: 1 } },
      [
        '321000.00 CNY of the sales (1 order) came from won opportunities in the CRM, not entered by hand: check them before approving',
      ],
    ],
    [
      'sales entered by hand only',
      { salesMinor: '2000000', ordersCount: 1, crmSalesMinor: '0', crmOrdersCount: 0 },
      { salesMinor: '2000000', ordersCount: 1, fromCrm: { amountMinor: '0', ordersCount: 0 } },
      [],
    ],
    [
      'a card collected before the CRM share was measured',
      { salesMinor: '2000000', ordersCount: 1 },
      { salesMinor: '2000000', ordersCount: 1, fromCrm: null },
      ['the sales were collected before orders from the CRM were shown apart: collect the month again'],
    ],
    ['a card without measurements', {}, null, []],
  ])('%s', (_what, metrics, sales, notes) => {
    expect(salesOf(metrics)).toEqual(sales);
    expect(salesNotes(salesOf(metrics))).toEqual(notes);
  });

  it('several CRM orders are counted in the plural', () => {
    expect(
      salesNotes({ salesMinor: '500', ordersCount: 3, fromCrm: { amountMinor: '300', ordersCount: 2 } }),
    ).toEqual([
      '3.00 CNY of the sales (2 orders) came from won opportunities in the CRM, not entered by hand: check them before approving',
    ]);
  });
});
