import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Actor, DocumentIdRequest, parseDto, RunDocumentJobRequest, SUBJECTS } from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { REMIND_POLICY_ACKNOWLEDGEMENTS_JOB, RemindPoliciesData } from '../documents/document-jobs';
import { PoliciesService } from './policies.service';

const RUN_WAIT_MS = 120_000;

/** NATS face of policy documents (issue 6, point 6), and the console's "run the reminders now". */
@Injectable()
export class PoliciesHandler implements OnApplicationShutdown {
  private readonly runner: JobRunNow;

  constructor(
    private readonly policies: PoliciesService,
    @InjectQueue(QueueName.Documents) queue: Queue,
  ) {
    this.runner = new JobRunNow(queue, { service: 'document-security', waitMs: RUN_WAIT_MS });
  }

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
  runReminders(data: unknown, actor: Actor): Promise<unknown> {
    const r = parseDto(RunDocumentJobRequest, data);
    const job: Omit<RemindPoliciesData, 'workspaceId'> = { asOf: r.data.asOf };
    return this.runner.run(actor, REMIND_POLICY_ACKNOWLEDGEMENTS_JOB, job);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}
