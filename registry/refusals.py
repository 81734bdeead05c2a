"""The words of every refusal, by its stable code: `{kind, zh, en}` with `{placeholders}`.

A rule raises a refusal by code (`domain.refusals.refuse`, or `models.base.body_error` in a body model), and
so does a door (the API's services and routes, the web pages: `services.errors.refused(status, code, ...)`);
the API answers `{"detail": {"code", "field", "message_zh", "message_en"}}` with these words, and the UI
shows the words of the chosen language next to the field. Nothing ever matches the English text.
"""

from dataclasses import dataclass

from models.enums import RefusalKind

CONFLICT, FORBIDDEN, INVALID = RefusalKind.CONFLICT, RefusalKind.FORBIDDEN, RefusalKind.INVALID


@dataclass(frozen=True)
class Words:
    kind: RefusalKind | None  # None: a refusal of the doors (API and web), which give its HTTP status themselves
    zh: str
    en: str


REFUSALS: dict[str, Words] = {
    # who may act (403)
    "role_not_allowed": Words(FORBIDDEN, "{role_zh}不能{action_zh}，只有{roles_zh}可以", "a {role} cannot {action}; only {roles} may"),
    "not_a_human_action": Words(FORBIDDEN, "“{action_zh}”由系统执行", "{action} is a system step, taken by no user"),
    "not_your_enterprise": Words(FORBIDDEN, "只能处理本企业的{subject_zh}", "an enterprise user acts only on its own enterprise's {subject}"),
    "outside_jurisdiction": Words(FORBIDDEN, "该{subject_zh}不在您的辖区或企业范围内", "this {subject} is outside your jurisdiction or enterprise"),
    "above_listing_authority": Words(FORBIDDEN, "核查验收由挂牌督办机关或其下级机关负责", "verification belongs to the listing authority or a lower authority that holds the hazard"),
    "not_listing_authority": Words(FORBIDDEN, "只有挂牌督办机关（{authority}）的督办人员可以执行此操作", "only a supervisor of the {what} authority ({authority}) may do this"),
    "not_conducting_authority": Words(FORBIDDEN, "只有约谈机关（{authority_name} {authority}）的督办人员可以执行此操作", "only a supervisor of the conducting authority ({authority}) may do this"),
    "four_eyes": Words(FORBIDDEN, "核查验收人不得同时办理销号（四眼原则），请由另一名督办人员销号", "four eyes: the supervisor who verified this major hazard may not also close it; another supervisor must"),
    "own_request": Words(FORBIDDEN, "不得审批本人提出的延期申请", "nobody decides an extension request they made themselves"),
    # the state (409)
    "wrong_state": Words(CONFLICT, "{subject_zh}当前状态为“{status_zh}”，不能{action_zh}", "cannot {action} {article} {subject} that is {status}"),
    "general_not_listed": Words(CONFLICT, "一般隐患不挂牌督办", "only major hazards are listed for supervision"),
    "extension_pending": Words(CONFLICT, "已有一份延期申请待审批", "an extension request is already waiting for a decision"),
    "extension_limit": Words(CONFLICT, "挂牌督办隐患最多延期 {limit} 次", "a listed hazard may be extended at most {limit} times"),
    "no_extension_pending": Words(CONFLICT, "没有待审批的延期申请", "there is no extension request to decide"),
    "already_paused": Words(CONFLICT, "期限计时已中止", "the clock is already paused"),
    "not_paused": Words(CONFLICT, "期限计时未中止", "the clock is not paused"),
    # the body against the state and the clock (422)
    "date_in_past": Words(INVALID, "日期 {day} 已过，请选择今天或以后的日期", "{day} is in the past; choose today or a later date"),
    "duties_not_separated": Words(FORBIDDEN, "{role_zh}不能{step_zh}（写、审、签分离）", "{role_en} may not {step_en} (who writes, approves and signs are different people)"),
    "date_too_far": Words(INVALID, "日期 {day} 超出一年期限，最晚为 {limit}", "{day} is more than a year away; the latest is {limit}"),
    "extension_too_long": Words(INVALID, "每次延期不超过 {maximum} 个工作日", "at most {maximum} working days per extension"),
    "plan_after_deadline": Words(INVALID, "整改方案的完成时限不能晚于督办期限 {limit}", "the plan must finish by the listing's deadline, {limit}"),
    "late_extension_needs_reason": Words(INVALID, "距整改期限已不足 {days} 个工作日，逾时申请须说明理由", "fewer than {days} working days are left; a late request needs a reason"),
    "period_too_long": Words(INVALID, "挂牌督办隐患的整改总期限不得超过 {limit} 天", "a listed hazard's whole rectification period may not exceed {limit} days"),
    "no_authority_at_level": Words(INVALID, "该隐患所在地区没有{level_zh}级督办机关", "the hazard's region has no {level}-level authority"),
    "schedule_in_past": Words(INVALID, "约谈时间已过，请选择以后的时间", "the interview time has passed; choose a later time"),
    "schedule_too_late": Words(INVALID, "约谈应在通知后 {days} 日内进行，最晚 {last_day}", "the interview must take place within {days} days of the notice, by {last_day}"),
    # the body alone (422, from the body models' own validators)
    "basis_required": Words(INVALID, "重大隐患须写明判定依据（标准及条款）", "a major hazard must cite its determination standard and clause"),
    "rectification_not_for_major": Words(INVALID, "重大隐患须挂牌督办，定级时不选整改方式", "a major hazard is listed, not ordered on assessment"),
    "rectification_required": Words(INVALID, "一般隐患须选择整改方式", "say 'immediate' or 'deadline' for a general hazard"),
    "deadline_not_for_immediate": Words(INVALID, "即查即改不填期限", "a hazard fixed on the spot has no deadline"),
    "return_needs_comment": Words(INVALID, "退回方案须说明理由", "say why the plan is returned"),
    "fail_needs_comment": Words(INVALID, "核查不通过须说明理由", "say why the verification failed"),
    "reject_needs_comment": Words(INVALID, "驳回延期须说明理由", "say why the extension is rejected"),
    "new_deadline_required": Words(INVALID, "核查不通过须确定新的整改期限", "a failed verification sets a new rectification deadline"),
    "only_when_failed": Words(INVALID, "“虚假整改”和新期限只用于核查不通过", "fake_rectification and new_deadline go with a failed verification only"),
    "reason_required": Words(INVALID, "作废须说明理由", "say why the record is void"),
    "days_required": Words(INVALID, "请填写批准延期的工作日数", "say how many working days are granted"),
    "minutes_required": Words(INVALID, "请填写约谈纪要", "record the minutes of the interview held"),
    "attendees_required": Words(INVALID, "请填写参加人员", "name who attended the interview"),
    "discovered_in_future": Words(INVALID, "发现时间不能晚于现在", "the discovery time is in the future"),
    "discovered_too_early": Words(INVALID, "发现时间不能早于 {earliest}", "the discovery time may not be before {earliest}"),
    "date_out_of_range": Words(INVALID, "日期 {day} 超出范围，应在 {earliest} 至 {latest} 之间", "{day} is out of range; choose a date from {earliest} to {latest}"),
    "date_as_number": Words(INVALID, "请按 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM 填写日期时间，不接受数字", "write the date (and time) as YYYY-MM-DD or YYYY-MM-DDTHH:MM, not as a number"),
    "blank": Words(INVALID, "不能为空", "must not be blank"),
    # campaigns (专项整治): registry/campaign.py, models/campaign.py, services/campaigns.py
    "not_launching_authority": Words(FORBIDDEN, "只有发起机关（{authority_name} {authority}）的督办人员或领导可以执行此操作", "only a supervisor or leader of the launching authority ({authority}) may do this"),
    "phase_ended": Words(CONFLICT, "“{phase_zh}”阶段已于 {day} 结束，不能再调整", "the {phase} phase ended on {day}; it cannot be moved"),
    "phase_not_in_campaign": Words(INVALID, "本专项整治没有“{phase_zh}”阶段", "this campaign has no {phase} phase"),
    "phase_started": Words(INVALID, "“{phase_zh}”阶段已开始，只能调整结束日期", "the {phase} phase has started; only its end can move"),
    "phases_overlap": Words(INVALID, "各阶段应按顺序排列且不得重叠", "the phases must be in order and must not overlap"),
    "phase_ends_before_start": Words(INVALID, "阶段结束日期不能早于开始日期", "a phase cannot end before it starts"),
    "phase_repeated": Words(INVALID, "同一阶段只能出现一次", "each kind of phase may appear once"),
    "campaign_too_long": Words(INVALID, "专项整治最长十年", "a campaign may last at most ten years"),
    "campaign_over": Words(INVALID, "各阶段均已结束（{day}），不能再部署", "every phase has already ended ({day}); nothing left to launch"),
    "rectify_phase_required": Words(INVALID, "专项整治须包含“限期整改”阶段", "a campaign needs a rectify phase"),
    "measure_not_found": Words(INVALID, "制度措施清单中没有第 {measure_id} 项", "the list of measures has no item {measure_id}"),
    "measure_done": Words(CONFLICT, "第 {measure_id} 项制度措施已完成", "measure {measure_id} is already completed"),
    "too_many_measures": Words(INVALID, "制度措施清单最多 {limit} 项", "the list of measures holds at most {limit} items"),
    "campaign_not_found": Words(INVALID, "专项整治 {campaign_id} 不存在", "no campaign {campaign_id}"),
    "campaign_not_active": Words(INVALID, "专项整治 {campaign_id} 当前不在进行中（{status_zh}）", "campaign {campaign_id} is not active ({status})"),
    "campaign_region_mismatch": Words(INVALID, "该隐患所在地区不在专项整治 {campaign_id} 的范围内", "the hazard's region is outside the scope of campaign {campaign_id}"),
    "campaign_industry_mismatch": Words(INVALID, "专项整治 {campaign_id} 只针对以下行业：{industries}", "campaign {campaign_id} covers only these industries: {industries}"),
    # the reporting cadence
    "period_order": Words(INVALID, "统计期的结束日期不能早于开始日期", "the period's end may not come before its start"),
    "region_required": Words(INVALID, "请指定行政区划代码", "say which region (region_code)"),
    "no_ranking_policy": Words(CONFLICT, "督办策略 {policy} 没有打分排队规则（[ranking]）", "the policy profile {policy} has no ranking weights ([ranking])"),
    # --- inspection tours (巡查) ---
    "not_organizer": Words(FORBIDDEN, "只有组织巡查的安委会（{organizer_name} {organizer}）的人员可以执行此操作", "only staff of the organizing committee ({organizer}) may do this"),
    "target_outside_organizer": Words(FORBIDDEN, "巡查对象 {target} 不在组织单位 {organizer} 的辖区内", "target {target} is outside the organizer {organizer}'s jurisdiction"),
    "not_team_member": Words(FORBIDDEN, "只有巡查组成员可以执行此操作", "only a member of the tour team may do this"),
    "not_team_leader": Words(FORBIDDEN, "巡查报告由巡查组组长撰写", "the tour report is written by the team leader"),
    "not_target_authority": Words(FORBIDDEN, "只有巡查对象 {target} 所在地的督办人员可以报送整改情况", "only a supervisor of the target {target} may report its rectification"),
    "tour_hazard_listing": Words(FORBIDDEN, "巡查发现的重大隐患由组织巡查的安委会（{authority}）挂牌督办", "a major hazard found by an inspection tour is listed by the organizing committee ({authority})"),
    "team_too_small": Words(INVALID, "巡查组不少于 {minimum} 人（现为 {size} 人）", "a tour team has at least {minimum} people (this one has {size})"),
    "team_needs_one_leader": Words(INVALID, "巡查组须有且只有一名组长（现为 {count} 名）", "a tour team has exactly one leader (this one has {count})"),
    "team_needs_deputy": Words(INVALID, "巡查组至少须有一名副组长", "a tour team has at least one deputy leader"),
    "team_member_twice": Words(INVALID, "{username} 在巡查组中出现了两次", "{username} appears twice in the team"),
    "unknown_user": Words(INVALID, "没有用户 {username}", "there is no user {username}"),
    "team_member_not_staff": Words(INVALID, "{username} 不是机关工作人员，不能参加巡查组", "{username} is not government staff and cannot join a tour team"),
    "avoidance_region": Words(INVALID, "地域回避：{username}（{name}）在 {jurisdiction} 工作，不能巡查 {target}", "regional avoidance: {username} ({name}) works in {jurisdiction} and may not tour {target}"),
    "avoidance_unit": Words(INVALID, "任职回避：{username}（{name}）任职于 {unit}，不能巡查该单位", "avoidance of one's own unit: {username} ({name}) works for {unit} and may not tour it"),
    "unknown_target": Words(INVALID, "{target} 不是本次巡查的对象", "{target} is not a target of this tour"),
    "unknown_finding": Words(INVALID, "没有编号为 {finding} 的发现", "there is no finding {finding}"),
    "not_a_clue": Words(INVALID, "只有违法违规线索可以移交（{finding} 是“{kind}”）", "only a clue is transferred ({finding} is a {kind})"),
    "clue_already_transferred": Words(CONFLICT, "线索 {finding} 已移交 {to}", "clue {finding} was already transferred to {to}"),
    "target_wrong_state": Words(CONFLICT, "巡查对象 {target} 当前为“{status_zh}”，不能{action_zh}", "target {target} is {status}; cannot {action}"),
    "ends_before_start": Words(INVALID, "结束日期不能早于开始日期", "the end date is before the start date"),
    "focus_required": Words(INVALID, "请至少列出一项巡查内容", "list at least one focus item"),
    "hazard_fields_required": Words(INVALID, "隐患类发现须填写隐患登记信息", "a hazard finding carries the hazard's report fields"),
    "hazard_fields_not_allowed": Words(INVALID, "只有隐患类发现填写隐患登记信息", "only a hazard finding carries hazard fields"),
    "rectification_reject_needs_comment": Words(INVALID, "认定整改不到位须说明理由", "say why the rectification is judged inadequate"),
    "unknown_enterprise": Words(INVALID, "未登记统一社会信用代码为 {uscc} 的企业", "no enterprise {uscc} is registered"),
    "unknown_region": Words(INVALID, "行政区划代码 {region} 不存在", "no region {region}"),
    "hazard_outside_target": Words(INVALID, "隐患所在地 {region} 不在巡查对象 {target} 的范围内", "the hazard's region {region} is not within the target {target}"),
    # pydantic's own checks of a field, by their type (see `input_words`)
    "invalid_input": Words(INVALID, "提交的内容有误：{summary}", "the request is not valid: {summary}"),
    # official documents, sign-off and publication
    "unknown_document": Words(CONFLICT, "没有编号为 {id} 的文书", "there is no document {id}"),
    "not_a_leader": Words(FORBIDDEN, "只有领导可以签发文书", "only a leader signs documents"),
    "not_issuing_authority": Words(FORBIDDEN, "只有发文机关（{authority}）的领导可以签发此文书", "only a leader of the issuing authority ({authority}) may sign this document"),
    "already_signed": Words(CONFLICT, "该文书已签发", "this document is already signed"),
    "no_signature_needed": Words(CONFLICT, "该文书无需领导签发，已直接印发", "this document needs no leader's signature; it was issued as it was drafted"),
    "nothing_to_publish": Words(CONFLICT, "没有待公示的挂牌督办或销号信息", "there is no listing or close-out waiting to be published"),
    "document_not_signed": Words(CONFLICT, "{document_zh}尚未经领导签发，不能公示", "the {document} is not signed by a leader yet; it cannot be published"),
    # --- the doors' own refusals (services, API routes, web pages): `services.errors.refused(status, code, ...)` ---
    # who is asking
    "not_authenticated": Words(None, "请先登录", "sign in first: send a valid bearer token"),
    "token_revoked": Words(None, "登录已失效（已退出登录或密码已更改），请重新登录", "this token was revoked (signed out or password changed): sign in again"),
    "bad_credentials": Words(None, "用户名或密码错误", "wrong username or password"),
    "too_many_attempts": Words(None, "登录失败后请等待 {wait_zh}再试", "after a failed sign-in, wait {wait} before trying again"),
    "csrf_failed": Words(FORBIDDEN, "页面已过期，请刷新后重试", "this page has expired; reload it and try again"),
    "own_account": Words(CONFLICT, "不能停用或降级自己的管理员账户", "you cannot disable or demote your own admin account"),
    # records that are not there, or not the caller's
    "not_found": Words(None, "未找到{what_zh}", "no {what}"),
    "unknown_record_kind": Words(INVALID, "未知的记录类型 {kind}", "unknown record kind {kind}"),
    "unknown_action": Words(None, "没有“{action}”这个操作，可用的有：{known}", "no action '{action}'; the actions are {known}"),
    "unknown_status": Words(INVALID, "{field}：没有“{value}”这个取值，可用的有：{known}", "{field}: no value '{value}'; the values are {known}"),
    "unknown_level": Words(INVALID, "{field}：没有“{value}”这个取值，可用的有：{known}", "{field}: no value '{value}'; the values are {known}"),
    "unknown_source": Words(INVALID, "{field}：没有“{value}”这个取值，可用的有：{known}", "{field}: no value '{value}'; the values are {known}"),
    "unknown_tour": Words(INVALID, "tour_id：没有正在进驻的巡查 {tour_id}", "tour_id: no tour {tour_id} is stationed now"),
    "enterprise_elsewhere": Words(INVALID, "region_code：企业登记在 {registered}，不在 {region}", "region_code: the enterprise is registered in {registered}, not in {region}"),
    "invalid_hash": Words(INVALID, "文书编号应为 64 位十六进制", "a document id is 64 hex characters"),
    "invalid_id": Words(INVALID, "照片编号应为 64 位十六进制", "a photo id is 64 hex characters"),
    "invalid_attachment_id": Words(INVALID, "附件编号应为 64 位十六进制", "an attachment id is 64 hex characters"),
    "account_not_ready": Words(None, "专项整治 {campaign_id} 的整改阶段尚未结账", "campaign {campaign_id} has no closing account yet (it is written when the rectify phase ends)"),
    "history_not_found": Words(None, "Temporal 中已无 {record_id} 的流程历史（超过保留期？请查阅审计导出）", "Temporal no longer holds the history of {record_id} (past retention? see the audit export)"),
    "record_incomplete": Words(INVALID, "请同时给出记录类型和编号", "give both the record's kind and its id"),
    # a process that has ended
    "hazard_finished": Words(CONFLICT, "隐患 {hazard} 的流程已结束", "the process of hazard {hazard} has ended"),
    "interview_finished": Words(CONFLICT, "该约谈的流程已结束", "the process of this interview has ended"),
    "tour_finished": Words(CONFLICT, "巡查 {tour_id} 的流程已结束", "the process of tour {tour_id} has ended"),
    "campaign_finished": Words(CONFLICT, "专项整治 {campaign_id} 的流程已结束", "the process of campaign {campaign_id} has ended"),
    "already_screened": Words(CONFLICT, "该举报已处理", "this report has been screened already"),
    "idempotency_key_reused": Words(INVALID, "Idempotency-Key 已用于另一份不同的登记", "this Idempotency-Key was used for a different report"),
    # files, photos and attachments
    "invalid_photo": Words(INVALID, "photos[{index}]：仅接受可读取的、2MB 以内的 JPEG/PNG 图片（base64）", "photos[{index}]: {problem}"),
    "attachment_too_large": Words(INVALID, "文件超过 {mb} MB 的上限", "the file is larger than the limit of {mb} MB"),
    "empty_attachment": Words(INVALID, "文件为空", "the file is empty"),
    "unsupported_attachment_type": Words(INVALID, "只接受 JPEG、PNG 图片或 PDF 文件", "only JPEG or PNG images and PDF files are accepted"),
    "unreadable_image": Words(INVALID, "图片已损坏或无法读取", "the image is damaged or cannot be read"),
    "file_too_large": Words(INVALID, "文件过大（最大 {mb} MB）", "the file may be at most {mb} MB"),
    "not_a_workbook": Words(INVALID, "文件不是有效的 Excel（.xlsx）工作簿", "the file is not an .xlsx workbook"),
    "missing_columns": Words(INVALID, "缺少列：{columns_zh}", "missing columns: {columns}"),
    "too_many_rows": Words(INVALID, "每次最多导入 {limit} 行", "at most {limit} rows per import"),
    # notification channels
    "channel_unavailable": Words(INVALID, "渠道 {channel} 不适用：所在辖区未设置群机器人", "channel {channel} does not apply: your jurisdiction has no group robot"),
    "inbox_required": Words(INVALID, "站内信是督办记录，不能关闭", "the inbox is the record and cannot be switched off"),
    # the working-day calendar
    "invalid_calendar": Words(INVALID, "日期不在 {year} 年内，或既是假日又是调休工作日：{listed}", "dates outside {year}, or both a holiday and a workday: {listed}"),
    # the payload codec for the Temporal Web UI
    "codec_forbidden": Words(FORBIDDEN, "只有审计人员和管理员可以解密工作流数据", "only auditors and admins may decode workflow payloads"),
    "codec_wrong_namespace": Words(FORBIDDEN, "不是本系统的命名空间（{namespace}）", "this codec serves namespace {namespace!r}"),
    "codec_bad_payloads": Words(INVALID, "载荷格式不正确", "not Temporal payloads JSON: {error}"),
    "codec_undecryptable": Words(INVALID, "无法解密（密钥不在本系统的密钥环中，或数据被改动）", "cannot decrypt: {error}"),
    "codec_encode_refused": Words(FORBIDDEN, "不提供加密：指令须经本系统提交", "encoding is not offered: commands go through Duban's API, which checks them"),
    # not now: try again (429, 503), or still being recorded (202), or failed (500)
    "too_many_reports": Words(None, "提交过于频繁，请稍后再试", "too many reports from this address; try again later"),
    "too_many_requests": Words(None, "查询过于频繁，请稍后再试", "too many requests from this address"),
    "engine_unavailable": Words(None, "流程引擎暂时无法连接，本次操作未执行，请稍后重试", "the workflow engine cannot be reached right now; nothing was done, retry shortly"),
    "database_unavailable": Words(None, "数据库暂时无法连接，本次操作未执行，请稍后重试", "the database cannot be reached right now; nothing was done, retry shortly"),
    "no_free_code": Words(None, "暂时无法分配{what_zh}编号，请稍后重试", "no free {what} could be found; retry later"),
    "no_free_number": Words(None, "暂时无法分配专项整治编号，请稍后重试", "no free campaign number; retry later"),
    "not_yet_recorded": Words(None, "专项整治已部署，正在记录，请稍后查看", "launched; still being recorded"),
    "accepted": Words(None, "签发已受理，正在处理", "accepted; still being recorded"),
    "no_signing_key": Words(None, "未配置审计签名密钥", "{problem}"),
    "update_failed": Words(None, "操作失败：{message}", "the action failed: {message}"),

}

# the records a refusal names (`services.errors.not_found`): {record: (zh, en)}
RECORD_NAMES: dict[str, tuple[str, str]] = {
    "hazard": ("隐患", "hazard"),
    "interview": ("约谈", "interview"),
    "campaign": ("专项整治", "campaign"),
    "tour": ("巡查", "tour"),
    "circular": ("通报", "circular"),
    "document": ("文书", "document"),
    "report": ("报告", "report"),
    "whistleblower_report": ("举报", "report"),
    "photo": ("照片", "photo"),
    "attachment": ("附件", "attachment"),
    "webhook": ("群机器人", "webhook"),
    "notification": ("通知", "notification"),
    "user": ("用户", "user"),
    "policy_profile": ("督办规则", "policy profile"),
    "checkpoint": ("检查点", "checkpoint"),
    "region": ("地区", "region"),
}

# pydantic's error types, in words: {type: (zh, en)} with pydantic's own context as placeholders.
INPUT_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("此项必填", "this field is required"),
    "string_too_short": ("不能为空", "must not be empty"),
    "string_too_long": ("不超过 {max_length} 个字", "at most {max_length} characters"),
    "too_long": ("不超过 {max_length} 项", "at most {max_length} items"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "float_parsing": ("应为数字", "must be a number"),
    "float_type": ("应为数字", "must be a number"),
    "bool_parsing": ("应为是或否", "must be true or false"),
    "bool_type": ("应为是或否", "must be true or false"),
    "date_parsing": ("日期格式不对（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("日期格式不对（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_type": ("日期格式不对（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "datetime_parsing": ("时间格式不对", "must be a date and time"),
    "datetime_from_date_parsing": ("时间格式不对", "must be a date and time"),
    "datetime_type": ("时间格式不对", "must be a date and time"),
    "enum": ("请从以下选择：{expected}", "must be one of {expected}"),
    "literal_error": ("请从以下选择：{expected}", "must be one of {expected}"),
    "string_pattern_mismatch": ("格式不对", "does not have the expected form"),
    "string_type": ("应为文字", "must be text"),
    "list_type": ("应为列表", "must be a list"),
    "tuple_type": ("应为列表", "must be a list"),
    "model_type": ("格式不对", "must be an object"),
    "dict_type": ("格式不对", "must be an object"),
    "json_invalid": ("不是有效的 JSON", "is not valid JSON"),
    "extra_forbidden": ("不认识这一项", "is not a field of this request"),
}


def words(code: str, **params: object) -> tuple[str, str]:
    """The Chinese and English words of refusal `code`, its placeholders filled."""
    entry = REFUSALS[code]
    values = _Missing(params)
    return entry.zh.format_map(values), entry.en.format_map(values)


class _Missing(dict[str, object]):
    """A placeholder the caller did not give stays visible instead of failing the refusal."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def input_words(error_type: str, context: dict[str, object] | None, fallback: str) -> tuple[str, str]:
    """pydantic's check of one field in both languages; its own English message when the type is unknown."""
    pair = INPUT_WORDS.get(error_type)
    if pair is None:
        return fallback, fallback
    try:
        return pair[0].format(**(context or {})), pair[1].format(**(context or {}))
    except (KeyError, IndexError):
        return pair[0].split("{")[0].rstrip("：: "), pair[1].split("{")[0].rstrip(": ")
