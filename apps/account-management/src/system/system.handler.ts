import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PingReply, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { QueueName } from '@app/jobs';
import { checkDependencies } from '@app/observability';

@Injectable()
export class SystemHandler {
  constructor(
    private readonly ds: DataSource,
    @InjectQueue(QueueName.AccountMaintenance) private readonly queue: Queue,
  ) {}

  /** Health over NATS: the gateway's /health pings every service. */
  @RpcHandler(SUBJECTS.accounts.ping)
  ping(): Promise<PingReply> {
    return checkDependencies('account-management', this.ds, this.queue);
  }
}
