import { ParseUUIDPipe } from '@nestjs/common';
import { KamError } from '@app/contracts';

/** A path id that is not a UUID is a 400 naming the parameter (problem+json `validation_failed`). */
export const uuidPathParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new KamError('validation_failed', { fields: name }, [
        { field: name, message: `${name} must be a UUID` },
      ]),
  });

/** The usual `:id`. */
export const uuidParam = uuidPathParam('id');
