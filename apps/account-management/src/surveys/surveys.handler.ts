import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import {
  Actor,
  AnswerSurveyRequest,
  CreateSurveyRequest,
  KamError,
  ListAccountSurveysRequest,
  ListSurveysRequest,
  parseDto,
  RunSurveyScheduleRequest,
  SUBJECTS,
  SurveyAggregatesRequest,
} from '@app/contracts';
import { hasCapability } from '@app/authz';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QueueName, queueReachable } from '@app/jobs';
import { RpcHandler } from '@app/messaging';
import { SurveysService } from './surveys.service';
import {
  ScheduleSatisfactionSurveysData,
  ScheduleSatisfactionSurveysJob,
  ScheduleSatisfactionSurveysResult,
} from './schedule-satisfaction-surveys.job';

/** How long an operator's "run the survey schedule now" waits for the job. */
const RUN_WAIT_MS = 20_000;

/** NATS face of satisfaction surveys. Thin: validate again (never trust the edge), then the use case. */
@Injectable()
export class SurveysHandler implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(
    private readonly surveys: SurveysService,
    @InjectQueue(QueueName.Surveys) private readonly queue: Queue,
  ) {}

  @RpcHandler(SUBJECTS.accounts.surveyList)
  list(data: unknown, actor: Actor) {
    return this.surveys.list(actor, parseDto(ListSurveysRequest, data).query);
  }

  @RpcHandler(SUBJECTS.accounts.surveyListOfAccount)
  listOfAccount(data: unknown, actor: Actor) {
    return this.surveys.listOfAccount(actor, parseDto(ListAccountSurveysRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.surveyCreate)
  create(data: unknown, actor: Actor) {
    const r = parseDto(CreateSurveyRequest, data);
    return this.surveys.create(actor, r.accountId, r.data, r.idempotencyKey);
  }

  @RpcHandler(SUBJECTS.accounts.surveyAnswer)
  answer(data: unknown, actor: Actor) {
    const r = parseDto(AnswerSurveyRequest, data);
    return this.surveys.answer(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.surveyAggregates)
  aggregates(data: unknown, actor: Actor) {
    return this.surveys.aggregates(actor, parseDto(SurveyAggregatesRequest, data).query);
  }

  /** The job console's "run now": enqueues the caller's workspace's survey schedule and waits for its result. */
  @RpcHandler(SUBJECTS.accounts.surveyRunSchedule)
  async runSchedule(data: unknown, actor: Actor): Promise<ScheduleSatisfactionSurveysResult> {
    const r = parseDto(RunSurveyScheduleRequest, data);
    if (!hasCapability(actor.roles, 'jobs:console')) throw new KamError('forbidden');
    // Redis away: 503 at once, not a wait in the client's offline queue until it returns.
    if (!(await queueReachable(this.queue))) throw new KamError('service_unavailable', { service: 'redis' });
    const events = await this.queueEvents();
    const job = await this.queue.add(
      ScheduleSatisfactionSurveysJob.name,
      { workspaceId: actor.workspaceId, asOf: r.data.asOf } satisfies ScheduleSatisfactionSurveysData,
      {
        ...DEFAULT_JOB_OPTIONS,
        attempts: 1,
        jobId: `${ScheduleSatisfactionSurveysJob.name}-run-${randomUUID()}`,
      },
    );
    return (await job.waitUntilFinished(events, RUN_WAIT_MS)) as ScheduleSatisfactionSurveysResult;
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.events = new QueueEvents(QueueName.Surveys, {
        connection: this.queue.opts.connection,
        prefix: QUEUE_PREFIX,
      });
      await this.events.waitUntilReady();
    }
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
