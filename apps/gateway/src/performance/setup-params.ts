import { ParseUUIDPipe } from '@nestjs/common';
import { KamError } from '@app/contracts';
import { versionFromIfMatch } from '../accounts/preconditions';

/** A path id that is not a UUID is a 400 naming the parameter. */
export const uuidPathParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new KamError('validation_failed', { fields: name }, [
        { field: name, message: `${name} must be a UUID` },
      ]),
  });

/** If-Match is optional on deletes and approvals: when given, it must be the current version. */
export function optionalIfMatch(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);
}
