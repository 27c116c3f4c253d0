/**
 * Scorecard templates per position (DESIGN §5) and the policy's two default templates:
 * sales staff 60/20/20 (《市场部人员月度考核表》) and clerk 20/30/40/10 (《员工月度考核表》表二).
 * Pure domain code: no NestJS, TypeORM or NATS.
 */
import { DecimalError, formatScaled, parseScaled } from './decimal';
import { CRITERION_GROUPS, CriterionDef, FORMULAS, METRIC_FORMULAS, METRIC_KEYS } from './scorecard';

export interface TemplateProblem {
  field: string;
  message: string;
}

/** Lower-case letters, digits and underscores, starting with a letter, at most 64 characters. */
export const CRITERION_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const HUNDRED = 10000n;

/**
 * Problems of a template's criteria, empty when it can be used: at least one criterion; keys unique and
 * slug-like; names in both languages; a known group; weights (maxPoints) above 0 with at most 2 decimals,
 * adding up to exactly 100; an automatic criterion names a metric and a formula that fits it; a manual one
 * names neither.
 */
export function validateTemplate(criteria: CriterionDef[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!Array.isArray(criteria) || criteria.length === 0)
    return [{ field: 'criteria', message: 'a template needs at least one criterion' }];
  const seen = new Set<string>();
  let sum = 0n;
  let sumKnown = true;
  criteria.forEach((c, i) => {
    const at = (f: string) => `criteria[${i}].${f}`;
    if (typeof c.key !== 'string' || !CRITERION_KEY.test(c.key))
      problems.push({
        field: at('key'),
        message: 'a key is lower-case letters, digits and _ (e.g. sales_results)',
      });
    else if (seen.has(c.key)) problems.push({ field: at('key'), message: `the key ${c.key} is used twice` });
    else seen.add(c.key);
    if (!c.name || !c.name.zh?.trim() || !c.name.en?.trim())
      problems.push({ field: at('name'), message: 'a criterion needs a Chinese and an English name' });
    if (!CRITERION_GROUPS.includes(c.group))
      problems.push({
        field: at('group'),
        message: `the group must be one of ${CRITERION_GROUPS.join(', ')}`,
      });
    try {
      const w = parseScaled(c.maxPoints, 2);
      if (w <= 0n) problems.push({ field: at('maxPoints'), message: 'the weight must be more than 0' });
      sum += w;
    } catch (e) {
      if (!(e instanceof DecimalError)) throw e;
      sumKnown = false;
      problems.push({
        field: at('maxPoints'),
        message: 'the weight must be a number with at most 2 decimals',
      });
    }
    if (c.kind === 'automatic') {
      if (!c.metric || !METRIC_KEYS.includes(c.metric))
        problems.push({
          field: at('metric'),
          message: `an automatic criterion needs a metric: ${METRIC_KEYS.join(', ')}`,
        });
      if (!c.formula || !FORMULAS.includes(c.formula))
        problems.push({
          field: at('formula'),
          message: `an automatic criterion needs a formula: ${FORMULAS.join(', ')}`,
        });
      else if (c.metric && METRIC_KEYS.includes(c.metric) && !METRIC_FORMULAS[c.metric].includes(c.formula))
        problems.push({
          field: at('formula'),
          message: `the metric ${c.metric} is scored with ${METRIC_FORMULAS[c.metric].join(' or ')}`,
        });
    } else if (c.kind === 'manual') {
      if (c.metric !== undefined && c.metric !== null)
        problems.push({ field: at('metric'), message: 'a manual criterion has no metric' });
      if (c.formula !== undefined && c.formula !== null)
        problems.push({ field: at('formula'), message: 'a manual criterion has no formula' });
    } else {
      problems.push({ field: at('kind'), message: 'the kind must be automatic or manual' });
    }
  });
  if (sumKnown && sum !== HUNDRED)
    problems.push({
      field: 'criteria',
      message: `the weights must add up to 100 (they add up to ${formatScaled(sum, 2)})`,
    });
  return problems;
}

export type Position = 'sales' | 'clerk';
export const POSITIONS: readonly Position[] = ['sales', 'clerk'];

export interface TemplateDef {
  name: { zh: string; en: string };
  criteria: CriterionDef[];
}

const manual = (
  key: string,
  zh: string,
  en: string,
  group: CriterionDef['group'],
  maxPoints: string,
): CriterionDef => ({ key, name: { zh, en }, group, maxPoints, kind: 'manual' });

export const DEFAULT_TEMPLATES: Record<Position, TemplateDef> = {
  sales: {
    name: { zh: '销售人员月度绩效考核', en: 'Sales staff monthly evaluation' },
    criteria: [
      {
        key: 'sales_results',
        name: { zh: '业绩考评(销售业绩与业绩目标达成率)', en: 'Sales results against target' },
        group: 'results',
        maxPoints: '60',
        kind: 'automatic',
        metric: 'sales_amount',
        formula: 'ratio_capped',
      },
      manual('knowledge_skills', '知识技能', 'Knowledge and skills', 'ability', '5'),
      manual('sales_technique', '销售技巧', 'Sales technique', 'ability', '5'),
      manual('sales_process', '销售业务流程', 'Sales process', 'ability', '5'),
      manual('coordination', '协调配合能力', 'Coordination', 'ability', '5'),
      manual('discipline', '纪律性', 'Discipline', 'attitude', '5'),
      manual('initiative', '积极性', 'Initiative', 'attitude', '5'),
      manual('responsibility', '责任感', 'Responsibility', 'attitude', '5'),
      manual('service_attitude', '服务态度', 'Service attitude', 'attitude', '5'),
    ],
  },
  clerk: {
    name: { zh: '大客户内勤月度绩效考核', en: 'Key-account clerk monthly evaluation' },
    criteria: [
      manual('workload', '工作量', 'Workload', 'workload', '20'),
      manual('discipline', '纪律性', 'Discipline', 'attitude', '10'),
      manual('etiquette', '礼仪规范', 'Etiquette', 'attitude', '10'),
      manual('team_spirit', '团队精神与全局意识', 'Team spirit and seeing the whole', 'attitude', '10'),
      manual('professional_ability', '专业能力', 'Professional ability', 'ability', '15'),
      manual('innovation', '创新能力', 'Innovation', 'ability', '10'),
      manual('communication', '沟通协调能力', 'Communication and coordination', 'ability', '15'),
      manual('work_effect', '工作效果(本职工作的完成情况)', 'Effect: own duties completed', 'effect', '10'),
    ],
  },
};

/**
 * Which default template a role is evaluated with. Managers, executives and the technical roles are not
 * evaluated by this scorecard (null).
 */
export const DEFAULT_POSITION_OF_ROLE: Record<string, Position | null> = {
  account_manager: 'sales',
  assistant_account_manager: 'sales',
  group_leader: 'sales',
  market_researcher: 'sales',
  customer_service: 'sales',
  clerk: 'clerk',
  director: null,
  deputy_director: null,
  executive: null,
  security_officer: null,
  admin: null,
};

/** The position of a member with these roles: sales wins over clerk; null when no role is evaluated. */
export function positionOf(roles: string[]): Position | null {
  const positions = roles.map((r) => DEFAULT_POSITION_OF_ROLE[r] ?? null);
  if (positions.includes('sales')) return 'sales';
  if (positions.includes('clerk')) return 'clerk';
  return null;
}
