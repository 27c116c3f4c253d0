import { FieldError, RemoteError } from './envelope';

/**
 * Stable error codes with their HTTP status and messages in both languages.
 * `{name}` placeholders are filled from the error's params.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, en: 'The request is invalid: {fields}', zh: '请求参数无效:{fields}' },
  unauthenticated: { status: 401, en: 'Authentication is required', zh: '需要登录认证' },
  token_invalid: { status: 401, en: 'The token is invalid or expired', zh: '令牌无效或已过期' },
  member_departed: { status: 401, en: 'This member has left the workspace', zh: '该成员已离职,令牌已失效' },
  member_unknown: {
    status: 401,
    en: 'This member is not known in the workspace',
    zh: '该工作区中没有这名成员',
  },
  token_lifetime_exceeded: {
    status: 401,
    en: 'The token lives longer than this deployment allows ({hours} h at most)',
    zh: '令牌有效期超过本系统允许的最长时间(最多 {hours} 小时)',
  },
  forbidden: { status: 403, en: 'You are not allowed to do this', zh: '您无权执行此操作' },
  not_found: { status: 404, en: 'Not found', zh: '未找到' },
  account_not_found: { status: 404, en: 'Key account not found', zh: '未找到该大客户' },
  contact_not_found: { status: 404, en: 'Contact not found', zh: '未找到该联系人' },
  account_plan_not_found: { status: 404, en: 'Account plan not found', zh: '未找到该客户计划' },
  complaint_not_found: { status: 404, en: 'Complaint not found', zh: '未找到该投诉' },
  illegal_complaint_transition: {
    status: 409,
    en: 'A complaint cannot move from {from} to {to}; allowed: {allowed}',
    zh: '投诉不能从 {from} 状态转到 {to};允许的状态:{allowed}',
  },
  complaint_callback_required: {
    status: 409,
    en: 'A complaint is closed only after the satisfaction callback is recorded',
    zh: '须先记录满意度回访,才能关闭投诉',
  },
  complaint_not_resolved: {
    status: 409,
    en: 'The satisfaction callback is recorded once the complaint is resolved',
    zh: '投诉处理完毕后才能记录满意度回访',
  },
  survey_not_found: { status: 404, en: 'Survey not found', zh: '未找到该满意度调查' },
  survey_not_pending: {
    status: 409,
    en: 'Only a pending survey can be answered; this one is {status}',
    zh: '只有待填写的满意度调查可以录入结果;当前状态:{status}',
  },
  project_not_found: { status: 404, en: 'Project not found', zh: '未找到该项目' },
  illegal_project_transition: {
    status: 409,
    en: 'A project cannot move from {from} to {to}; allowed: {allowed}',
    zh: '项目不能从 {from} 阶段转到 {to};允许的阶段:{allowed}',
  },
  project_stage_blocked: {
    status: 409,
    en: 'The project cannot enter {to} yet: {reason}',
    zh: '项目暂不能进入 {to} 阶段:{reason}',
  },
  risk_not_found: { status: 404, en: 'Risk not found', zh: '未找到该风险' },
  tender_not_found: { status: 404, en: 'Tender not found', zh: '未找到该招投标' },
  illegal_tender_transition: {
    status: 409,
    en: 'A tender cannot move from {from} to {to}; allowed: {allowed}',
    zh: '招投标不能从 {from} 状态转到 {to};允许的状态:{allowed}',
  },
  document_not_found: { status: 404, en: 'Document not found', zh: '未找到该文档' },
  document_version_not_found: {
    status: 404,
    en: 'Version {version} of this document does not exist',
    zh: '该文档没有第 {version} 版',
  },
  grant_not_found: { status: 404, en: 'Grant not found', zh: '未找到该授权' },
  document_file_required: {
    status: 400,
    en: 'Attach the file as the multipart field "file"',
    zh: '请以 multipart 字段 "file" 上传文件',
  },
  document_empty: { status: 400, en: 'The uploaded file is empty', zh: '上传的文件为空' },
  document_file_name_invalid: {
    status: 400,
    en: 'The file name is not acceptable: {reason}',
    zh: '文件名不可接受:{reason}',
  },
  document_type_unsupported: {
    status: 415,
    en: 'This kind of file is not accepted; allowed: PDF, PNG, JPEG, Office (docx/xlsx/pptx), UTF-8 text, Markdown, CSV',
    zh: '不接受此类文件;允许:PDF、PNG、JPEG、Office(docx/xlsx/pptx)、UTF-8 文本、Markdown、CSV',
  },
  document_type_mismatch: {
    status: 415,
    en: 'The file name says {declared} but the content is {detected}',
    zh: '文件名表明为 {declared},但内容实为 {detected}',
  },
  document_malformed: {
    status: 400,
    en: 'The file looks like a {type} but cannot be read as one (damaged or encrypted)',
    zh: '文件看似 {type},但无法按此格式读取(已损坏或已加密)',
  },
  document_corrupt: {
    status: 500,
    en: 'The stored document failed its integrity check and was not returned; the incident is logged',
    zh: '存储的文档未通过完整性校验,未予返回;已记录该事件',
  },
  document_key_unavailable: {
    status: 500,
    en: 'The master key {keyId} that protects this document is not configured',
    zh: '保护该文档的主密钥 {keyId} 未配置',
  },
  export_approval_required: {
    status: 403,
    en: 'An export of {count} items (over {threshold}, or with a secret document) needs an export request approved by the director',
    zh: '导出 {count} 条(超过 {threshold} 条,或含绝密文档)须先提交导出申请并经总监批准',
  },
  export_request_not_found: { status: 404, en: 'Export request not found', zh: '未找到该导出申请' },
  export_request_not_usable: {
    status: 409,
    en: 'This export request cannot be used: {reason}',
    zh: '该导出申请不可使用:{reason}',
  },
  api_key_roles_exceed: {
    status: 403,
    en: 'A key cannot carry roles its creator does not hold: {roles}',
    zh: 'API 密钥不能拥有创建者本人没有的角色:{roles}',
  },
  own_request: {
    status: 403,
    en: 'Nobody decides their own request; another approver must decide it',
    zh: '不能审批本人提出的申请,须由其他审批人处理',
  },
  export_request_decided: {
    status: 409,
    en: 'This export request is already {status}',
    zh: '该导出申请已处理(状态:{status})',
  },
  document_not_policy: {
    status: 409,
    en: 'Only a document of kind policy is published for acknowledgement',
    zh: '只有制度类文档可以发布并要求确认',
  },
  policy_classification_too_high: {
    status: 409,
    en: 'A policy every member must acknowledge has to be public or internal, not {classification}',
    zh: '须全员确认的制度只能是公开或内部级别,不能是 {classification}',
  },
  policy_not_published: {
    status: 409,
    en: 'This policy has no published version to acknowledge',
    zh: '该制度尚无已发布的版本可确认',
  },
  route_not_found: { status: 404, en: 'No such endpoint', zh: '接口不存在' },
  console_read_only: {
    status: 405,
    en: 'The job console only shows jobs and retries failed ones; nothing else can be changed here',
    zh: '任务控制台只能查看任务和重试失败的任务,不能做其他修改',
  },
  cycle_not_found: { status: 404, en: 'No evaluation cycle for {month}', zh: '{month} 没有考核周期' },
  scorecard_not_found: { status: 404, en: 'Scorecard not found', zh: '未找到该考核表' },
  appeal_not_found: { status: 404, en: 'Appeal not found', zh: '未找到该申诉' },
  cycle_exists: {
    status: 409,
    en: 'The evaluation cycle of {month} is already open',
    zh: '{month} 的考核周期已开启',
  },
  cycle_locked: {
    status: 409,
    en: 'The evaluation cycle of {month} is locked; nothing in it can change',
    zh: '{month} 的考核周期已锁定,不能再修改',
  },
  cycle_not_ready: {
    status: 409,
    en: 'The cycle of {month} cannot be locked: {pending} scorecard(s) are not approved',
    zh: '{month} 的考核周期不能锁定:还有 {pending} 份考核表未审批',
  },
  cycle_not_locked: {
    status: 409,
    en: 'Payroll is exported from a locked cycle; {month} is still open',
    zh: '工资数据须在考核周期锁定后导出;{month} 尚未锁定',
  },
  illegal_scorecard_transition: {
    status: 409,
    en: 'A scorecard cannot go from {from} to {to}',
    zh: '考核表不能从 {from} 状态转为 {to}',
  },
  scorecard_incomplete: {
    status: 409,
    en: 'Every criterion needs points before publication; missing: {missing}',
    zh: '发布前每项指标都须有得分;缺少:{missing}',
  },
  appeal_window_closed: {
    status: 409,
    en: 'Appeals are accepted within {days} days of publication',
    zh: '申诉须在考核结果发布后 {days} 天内提出',
  },
  appeal_window_open: {
    status: 409,
    en: 'The member may still appeal until {until}, or acknowledge first',
    zh: '成员在 {until} 前仍可申诉,或须先确认',
  },
  appeal_decided: { status: 409, en: 'This appeal has already been decided', zh: '该申诉已有处理结果' },
  warning_decided: {
    status: 409,
    en: 'This elimination warning has already been decided',
    zh: '该末位预警已有处理决定',
  },
  target_not_found: { status: 404, en: 'Target not found', zh: '未找到该目标' },
  target_exists: {
    status: 409,
    en: 'A {metric} target for this {scope} and period already exists',
    zh: '该{scope}在此期间已有 {metric} 目标',
  },
  training_not_found: { status: 404, en: 'Training session not found', zh: '未找到该培训' },
  commission_plan_not_found: { status: 404, en: 'Commission plan not found', zh: '未找到该提成方案' },
  commission_statement_not_found: {
    status: 404,
    en: 'Commission statement not found',
    zh: '未找到该提成结算单',
  },
  already_approved: { status: 409, en: 'This {what} is already approved', zh: '该{what}已审批' },
  team_not_found: { status: 404, en: 'Team not found', zh: '未找到该小组' },
  conflict: { status: 409, en: 'The request conflicts with the current state', zh: '请求与当前状态冲突' },
  crm_company_already_linked: {
    status: 409,
    en: 'This CRM company is already a key account',
    zh: '该 CRM 公司已是大客户',
  },
  contact_already_linked: {
    status: 409,
    en: 'This CRM person is already a contact of this account',
    zh: '该 CRM 联系人已是此客户的联系人',
  },
  account_plan_exists: {
    status: 409,
    en: 'This account already has a plan for {period}',
    zh: '该客户已有 {period} 期间的客户计划',
  },
  idempotency_key_reused: {
    status: 409,
    en: 'This Idempotency-Key was already used for a different request',
    zh: '该幂等键已用于另一个不同的请求',
  },
  tier_mapping_required: {
    status: 409,
    en: 'The new tier ladder drops tiers that accounts still use; map them explicitly: {tiers}',
    zh: '新的等级体系去掉了仍在使用的等级,请明确映射:{tiers}',
  },
  illegal_stage_transition: {
    status: 409,
    en: 'An account cannot move from {from} to {to}; allowed: {allowed}',
    zh: '客户不能从 {from} 阶段转到 {to};允许的阶段:{allowed}',
  },
  tier_change_pending: {
    status: 409,
    en: 'A tier change of this account is already waiting for approval',
    zh: '该客户已有一项等级调整在等待审批',
  },
  member_not_active: {
    status: 409,
    en: 'Member {member} has left; choose an active member',
    zh: '成员 {member} 已离职,请选择在职成员',
  },
  precondition_failed: {
    status: 412,
    en: 'The record was changed by someone else (version {current}); reload and try again',
    zh: '记录已被他人修改(当前版本 {current}),请刷新后重试',
  },
  precondition_required: {
    status: 428,
    en: 'An If-Match header with the record version is required',
    zh: '需要 If-Match 请求头(记录版本号)',
  },
  // CRM webhooks and sync (issue 7).
  webhook_signature_invalid: {
    status: 401,
    en: 'The webhook signature is missing or does not match',
    zh: 'Webhook 签名缺失或不匹配',
  },
  webhook_timestamp_stale: {
    status: 401,
    en: 'The webhook timestamp is missing or older than 5 minutes',
    zh: 'Webhook 时间戳缺失或已超过 5 分钟',
  },
  webhook_replayed: {
    status: 409,
    en: 'This webhook delivery (nonce) was already received',
    zh: '该 Webhook 投递(nonce)已收到过',
  },
  crm_not_configured: {
    status: 404,
    en: 'No CRM connection is configured for this workspace',
    zh: '该工作区尚未配置 CRM 连接',
  },
  crm_secret_key_missing: {
    status: 503,
    en: 'KAM_CRM_SECRET_KEY is not set, so CRM credentials cannot be stored or read',
    zh: '未设置 KAM_CRM_SECRET_KEY,无法保存或读取 CRM 凭据',
  },
  // Issue 14, points 5 and 11.
  crm_base_url_not_allowed: {
    status: 400,
    en:
      'baseUrl {url} is not allowed: the CRM must be reached over https at a public address. Plain http and ' +
      'private, loopback or link-local addresses are allowed only for hosts the deployment lists in ' +
      'KAM_CRM_ALLOWED_HOSTS',
    zh:
      'baseUrl {url} 不被允许:CRM 须通过 https 访问公网地址。明文 http 以及内网、回环或链路本地地址,' +
      '仅限部署在 KAM_CRM_ALLOWED_HOSTS 中列出的主机',
  },
  webhook_signature_replayed: {
    status: 409,
    en: 'This webhook delivery (its signature) was already received; a delivery is accepted once',
    zh: '该 Webhook 投递(签名)已收到过,每次投递只接受一次',
  },
  prospect_candidate_not_found: {
    status: 404,
    en: 'Prospect candidate not found',
    zh: '未找到该潜在客户线索',
  },
  prospect_candidate_not_open: {
    status: 409,
    en: 'This prospect candidate is already {status}',
    zh: '该潜在客户线索已{status}',
  },
  payload_too_large: { status: 413, en: 'The request body is too large', zh: '请求体过大' },
  unsupported_media_type: { status: 415, en: 'Send application/json', zh: '请使用 application/json' },
  internal_error: { status: 500, en: 'Internal error', zh: '服务器内部错误' },
  service_unavailable: {
    status: 503,
    en: 'The {service} service is unavailable; try again shortly',
    zh: '{service} 服务暂不可用,请稍后重试',
  },
} as const satisfies Record<string, { status: number; en: string; zh: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A domain error with a stable code; crosses NATS as a RemoteError. */
export class KamError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
    readonly errors?: FieldError[],
  ) {
    super(code);
    this.name = 'KamError';
  }

  /**
   * The refusal is already in the access log: document-security writes its own, richer entries (the document, the
   * attempted action), so the gateway does not add a second one (issue 14, point 6).
   */
  audited = false;

  markAudited(): this {
    this.audited = true;
    return this;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toRemote(): RemoteError {
    return {
      code: this.code,
      status: this.status,
      params: this.params,
      errors: this.errors,
      ...(this.audited ? { audited: true } : {}),
    };
  }

  static fromRemote(e: RemoteError): KamError {
    const code = (e.code in ERROR_CODES ? e.code : 'internal_error') as ErrorCode;
    const error = new KamError(code, e.params ?? {}, e.errors);
    return e.audited === true ? error.markAudited() : error;
  }
}

export function errorMessage(
  code: ErrorCode,
  locale: 'zh-CN' | 'en',
  params: Record<string, unknown> = {},
): string {
  const entry = ERROR_CODES[code];
  const template = locale === 'zh-CN' ? entry.zh : entry.en;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = params[key];
    return v === undefined || v === null ? '' : String(v);
  });
}
