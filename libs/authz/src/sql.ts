import { MongoQuery } from '@casl/ability';
import { rulesToQuery } from '@casl/ability/extra';
import { KamAbility } from './ability';
import { Action, RecordSubject } from './subjects';

/** How one condition field becomes SQL. `p` is the parameter placeholder. */
export interface FieldSql {
  eq(p: string): string;
  in(p: string): string;
}

/** A plain column. */
export const column = (expr: string): FieldSql => ({
  eq: (p) => `${expr} = ${p}`,
  in: (p) => `${expr} = ANY(${p})`,
});

/** An array column: `{ field: value }` means "the array contains value". */
export const arrayColumn = (expr: string): FieldSql => ({
  eq: (p) => `${p} = ANY(${expr})`,
  in: (p) => `${expr} && ${p}`,
});

/** A field reached through a sub-select: `expr IN (select … where key = p)`. */
export const via = (expr: string, select: (cond: string) => string, key: string): FieldSql => ({
  eq: (p) => `${expr} IN (${select(`${key} = ${p}`)})`,
  in: (p) => `${expr} IN (${select(`${key} = ANY(${p})`)})`,
});

export type FieldMap = Record<string, FieldSql>;

export interface SqlCondition {
  /** A boolean SQL expression; `TRUE` for unrestricted access. */
  sql: string;
  /** Named parameters, TypeORM style (`:name`). */
  params: Record<string, unknown>;
}

class Compiler {
  readonly params: Record<string, unknown> = {};
  readonly positional: unknown[] = [];
  private n = 0;

  constructor(
    private readonly fields: FieldMap,
    private readonly prefix: string,
    /** When set, parameters are positional ($n) starting after this many, for raw queries. */
    private readonly positionalOffset?: number,
  ) {}

  private param(value: unknown): string {
    if (this.positionalOffset !== undefined) {
      this.positional.push(value);
      return `$${this.positionalOffset + this.positional.length}`;
    }
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  compile(query: MongoQuery): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(query)) {
      if (key === '$and' || key === '$or') {
        const subs = (value as MongoQuery[]).map((q) => `(${this.compile(q)})`);
        // An empty $and matches everything; an empty $or matches nothing.
        parts.push(
          subs.length
            ? `(${subs.join(key === '$and' ? ' AND ' : ' OR ')})`
            : key === '$and'
              ? 'TRUE'
              : 'FALSE',
        );
        continue;
      }
      if (key === '$nor') {
        const subs = (value as MongoQuery[]).map((q) => `(${this.compile(q)})`);
        parts.push(subs.length ? `NOT (${subs.join(' OR ')})` : 'TRUE');
        continue;
      }
      const field = this.fields[key];
      if (!field) throw new Error(`authz: condition field "${key}" has no SQL mapping`);
      parts.push(this.fieldCondition(field, key, value));
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }

  private fieldCondition(field: FieldSql, key: string, value: unknown): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const ops = Object.entries(value as Record<string, unknown>).map(([op, v]) => {
        switch (op) {
          case '$eq':
            return field.eq(this.param(v));
          case '$in':
            // An empty list matches nothing.
            return Array.isArray(v) && v.length === 0 ? 'FALSE' : field.in(this.param(v));
          case '$ne':
            return `NOT (${field.eq(this.param(v))})`;
          case '$nin':
            return Array.isArray(v) && v.length === 0 ? 'TRUE' : `NOT (${field.in(this.param(v))})`;
          default:
            throw new Error(`authz: operator ${op} on "${key}" has no SQL translation`);
        }
      });
      return ops.join(' AND ');
    }
    return field.eq(this.param(value));
  }
}

/**
 * Turns what the ability allows for (action, subject) into one SQL condition for a TypeORM query.
 * Returns null when the ability allows no record at all: the caller answers 403 (or an empty list).
 */
export function accessibleWhere(
  ability: KamAbility,
  action: Action,
  subject: RecordSubject,
  fields: FieldMap,
  paramPrefix = 'authz_',
): SqlCondition | null {
  const compiled = compile(ability, action, subject, new Compiler(fields, paramPrefix));
  return compiled && { sql: compiled.sql, params: compiled.compiler.params };
}

export interface PositionalSqlCondition {
  /** A boolean SQL expression using $n placeholders after the caller's own. */
  sql: string;
  values: unknown[];
}

/** The same condition for a raw query (`ds.query(sql, values)`), numbering its parameters after `offset`. */
export function accessibleWherePositional(
  ability: KamAbility,
  action: Action,
  subject: RecordSubject,
  fields: FieldMap,
  offset: number,
): PositionalSqlCondition | null {
  // An ability's rules never change, so its SQL per (action, subject, offset, field map) is computed once.
  let perAbility = compiledFor.get(ability);
  if (!perAbility) compiledFor.set(ability, (perAbility = new Map()));
  let perFields = perAbility.get(fields);
  if (!perFields) perAbility.set(fields, (perFields = new Map()));
  const key = `${action}|${subject}|${offset}`;
  if (perFields.has(key)) return perFields.get(key) ?? null;
  const compiled = compile(ability, action, subject, new Compiler(fields, '', offset));
  const result = compiled && { sql: compiled.sql, values: compiled.compiler.positional };
  perFields.set(key, result);
  return result;
}

const compiledFor = new WeakMap<KamAbility, Map<FieldMap, Map<string, PositionalSqlCondition | null>>>();

function compile(
  ability: KamAbility,
  action: Action,
  subject: RecordSubject,
  compiler: Compiler,
): { sql: string; compiler: Compiler } | null {
  const query = rulesToQuery(ability, action, subject, (rule) =>
    rule.inverted ? { $nor: [rule.conditions as MongoQuery] } : (rule.conditions as MongoQuery),
  );
  if (query === null) return null;
  const q = query as { $or?: MongoQuery[]; $and?: MongoQuery[] };
  const parts: string[] = [];
  if (q.$or?.length) parts.push(`(${q.$or.map((c) => `(${compiler.compile(c)})`).join(' OR ')})`);
  if (q.$and?.length) parts.push(...q.$and.map((c) => `(${compiler.compile(c)})`));
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', compiler };
}
