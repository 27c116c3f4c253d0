import { createHash } from 'node:crypto';
import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { KamError } from '@app/contracts';
import { Public } from '../auth/auth.decorators';
import { CrmConnectionService } from './crm-connection.service';
import { CrmJobsService } from './crm-jobs.service';
import { CrmRedis } from './crm-redis';
import { isFresh, isNonce, signatureMatches, timestampMs, WEBHOOK_MAX_AGE_MS } from './webhook-signature';
import { TwentyRecord } from './twenty-records';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request as the JSON body parser left it: the exact bytes are kept for the signature. */
export type RawBodyRequest = Request & { rawBody?: Buffer };

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `POST /webhooks/twenty/:workspaceId` (issue 7): Twenty's webhook deliveries. No token: the delivery is
 * authenticated by its HMAC signature with the workspace's webhook secret, must be less than 5 minutes old and
 * carry a nonce and a signature not seen before (each delivery is accepted once, issue 14 point 11). It is answered 202 at once and processed by a job; a refused delivery changes
 * nothing.
 */
@ApiTags('crm')
@Controller('webhooks/twenty')
export class TwentyWebhookController {
  constructor(
    private readonly connections: CrmConnectionService,
    private readonly redis: CrmRedis,
    private readonly jobs: CrmJobsService,
  ) {}

  @Public()
  @Post(':workspaceId')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Twenty's webhook deliveries (company.*, person.*, opportunity.*); no token, a signature instead",
  })
  @ApiHeader({
    name: 'X-Twenty-Webhook-Timestamp',
    description: 'Milliseconds since the epoch; at most 5 minutes old',
  })
  @ApiHeader({
    name: 'X-Twenty-Webhook-Signature',
    description: 'Hex HMAC-SHA256 of `${timestamp}:${JSON.stringify(body)}` with the webhook secret',
  })
  @ApiHeader({ name: 'X-Twenty-Webhook-Nonce', description: 'Once per delivery; a repeat is refused' })
  @ApiResponse({ status: 202, description: 'Accepted; applied by a job' })
  @ApiResponse({ status: 401, description: 'Bad or missing signature, or a timestamp older than 5 minutes' })
  @ApiResponse({
    status: 409,
    description: 'The nonce or the signature (the same delivery) was already received',
  })
  async receive(
    @Param('workspaceId') rawWorkspaceId: string,
    @Req() req: RawBodyRequest,
  ): Promise<{ accepted: true }> {
    // The canonical (lower-case) id, so one workspace has one set of remembered nonces and signatures.
    const workspaceId = rawWorkspaceId.toLowerCase();
    const at = timestampMs(header(req, 'x-twenty-webhook-timestamp'));
    if (!isFresh(at, Date.now())) throw new KamError('webhook_timestamp_stale');
    const signature = header(req, 'x-twenty-webhook-signature') ?? '';
    const timestamp = header(req, 'x-twenty-webhook-timestamp')!;
    const connection = UUID.test(workspaceId) ? await this.connections.get(workspaceId) : undefined;
    // An unknown workspace looks exactly like a bad signature.
    if (!connection) throw new KamError('webhook_signature_invalid');
    const raw = req.rawBody?.toString('utf8') ?? '';
    const body: unknown = req.body;
    const valid =
      signatureMatches(connection.webhookSecret, timestamp, raw, signature) ||
      (body !== undefined &&
        signatureMatches(connection.webhookSecret, timestamp, JSON.stringify(body), signature));
    if (!valid) throw new KamError('webhook_signature_invalid');
    const nonce = header(req, 'x-twenty-webhook-nonce');
    if (!isNonce(nonce)) throw new KamError('webhook_signature_invalid');
    const payload = (body ?? {}) as { eventName?: unknown; record?: unknown; eventDate?: unknown };
    if (typeof payload.eventName !== 'string' || !payload.record || typeof payload.record !== 'object')
      throw new KamError('validation_failed', { fields: 'eventName, record' });
    // Kept twice as long as a delivery stays fresh, so a replay inside the window is always caught.
    if (!(await this.redis.rememberNonce(workspaceId, nonce, 2 * WEBHOOK_MAX_AGE_MS)))
      throw new KamError('webhook_replayed');
    // Twenty does not sign the nonce: a captured delivery sent again with a new one carries the same signature
    // (timestamp and body), and is refused for as long as its timestamp is fresh (issue 14, point 11). Twenty
    // never retries a delivery, so no genuine one is lost.
    if (!(await this.redis.rememberSignature(workspaceId, signature, 2 * WEBHOOK_MAX_AGE_MS))) {
      await this.redis.forgetNonce(workspaceId, nonce).catch(() => undefined);
      throw new KamError('webhook_signature_replayed');
    }
    try {
      await this.jobs.enqueueEvent(
        { workspaceId, eventName: payload.eventName, record: payload.record as TwentyRecord },
        createHash('sha256')
          .update(JSON.stringify([payload.eventName, payload.record, payload.eventDate ?? null]))
          .digest('hex')
          .slice(0, 40),
      );
    } catch (e) {
      // Not queued: the same delivery sent again must be accepted.
      await this.redis.forgetNonce(workspaceId, nonce).catch(() => undefined);
      await this.redis.forgetSignature(workspaceId, signature).catch(() => undefined);
      throw e;
    }
    return { accepted: true };
  }
}
