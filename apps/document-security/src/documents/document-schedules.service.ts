import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName, scheduleForWorkspace } from '@app/jobs';
import { AccessLogService } from '../access-log/access-log.service';
import {
  EXPIRE_GRANTS_CRON,
  EXPIRE_GRANTS_JOB,
  REMIND_POLICY_ACKNOWLEDGEMENTS_CRON,
  REMIND_POLICY_ACKNOWLEDGEMENTS_JOB,
  VERIFY_ACCESS_LOG_CRON,
  VERIFY_ACCESS_LOG_JOB,
} from './document-jobs';

/** Default time zone of the schedules. TODO(issue 6): the workspace's own, from account-management's settings. */
const TIME_ZONE = 'Asia/Shanghai';

/** One job scheduler per workspace that has an access log, for each periodic document job. */
@Injectable()
export class DocumentSchedulesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('schedules');
  private readonly known = new Set<string>();

  constructor(
    private readonly accessLog: AccessLogService,
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ids = await this.accessLog.workspaces();
    for (const id of ids) await this.ensure(id);
    if (ids.length) this.logger.log(`document schedules in place for ${ids.length} workspace(s)`);
  }

  /** Idempotent; cheap after the first call for a workspace. */
  async ensure(workspaceId: string): Promise<void> {
    if (this.known.has(workspaceId)) return;
    const w = { id: workspaceId, timeZone: TIME_ZONE };
    await scheduleForWorkspace(this.queue, VERIFY_ACCESS_LOG_JOB, VERIFY_ACCESS_LOG_CRON, w);
    await scheduleForWorkspace(this.queue, EXPIRE_GRANTS_JOB, EXPIRE_GRANTS_CRON, w);
    await scheduleForWorkspace(
      this.queue,
      REMIND_POLICY_ACKNOWLEDGEMENTS_JOB,
      REMIND_POLICY_ACKNOWLEDGEMENTS_CRON,
      w,
    );
    this.known.add(workspaceId);
  }
}
