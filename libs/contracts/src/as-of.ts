import { applyDecorators } from '@nestjs/common';
import { IsISO8601, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { DATE_TIME_WITH_OFFSET } from './accounts/archive.dto';

/** Clocks of two machines may disagree by this much: an `asOf` up to a minute ahead still counts as now. */
export const AS_OF_SKEW_MS = 60_000;

/** Whether an `asOf` time lies beyond now (plus the allowed skew). Pure: the clock is a parameter. */
export function isInTheFuture(asOf: string, now: number = Date.now()): boolean {
  const at = Date.parse(asOf);
  return Number.isFinite(at) && at > now + AS_OF_SKEW_MS;
}

/**
 * The optional `asOf` of an admin's "run this job now" (issue 14, point 8): an ISO 8601 date-time with offset, never
 * in the future — a run "as of 2099" would mark minutes-old complaints breached and escalate them to the director.
 * A past `asOf` replays a missed run (the jobs are idempotent). Validated at the gateway and again by the service.
 */
export function AsOf(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    Matches(DATE_TIME_WITH_OFFSET, { message: 'asOf must be an ISO 8601 date-time with offset' }),
    IsISO8601({ strict: true }, { message: 'asOf must be a real date and time' }),
    ValidateBy({
      name: 'notInTheFuture',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !isInTheFuture(value),
        defaultMessage: () =>
          'asOf must not be in the future (a run changes business records as of that time)',
      },
    }),
  );
}
