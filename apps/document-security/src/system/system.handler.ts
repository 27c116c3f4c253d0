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
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
  ) {}

  @RpcHandler(SUBJECTS.documents.ping)
  ping(): Promise<PingReply> {
    return checkDependencies('document-security', this.ds, this.queue);
  }
}
