import { Injectable } from '@nestjs/common';
import {
  Actor,
  ContractRemindersResult,
  CreateRiskRequest,
  CreateTenderRequest,
  HealthRunResult,
  ListRisksRequest,
  ListTendersRequest,
  parseDto,
  RunDailyJobRequest,
  SUBJECTS,
  TenderRemindersResult,
  UpdateRiskRequest,
  UpdateTenderRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { RisksService } from './risks.service';
import { TendersService } from './tenders.service';
import { DailyJobRunner } from './daily-job-runner';
import {
  ContractRenewalRemindersJob,
  ScoreAccountHealthJob,
  TenderDeadlineRemindersJob,
} from '../jobs/account-health.job';

/** NATS face of account health, the risk register and tenders (政府采购), and their daily jobs on demand. */
@Injectable()
export class HealthHandler {
  constructor(
    private readonly risks: RisksService,
    private readonly tenders: TendersService,
    private readonly runner: DailyJobRunner,
  ) {}

  @RpcHandler(SUBJECTS.accounts.healthRun)
  runHealth(data: unknown, actor: Actor) {
    return this.runner.run<HealthRunResult>(
      actor,
      ScoreAccountHealthJob.name,
      parseDto(RunDailyJobRequest, data).data,
    );
  }

  @RpcHandler(SUBJECTS.accounts.tenderRunReminders)
  runTenderReminders(data: unknown, actor: Actor) {
    return this.runner.run<TenderRemindersResult>(
      actor,
      TenderDeadlineRemindersJob.name,
      parseDto(RunDailyJobRequest, data).data,
    );
  }

  @RpcHandler(SUBJECTS.accounts.contractRunRenewalReminders)
  runContractReminders(data: unknown, actor: Actor) {
    return this.runner.run<ContractRemindersResult>(
      actor,
      ContractRenewalRemindersJob.name,
      parseDto(RunDailyJobRequest, data).data,
    );
  }

  @RpcHandler(SUBJECTS.accounts.riskList)
  listRisks(data: unknown, actor: Actor) {
    return this.risks.list(actor, parseDto(ListRisksRequest, data).accountId);
  }

  @RpcHandler(SUBJECTS.accounts.riskCreate)
  createRisk(data: unknown, actor: Actor) {
    const r = parseDto(CreateRiskRequest, data);
    return this.risks.create(actor, r.accountId, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.riskUpdate)
  updateRisk(data: unknown, actor: Actor) {
    const r = parseDto(UpdateRiskRequest, data);
    return this.risks.update(actor, r.id, r.expectedVersion, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.tenderList)
  listTenders(data: unknown, actor: Actor) {
    const r = parseDto(ListTendersRequest, data);
    return this.tenders.list(actor, r.query, r.accountId);
  }

  @RpcHandler(SUBJECTS.accounts.tenderCreate)
  createTender(data: unknown, actor: Actor) {
    const r = parseDto(CreateTenderRequest, data);
    return this.tenders.create(actor, r.accountId, r.data);
  }

  @RpcHandler(SUBJECTS.accounts.tenderUpdate)
  updateTender(data: unknown, actor: Actor) {
    const r = parseDto(UpdateTenderRequest, data);
    return this.tenders.update(actor, r.id, r.expectedVersion, r.data);
  }
}
