import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { PingReply, SERVICES, ServiceKey, SUBJECTS } from '@app/contracts';
import { NatsConnectionService, RpcClient } from '@app/messaging';
import { QueueName } from '@app/jobs';
import { checkDependencies } from '@app/observability';
import { Public } from '../auth/auth.decorators';

const SYSTEM_ACTOR = {
  workspaceId: '00000000-0000-0000-0000-000000000000',
  memberId: '00000000-0000-0000-0000-000000000000',
  roles: [],
  requestId: 'health',
  kind: 'system' as const,
};

@ApiTags('system')
@Controller()
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly nats: NatsConnectionService,
    private readonly rpc: RpcClient,
    @InjectQueue(QueueName.CrmSync) private readonly queue: Queue,
  ) {}

  /** PostgreSQL, Redis, NATS and each service (pinged over NATS). 200 when all are up, else 503. */
  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Health of the gateway, its dependencies and every service' })
  async health(@Res({ passthrough: true }) res: Response) {
    const own = await checkDependencies('gateway', this.ds, this.queue);
    const services: Record<string, PingReply | { status: 'down'; error: string }> = {};
    await Promise.all(
      (Object.keys(SERVICES) as ServiceKey[]).map(async (key) => {
        try {
          services[SERVICES[key].name] = await this.rpc.request<PingReply>(
            SUBJECTS[key].ping,
            SYSTEM_ACTOR,
            {},
            { timeoutMs: 1500 },
          );
        } catch (e) {
          services[SERVICES[key].name] = { status: 'down', error: (e as Error).message };
        }
      }),
    );
    const checks = { ...own.checks, nats: this.nats.isConnected() ? 'up' : 'down' };
    const up =
      Object.values(checks).every((c) => c === 'up') &&
      Object.values(services).every((s) => s.status === 'up');
    res.status(up ? 200 : 503);
    return { status: up ? 'up' : 'down', checks, services };
  }
}
