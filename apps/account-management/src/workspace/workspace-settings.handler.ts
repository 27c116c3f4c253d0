import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Min } from 'class-validator';
import { Actor, KamError, parseDto, SUBJECTS } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { WorkspaceSettingsService } from './workspace-settings.service';

export class UpdateSettingsRequest {
  @IsInt() @Min(1) expectedVersion: number;
  @IsObject() changes: Record<string, unknown>;
  @IsOptional() @IsIn(['policy', 'abc', 'strategic']) tierLadderPreset?: string;
  @IsOptional() @IsObject() tierMapping?: Record<string, string>;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

@Injectable()
export class WorkspaceSettingsHandler {
  constructor(private readonly settings: WorkspaceSettingsService) {}

  @RpcHandler(SUBJECTS.accounts.settingsGet)
  get(_data: unknown, actor: Actor) {
    return this.settings.get(actor);
  }

  @RpcHandler(SUBJECTS.accounts.settingsHistory)
  history(_data: unknown, actor: Actor) {
    return this.settings.history(actor);
  }

  /**
   * Every workspace with its time zone, for services that schedule per workspace (performance cycles open on the
   * 1st in the workspace's zone). System callers only; the workspace in the envelope is ignored.
   */
  @RpcHandler(SUBJECTS.accounts.workspaceList)
  list(_data: unknown, actor: Actor) {
    if (actor.kind !== 'system') throw new KamError('forbidden');
    return this.settings.listWorkspaces();
  }

  @RpcHandler(SUBJECTS.accounts.settingsUpdate)
  update(data: unknown, actor: Actor) {
    const r = parseDto(UpdateSettingsRequest, data);
    return this.settings.update(actor, r.expectedVersion, r);
  }
}
