import { PerformanceInitial1732600000000 } from './1732600000000-initial';
import { PerformanceEvaluation1733400000000 } from './1733400000000-evaluation';
import { ScorecardExplanations1733900000000 } from './1733900000000-explanations';
import { TeamEvaluationsFrozen1734100000000 } from './1734100000000-team-evaluations-frozen';
import { IdempotencyCallers1734400000000 } from './1734400000000-idempotency-callers';

export const MIGRATIONS = [
  PerformanceInitial1732600000000,
  PerformanceEvaluation1733400000000,
  ScorecardExplanations1733900000000,
  TeamEvaluationsFrozen1734100000000,
  IdempotencyCallers1734400000000,
];
