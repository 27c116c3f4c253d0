import { PipeTransform } from '@nestjs/common';
import { canonicalId, KamError } from '@app/contracts';

/**
 * A path id: a uuid in any case becomes its canonical lower-case form before any rule sees it (issue 14, point 4);
 * anything else is a 400 naming the parameter (problem+json `validation_failed`).
 */
export const uuidPathParam = (name: string): PipeTransform<unknown, string> => ({
  transform(value: unknown): string {
    const id = canonicalId(value);
    if (id === undefined)
      throw new KamError('validation_failed', { fields: name }, [
        { field: name, message: `${name} must be a UUID` },
      ]);
    return id;
  },
});

/** The usual `:id`. */
export const uuidParam = uuidPathParam('id');
