import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import {
  Actor,
  DocumentIdRequest,
  KamError,
  parseDto,
  RunDocumentJobRequest,
  SUBJECTS,
} from '@app/contracts';
import { hasCapability } from '@app/authz';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, queueReachable } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { REMIND_POLICY_ACKNOWLEDGEMENTS_JOB, RemindPoliciesData } from '../documents/document-jobs';
import { PoliciesService } from './policies.service';

const RUN_WAIT_MS = 120_000;

/** NATS face of policy documents (issue 6, point 6), and the console's "run the reminders now". */
@Injectable()
export class PoliciesHandler implements OnApplicationShutdown {
  private events?: QueueEvents;

  constructor(
    private readonly policies: PoliciesService,
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
  ) {}

  @RpcHandler(SUBJECTS.documents.policyPublish)
  publish(data: unknown, actor: Actor) {
    return this.policies.publish(actor, parseDto(DocumentIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.documents.policyAcknowledge)
  acknowledge(data: unknown, actor: Actor) {
    return this.policies.acknowledge(actor, parseDto(DocumentIdRequest, data).id);
  }

  @RpcHandler(SUBJECTS.documents.policyAcknowledgements)
  acknowledgements(data: unknown, actor: Actor) {
    return this.policies.acknowledgements(actor, parseDto(DocumentIdRequest, data).id);
  }

  /** The same job through the queue, waited for, visible in the console. */
  @RpcHandler(SUBJECTS.documents.runPolicyReminders)
  async runReminders(data: unknown, actor: Actor): Promise<unknown> {
    const r = parseDto(RunDocumentJobRequest, data);
    if (!hasCapability(actor.roles, 'jobs:console')) throw new KamError('forbidden');
    // While Redis is away, answer 503 at once instead of waiting in the client's offline queue.
    if (!(await queueReachable(this.queue))) throw new KamError('service_unavailable', { service: 'redis' });
    if (!this.events) {
      this.events = new QueueEvents(QueueName.Documents, {
        connection: this.queue.opts.connection,
        prefix: QUEUE_PREFIX,
      });
      await this.events.waitUntilReady();
    }
    const job = await this.queue.add(
      REMIND_POLICY_ACKNOWLEDGEMENTS_JOB,
      { workspaceId: actor.workspaceId, asOf: r.data.asOf } satisfies RemindPoliciesData,
      {
        ...DEFAULT_JOB_OPTIONS,
        attempts: 1,
        jobId: `${REMIND_POLICY_ACKNOWLEDGEMENTS_JOB}-run-${randomUUID()}`,
      },
    );
    return job.waitUntilFinished(this.events, RUN_WAIT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close();
  }
}
