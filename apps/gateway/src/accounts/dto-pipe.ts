import { PipeTransform } from '@nestjs/common';
import { parseDto } from '@app/contracts';

/** Validates a body or query against its DTO class: unknown fields are 400, not ignored. */
export class DtoPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(private readonly cls: new () => T) {}
  transform(value: unknown): T {
    return parseDto(this.cls, value ?? {});
  }
}
