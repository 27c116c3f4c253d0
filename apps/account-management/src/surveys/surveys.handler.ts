import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  Actor,
  AnswerSurveyRequest,
  CreateSurveyRequest,
  ListAccountSurveysRequest,
  ListSurveysRequest,
  parseDto,
  RunSurveyScheduleRequest,
  SUBJECTS,
  SurveyAggregatesRequest,
} from '@app/contracts';
import { JobRunNow, QueueName } from '@app/jobs';
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
  private readonly runner: JobRunNow;

  constructor(
    private readonly surveys: SurveysService,
    @InjectQueue(QueueName.Surveys) queue: Queue,
  ) {
    this.runner = new JobRunNow(queue, { service: 'account-management', waitMs: RUN_WAIT_MS });
  }

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
  runSchedule(data: unknown, actor: Actor): Promise<ScheduleSatisfactionSurveysResult> {
    const r = parseDto(RunSurveyScheduleRequest, data);
    const job: Omit<ScheduleSatisfactionSurveysData, 'workspaceId'> = { asOf: r.data.asOf };
    return this.runner.run(actor, ScheduleSatisfactionSurveysJob.name, job);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.close();
  }
}
