import { allowedNext, canMove, needsServiceHandover, STAGES, TRANSITIONS } from './pipeline';

describe('the development pipeline', () => {
  const legal: [string, string][] = [
    ['prospect', 'qualified'],
    ['qualified', 'negotiating'],
    ['negotiating', 'agreement_signed'],
    ['agreement_signed', 'handed_over'],
    ['handed_over', 'active'],
    ['active', 'at_risk'],
    ['at_risk', 'active'],
    ['active', 'dormant'],
    ['dormant', 'active'],
    ['active', 'lost'],
    ['lost', 'prospect'],
  ];
  it.each(legal)('an account may move from %s to %s', (from, to) => {
    expect(canMove(from as never, to as never)).toBe(true);
  });

  const illegal: [string, string][] = [
    ['prospect', 'active'],
    ['prospect', 'agreement_signed'],
    ['qualified', 'handed_over'],
    ['agreement_signed', 'active'],
    ['lost', 'active'],
    ['active', 'prospect'],
    ['active', 'active'],
  ];
  it.each(illegal)('an account may not jump from %s to %s', (from, to) => {
    expect(canMove(from as never, to as never)).toBe(false);
  });

  it('every stage has somewhere to go, and every target is a stage', () => {
    for (const s of STAGES) {
      expect(allowedNext(s).length).toBeGreaterThan(0);
      for (const t of TRANSITIONS[s]) expect(STAGES).toContain(t);
    }
  });

  it('only the move to handed_over records the handover to the service team', () => {
    expect(STAGES.filter(needsServiceHandover)).toEqual(['handed_over']);
  });
});
