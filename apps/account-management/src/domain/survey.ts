/**
 * Satisfaction surveys (满意度调查, issue 4): quarterly per account and after each resolved complaint, scored 1-5
 * per dimension. Pure domain code: no NestJS, TypeORM or NATS.
 */

/** The dimensions a survey scores, 1 (very dissatisfied) to 5 (very satisfied). */
export const SURVEY_DIMENSIONS = [
  'productQuality',
  'delivery',
  'serviceAttitude',
  'responsiveness',
  'overall',
] as const;
export type SurveyDimension = (typeof SURVEY_DIMENSIONS)[number];
export type SurveyScores = Partial<Record<SurveyDimension, number>>;

export const SURVEY_TRIGGERS = ['scheduled', 'complaint_resolved', 'manual'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];
export const SURVEY_STATUSES = ['pending', 'answered', 'expired'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** Days a survey may be answered in, from its creation (complaint and manual ones). */
export const SURVEY_ANSWER_DAYS = 30;

/** The quarter of a calendar date (YYYY-MM-DD, in the workspace's time zone), e.g. `2026-Q4`. */
export function quarterOf(day: string): string {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(day);
  if (!m) throw new Error(`not a date: ${day}`);
  return `${m[1]}-Q${Math.floor((Number(m[2]) - 1) / 3) + 1}`;
}

/** The last day (YYYY-MM-DD) of a quarter like `2026-Q4`: a scheduled survey is due by then. */
export function quarterEnd(period: string): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!m) throw new Error(`not a quarter: ${period}`);
  const endMonth = Number(m[2]) * 3; // 3, 6, 9, 12
  const last = new Date(Date.UTC(Number(m[1]), endMonth, 0)).getUTCDate();
  return `${m[1]}-${String(endMonth).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** A calendar date plus days, as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * What is wrong with the answer's scores, per field: every key a known dimension, every value an integer 1-5,
 * and at least the overall score.
 */
export function scoreProblems(scores: unknown): { field: string; message: string }[] {
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores))
    return [{ field: 'scores', message: 'scores must be an object of dimension → 1-5' }];
  const problems: { field: string; message: string }[] = [];
  const known = new Set<string>(SURVEY_DIMENSIONS);
  for (const [key, value] of Object.entries(scores)) {
    if (!known.has(key))
      problems.push({
        field: `scores.${key}`,
        message: `unknown dimension ${key}; known: ${SURVEY_DIMENSIONS.join(', ')}`,
      });
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5)
      problems.push({ field: `scores.${key}`, message: `scores.${key} must be an integer from 1 to 5` });
  }
  if (!('overall' in scores))
    problems.push({ field: 'scores.overall', message: 'the overall score is required' });
  return problems;
}

/** Mean of the scores given, rounded to 0.01; null when none. */
export function meanScore(scores: SurveyScores): number | null {
  const values = Object.values(scores).filter((v): v is number => typeof v === 'number');
  if (!values.length) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}
