/**
 * The development pipeline (DESIGN §5): prospect → qualified → negotiating → agreement signed → handed over to
 * the service team → active; also at risk, dormant, lost. Pure domain code.
 */
export const STAGES = [
  'prospect',
  'qualified',
  'negotiating',
  'agreement_signed',
  'handed_over',
  'active',
  'at_risk',
  'dormant',
  'lost',
] as const;
export type Stage = (typeof STAGES)[number];

export const TRANSITIONS: Record<Stage, readonly Stage[]> = {
  prospect: ['qualified', 'lost'],
  qualified: ['negotiating', 'dormant', 'lost'],
  negotiating: ['agreement_signed', 'qualified', 'dormant', 'lost'],
  agreement_signed: ['handed_over', 'lost'],
  handed_over: ['active', 'at_risk'],
  active: ['at_risk', 'dormant', 'lost'],
  at_risk: ['active', 'dormant', 'lost'],
  dormant: ['active', 'qualified', 'lost'],
  lost: ['prospect'],
};

export function allowedNext(from: Stage): readonly Stage[] {
  return TRANSITIONS[from] ?? [];
}

export function canMove(from: Stage, to: Stage): boolean {
  return allowedNext(from).includes(to);
}

/** Moving to handed_over records the handover to the service team (需求、联系人、约定). */
export function needsServiceHandover(to: Stage): boolean {
  return to === 'handed_over';
}
