import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { KamError } from '@app/contracts';
import { TransferBucket } from '@app/messaging';

const logger = new Logger('document-transfer');

/**
 * Streams an object of the transfer bucket (ADR 0010) to the HTTP response, chunk by chunk as the client takes
 * them, and removes it from the bucket. An object that is gone (expired, NATS restarted) is a 503 before any byte;
 * once the headers are out, a failure (a chunk lost, a SHA-256 mismatch, the client gone) can only cut the
 * connection, which the client sees as a body shorter than its Content-Length.
 */
export async function sendTransfer(
  bucket: TransferBucket,
  objectName: string,
  res: Response,
  headers: Record<string, string>,
): Promise<void> {
  const file = await bucket.takeStream(objectName);
  if (!file) throw new KamError('service_unavailable', { service: 'document-transfer' });
  res.status(200);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', String(file.size));
  try {
    await pipeline(file.stream, res);
  } catch (e) {
    logger.warn(`transfer ${objectName} cut after the headers: ${(e as Error).message}`);
  }
}
