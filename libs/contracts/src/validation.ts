import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldError } from './envelope';
import { KamError } from './errors';
import { cacheValidationMetadata } from './validation-cache';
import { canonicalIds } from './ids';

cacheValidationMetadata();

type Ctor<T> = new () => T;

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

export function validationError(errors: FieldError[]): KamError {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new KamError('validation_failed', { fields }, errors);
}

/** Keys that reach Object.prototype or a class through class-transformer (a 500 before, not a 400). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** No DTO nests deeper than this; a deeper body is junk (and a recursion hazard further in). */
const MAX_DEPTH = 32;

/** A UTF-16 surrogate without its other half (half of an emoji, say). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string is not text PostgreSQL can store or compare, or undefined when it is: PostgreSQL refuses a NUL
 * character in text and jsonb ("invalid byte sequence for encoding UTF8: 0x00"), and a lone surrogate in jsonb
 * (in text it would silently become U+FFFD); neither is anything a person typed.
 */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone UTF-16 surrogate (half of a character)';
  return undefined;
}

/**
 * The first forbidden key, over-deep path or unstorable string (see unstorableText, keys included) in a parsed
 * JSON value or a query, as a field path; undefined when clean.
 */
export function hostileShape(value: unknown, path = '', depth = 0): FieldError | undefined {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem ? { field: path || '(body)', message: `${path || 'the value'} ${problem}` } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH)
    return { field: path || '(body)', message: `must not nest deeper than ${MAX_DEPTH} levels` };
  for (const key of Object.keys(value)) {
    const keyProblem = unstorableText(key);
    if (keyProblem) return { field: path || '(body)', message: `a property name ${keyProblem}` };
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return { field, message: `property ${key} is not allowed` };
    const inner = hostileShape((value as Record<string, unknown>)[key], field, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * Turns a plain object into a validated DTO. Unknown properties are rejected, not ignored; every uuid in it is made
 * canonical (lower case) before validation, so no rule downstream sees an id in another case (issue 14, point 4).
 * Used by the gateway's pipe and again by every service handler: services never trust the edge.
 */
export function parseDto<T extends object>(cls: Ctor<T>, plain: unknown): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw validationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const hostile = hostileShape(plain);
  if (hostile) throw validationError([hostile]);
  const instance = plainToInstance(cls, canonicalIds(plain), { enableImplicitConversion: false });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) throw validationError(flatten(errors));
  return instance;
}
