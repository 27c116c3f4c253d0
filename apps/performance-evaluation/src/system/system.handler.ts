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
    @InjectQueue(QueueName.Performance) private readonly queue: Queue,
  ) {}

  @RpcHandler(SUBJECTS.performance.ping)
  ping(): Promise<PingReply> {
    return checkDependencies('performance-evaluation', this.ds, this.queue);
  }
}
