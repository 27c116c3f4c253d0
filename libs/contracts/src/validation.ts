import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldError } from './envelope';
import { KamError } from './errors';

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

/**
 * Turns a plain object into a validated DTO. Unknown properties are rejected, not ignored.
 * Used by the gateway's pipe and again by every service handler: services never trust the edge.
 */
export function parseDto<T extends object>(cls: Ctor<T>, plain: unknown): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw validationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) throw validationError(flatten(errors));
  return instance;
}
