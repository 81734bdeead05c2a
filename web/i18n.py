"""The web UI's words in Chinese (the default) and English. The language comes from the `lang` cookie, set by
the switch link in the page header (`/lang/zh`, `/lang/en`).

Refusals come in both languages with the refusal itself (`message_zh`, `message_en`, looked up by their code
in `registry/refusals.py`); nothing here translates a message.
"""

from typing import Literal

from registry.hazard import HAZARD
from registry.interview import INTERVIEW

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
LANG_COOKIE = "lang"

# key -> (zh, en)
WORDS: dict[str, tuple[str, str]] = {
    # chrome
    "app": ("督办", "Duban"),
    "app_long": ("事故隐患督办系统", "Hazard supervision"),
    "nav.tasks": ("待办", "My tasks"),
    "nav.hazards": ("隐患", "Hazards"),
    "nav.report": ("登记隐患", "Report a hazard"),
    "nav.board": ("挂图作战", "Board"),
    "nav.dashboard": ("统计", "Dashboard"),
    "nav.notifications": ("通知", "Notifications"),
    "nav.interviews": ("约谈", "Interviews"),
    "nav.whistleblower": ("举报受理", "Reports"),
    "nav.audit": ("审计", "Audit"),
    "wb.title": ("举报受理", "Whistleblower reports"),
    "wb.note": ("举报人联系方式已加密，仅举报受理专员可查看。", "The reporter's contact is sealed; only the whistleblower officer may read it."),
    "wb.done": ("已处理：", "Screened:"),
    "wb.photo": ("照片", "Photo"),
    "wb.outcome": ("公开答复", "Public outcome"),
    "wb.screen": ("甄别", "Screen"),
    "wb.industry": ("行业", "Industry"),
    "wb.to_hazard": ("登记为事故隐患", "Record as a hazard"),
    "wb.reject": ("不予受理", "Reject"),
    "wb.contact": ("举报人联系方式", "Reporter's contact"),
    "wb.show_contact": ("查看联系方式（留痕）", "Show the contact (audited)"),
    "wb.empty": ("暂无举报", "No reports"),
    "audit.title": ("审计视图", "Audit view"),
    "audit.chain": ("审计链核验", "Audit chain"),
    "audit.chain_ok": ("审计链完整：已核验 {n} 条记录", "The chain holds: {n} rows checked"),
    "audit.chain_broken": ("审计链被改动（已核验 {n} 条）：", "The chain is broken ({n} rows checked):"),
    "audit.checkpoints": ("签名检查点", "Signed checkpoints"),
    "audit.sign": ("签署当前检查点", "Sign a checkpoint now"),
    "audit.signed_at": ("时间", "Signed at"),
    "audit.rows": ("记录数", "Rows"),
    "audit.signed_by": ("签署人", "Signed by"),
    "audit.holds": ("核验", "Still holds"),
    "audit.history": ("流程历史与重放", "History and replay"),
    "audit.replay": ("查看历史并重放", "Show history and replay"),
    "audit.replay_ok": ("重放通过：{n} 段历史与当前代码一致，结果与读模型一致", "Replay clean: {n} histories match today's code and the read model"),
    "audit.replay_failed": ("重放不一致", "Replay diverged"),
    "audit.event": ("事件", "Event"),
    "audit.when": ("时间", "When"),
    "audit.what": ("内容", "What"),
    "audit.who": ("办理人", "Who"),
    "audit.detail": ("详情", "Detail"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "bad_credentials": ("用户名或密码错误", "Wrong username or password"),
    "csrf_failed": ("页面已过期，请刷新后重试", "This page has expired; reload it and try again"),
    "switch_lang": ("English", "中文"),
    "everything": ("全部辖区", "All jurisdictions"),
    # common
    "code": ("编号", "Code"),
    "title": ("标题", "Title"),
    "enterprise": ("企业", "Enterprise"),
    "region": ("地区", "Region"),
    "level": ("等级", "Level"),
    "status": ("状态", "Status"),
    "deadline": ("整改期限", "Deadline"),
    "due": ("期限", "Due"),
    "overdue": ("逾期", "Overdue"),
    "not_overdue": ("未逾期", "Not overdue"),
    "reported_at": ("登记时间", "Reported"),
    "industry": ("行业", "Industry"),
    "source": ("来源", "Source"),
    "action": ("操作", "Action"),
    "any": ("全部", "Any"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "search_title": ("标题包含", "Title contains"),
    "export_xlsx": ("导出整改台账（Excel）", "Export the ledger (Excel)"),
    "page_of": ("第 {page} / {pages} 页，共 {total} 条", "Page {page} of {pages}, {total} in all"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "none": ("无", "None"),
    "nothing": ("暂无", "Nothing yet"),
    "provisional": ("暂定", "provisional"),
    "provisional_hint": ("所涉年份的官方节假日安排尚未公布，期限按暂定规则计算", "the official holiday schedule of that year is not published yet; the deadline follows the provisional rule"),
    "submit": ("提交", "Submit"),
    "saved": ("已完成：{what}", "Done: {what}"),
    "accepted": ("操作已受理，正在处理，稍后刷新即可看到", "Accepted; still being recorded. Reload in a moment."),
    "form_errors": ("提交的内容有误，请按标出的字段修改", "The form has errors; see the marked fields"),
    "working_days_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "working_days_over": ("已逾期 {n} 个工作日", "{n} working days overdue"),
    "due_today": ("今日到期", "due today"),
    "no_due": ("无期限", "no deadline"),
    "urgency.red": ("逾期", "overdue"),
    "urgency.yellow": ("临近期限", "due soon"),
    "urgency.green": ("正常", "on track"),
    "download": ("下载", "Download"),
    "view": ("查看", "View"),
    # tasks
    "tasks.title": ("我的待办", "My tasks"),
    "tasks.empty": ("暂无待办事项", "Nothing to do right now"),
    "tasks.legend": (
        "红色：已逾期；黄色：{n} 个工作日内到期；绿色：期限充裕。",
        "Red: overdue; yellow: due within {n} working days; green: on track.",
    ),
    "tasks.todo": ("待办事项", "To do"),
    "tasks.more": ("仅列出最紧急的 {shown} 项（共 {total} 项），其余见隐患清单", "The {shown} most urgent of {total} are shown; see the hazard list for the rest"),
    # hazards
    "hazards.title": ("隐患清单", "Hazards"),
    "hazards.empty": ("没有符合条件的隐患", "No hazard matches"),
    "hazard.facts": ("基本情况", "Facts"),
    "hazard.description": ("描述", "Description"),
    "hazard.location": ("位置", "Location"),
    "hazard.discovered_at": ("发现时间", "Discovered"),
    "hazard.reported_by": ("登记人", "Reported by"),
    "hazard.policy": ("督办规则", "Policy"),
    "hazard.assessment": ("定级", "Assessment"),
    "hazard.listing": ("挂牌督办", "Listing"),
    "hazard.listing_authority": ("挂牌督办机关", "Listing authority"),
    "hazard.notice_number": ("文号", "Notice number"),
    "hazard.plan": ("整改方案", "Remediation plan"),
    "hazard.plan_reviews": ("方案审核", "Plan reviews"),
    "hazard.progress": ("整改进度", "Progress"),
    "hazard.completion": ("验收申请", "Completion"),
    "hazard.verifications": ("核查验收", "Verifications"),
    "hazard.extensions": ("延期", "Extensions"),
    "hazard.pause": ("中止计时", "Pause"),
    "hazard.paused_since": ("计时已中止（自 {since}）：{reason}", "Clock paused since {since}: {reason}"),
    "hazard.escalation": ("升级督办", "Escalation"),
    "hazard.fired": ("已启动", "Fired"),
    "hazard.next_rung": ("下一级：{rung}，{at}", "Next: {rung} on {at}"),
    "hazard.no_next_rung": ("目前没有待启动的升级措施", "No rung is scheduled"),
    "hazard.ladder": ("升级阶梯", "Ladder"),
    "hazard.clocks": ("计时", "Clocks"),
    "hazard.timeline": ("办理过程", "Timeline"),
    "hazard.actions": ("可办理的操作", "What you can do"),
    "hazard.no_actions": ("您目前没有可办理的操作", "Nothing for you to do here now"),
    "hazard.interviews": ("约谈", "Interviews"),
    "hazard.documents": ("文书", "Documents"),
    "hazard.evidence": ("证明材料", "Evidence"),
    "hazard.void_reason": ("作废理由", "Void reason"),
    "hazard.closed_at": ("销号时间", "Closed"),
    "hazard.failed_verifications": ("核查不通过次数", "Failed verifications"),
    "at": ("时间", "When"),
    "actor": ("办理人", "By"),
    "comment": ("意见", "Comment"),
    "from_to": ("状态变化", "Status"),
    "requested": ("申请", "Requested"),
    "decided": ("决定", "Decided"),
    # report
    "report.title": ("登记隐患", "Report a hazard"),
    # board
    "board.title": ("挂图作战", "Board"),
    "board.sub": ("下级辖区", "Sub-jurisdictions"),
    "board.open": ("在办", "Open"),
    "board.more": ("另有 {n} 条", "{n} more"),
    "board.own_level": ("本级", "this level"),
    # dashboard
    "dash.title": ("统计", "Dashboard"),
    "dash.period": ("统计期间（按登记时间）", "Period (by report date)"),
    "dash.from": ("自", "From"),
    "dash.to": ("至", "To"),
    "dash.found": ("发现", "Found"),
    "dash.rectified": ("已整改", "Rectified"),
    "dash.rate": ("整改率", "Rectification rate"),
    "dash.on_time_rate": ("按期整改率", "On-time rate"),
    "dash.listed": ("挂牌", "Listed"),
    "dash.closure_rate": ("销号率", "Close-out rate"),
    "dash.overdue_now": ("当前逾期", "Overdue now"),
    "dash.rungs": ("升级次数", "Rungs fired"),
    "dash.by_region": ("按下级辖区", "By sub-jurisdiction"),
    "dash.by_industry": ("按行业", "By industry"),
    "dash.total": ("合计", "Total"),
    "dash.note": (
        "统计期间内登记的隐患（不含作废）。整改率 = 已整改（验收通过或已销号）÷ 发现；按期整改率 = 期限前申请验收的 ÷ 已整改；销号率 = 已销号 ÷ 挂牌。当前逾期与升级次数为这些隐患当前的情况。",
        "Hazards reported in the period (voided ones left out). Rectification rate = rectified (verified or closed) ÷ found; on-time rate = acceptance requested by the deadline ÷ rectified; close-out rate = closed ÷ listed. Overdue now and rungs fired are these hazards' current figures.",
    ),
    "dash.chart_found": ("发现与已整改", "Found and rectified"),
    # notifications
    "notes.title": ("通知", "Notifications"),
    "notes.unread_only": ("只看未读", "Unread only"),
    "notes.all": ("全部", "All"),
    "notes.mark_read": ("标为已读", "Mark read"),
    "notes.read": ("已读", "read"),
    "notes.unread": ("未读 {n} 条", "{n} unread"),
    "notes.empty": ("没有通知", "No notifications"),
    # interviews
    "iv.title": ("约谈", "Interviews"),
    "iv.empty": ("没有约谈", "No interviews"),
    "iv.hazard": ("隐患", "Hazard"),
    "iv.interviewee": ("被约谈人", "Interviewee"),
    "iv.authority": ("约谈机关", "Conducting authority"),
    "iv.scheduled_at": ("约谈时间", "Scheduled"),
    "iv.place": ("地点", "Place"),
    "iv.reply_due": ("回复期限", "Reply due"),
    "iv.outcome": ("结果", "Outcome"),
    "iv.reason": ("约谈事由", "Reason"),
    "iv.trigger": ("发起方式", "Trigger"),
    "iv.trigger.ladder": ("升级阶梯", "escalation ladder"),
    "iv.trigger.manual": ("人工发起", "by hand"),
    "iv.materials": ("书面材料", "Written materials"),
    "iv.minutes": ("约谈纪要", "Minutes"),
    "iv.attendees": ("参加人员", "Attendees"),
    "iv.commitments": ("整改承诺", "Commitments"),
    "iv.reply": ("书面回复", "Written reply"),
    "iv.latest_schedule": ("最迟约谈时间", "Held by"),
    "iv.late": ("逾期", "late"),
    # auth errors
    "forbidden": ("无权访问", "Not allowed"),
    "not_found": ("未找到", "Not found"),
}

STATUS: dict[str, tuple[str, str]] = {
    "reported": ("登记", "Reported"),
    "assessed": ("已定级", "Assessed"),
    "listed": ("挂牌督办", "Listed"),
    "plan_submitted": ("方案待审", "Plan submitted"),
    "rectifying": ("限期整改", "Rectifying"),
    "acceptance_requested": ("申请验收", "Acceptance requested"),
    "verified": ("验收通过", "Verified"),
    "closed": ("已销号", "Closed"),
    "voided": ("已作废", "Voided"),
    # interviews
    "notice": ("已发通知", "Notice issued"),
    "scheduled": ("已安排", "Scheduled"),
    "held": ("已约谈", "Held"),
}

LEVEL = {"general": ("一般隐患", "General"), "major": ("重大隐患", "Major")}

ROLE = {
    "whistleblower_officer": ("举报受理专员", "Whistleblower officer"),
    "enterprise": ("企业用户", "Enterprise user"),
    "inspector": ("检查人员", "Inspector"),
    "supervisor": ("督办人员", "Supervisor"),
    "leader": ("领导", "Leader"),
    "auditor": ("审计人员", "Auditor"),
    "admin": ("管理员", "Administrator"),
    "system": ("系统", "System"),
}

SOURCE = {
    "self_inspection": ("企业自查", "Self-inspection"),
    "inspection": ("部门检查", "Inspection"),
    "inspection_tour": ("巡查", "Inspection tour"),
    "whistleblower": ("举报", "Whistleblower"),
    "transfer": ("移送", "Transfer"),
    "campaign": ("专项整治", "Campaign"),
}

# The system's own steps; each process's human actions take their words from its registry (below).
ACTION = {
    "report": ("登记", "Report"),
    "order-rectification": ("责令限期整改", "Rectification ordered"),
    "rectify-on-the-spot": ("即查即改", "Fixed on the spot"),
    "deadline-passed": ("整改逾期", "Deadline passed"),
    "reminder": ("提醒", "Reminder"),
    "deadline-missed": ("超时未办", "Step overdue"),
    "rung": ("升级督办", "Escalation rung"),
    "interview-outcome": ("约谈结果", "Interview outcome"),
    # interview steps
    "notice": ("发出约谈通知", "Notice issued"),
    "reply-missed": ("逾期未回复", "Reply missed"),
    "cancel": ("取消约谈", "Cancelled"),
}
ACTION.update({spec.name: (spec.label_zh, spec.label_en) for registry in (HAZARD, INTERVIEW) for spec in registry.actions})

RUNG = {
    "urging_letter": ("督办函", "Urging letter"),
    "circular": ("通报提醒", "Circular"),
    "interview": ("约谈纠治", "Interview"),
    "raise_listing": ("提级督办", "Listing raised"),
    "joint_punishment": ("联合惩戒", "Joint punishment"),
    "accountability_referral": ("移交问责", "Accountability referral"),
}

OUTCOME = {
    "replied": ("已回复", "Replied"),
    "no_show": ("未到场", "No-show"),
    "reply_missed": ("逾期未回复", "Reply missed"),
    "cancelled": ("已取消", "Cancelled"),
}

# Why a rung fired (`escalation.fired[].reason`).
REASON = {
    "deadline": ("整改逾期", "deadline passed"),
    "fake_rectification": ("虚假整改", "fake rectification"),
    "interview_no_show": ("约谈未到场", "interview no-show"),
    "interview_reply_missed": ("约谈逾期未回复", "interview reply missed"),
}

CLOCK = {
    "assess": ("定级期限", "Assess by"),
    "list": ("挂牌期限", "List by"),
    "plan": ("方案提交期限", "Plan due"),
    "review": ("方案审核期限", "Review by"),
    "rectification": ("整改期限", "Rectification deadline"),
    "verify": ("核查验收期限", "Verify by"),
    "close": ("销号期限", "Close by"),
    "extension_decision": ("延期审批期限", "Decide the extension by"),
    "progress": ("进度报告期限", "Progress report due"),
}

# Values of the select fields of the action forms.
CHOICE = {
    "general": ("一般隐患", "General"),
    "major": ("重大隐患", "Major"),
    "immediate": ("即查即改", "Fixed on the spot"),
    "deadline": ("限期整改", "With a deadline"),
    "county": ("县级", "County"),
    "city": ("市级", "City"),
    "province": ("省级", "Province"),
    "town": ("乡镇", "Town"),
    "approve": ("同意", "Approve"),
    "return": ("退回", "Return"),
    "reject": ("驳回", "Reject"),
    "pass": ("通过", "Pass"),
    "fail": ("不通过", "Fail"),
    "pending": ("待审批", "Pending"),
    "approved": ("已批准", "Approved"),
    "rejected": ("已驳回", "Rejected"),
    "true": ("是", "Yes"),
    "false": ("否", "No"),
}

FIELD = {
    "level": ("隐患等级", "Level"),
    "basis": ("判定依据（标准及条款）", "Basis (standard and clause)"),
    "rectification": ("整改方式", "Rectification"),
    "deadline": ("期限", "Deadline"),
    "interim_measures": ("临时管控措施", "Interim measures"),
    "comment": ("意见", "Comment"),
    "authority_level": ("挂牌层级", "Listing level"),
    "requirements": ("督办要求", "Requirements"),
    "notice_number": ("文号（可留空自动生成）", "Notice number (blank: generated)"),
    "objectives": ("整改目标", "Objectives"),
    "measures": ("整改措施", "Measures"),
    "funds_cny": ("整改资金（元）", "Funds (CNY)"),
    "responsible_person": ("责任人", "Responsible person"),
    "contingency_plan": ("应急预案", "Contingency plan"),
    "decision": ("决定", "Decision"),
    "percent": ("完成比例（%）", "Percent done"),
    "note": ("说明", "Note"),
    "summary": ("整改情况", "Summary"),
    "evidence": ("证明材料（JPEG、PNG 或 PDF，每个不超过 10 MB）", "Evidence (JPEG, PNG or PDF, up to 10 MB each)"),
    "fake_rectification": ("虚假整改", "Fake rectification"),
    "new_deadline": ("新的整改期限", "New deadline"),
    "reason": ("理由", "Reason"),
    "days": ("工作日数", "Working days"),
    "late_reason": ("逾时申请理由", "Reason for asking late"),
    "at": ("约谈时间", "Time"),
    "place": ("地点", "Place"),
    "facts": ("基本情况", "Facts"),
    "causes": ("原因分析", "Causes"),
    "text": ("回复内容", "Reply"),
    "attended": ("被约谈人是否到场", "Did the interviewee attend?"),
    "minutes": ("约谈纪要", "Minutes"),
    "attendees": ("参加人员（每行一人）", "Attendees (one a line)"),
    "commitments": ("整改承诺（每行：内容 | 完成日期）", "Commitments (one a line: text | due date)"),
    # reporting
    "title": ("标题", "Title"),
    "description": ("描述", "Description"),
    "enterprise_uscc": ("企业", "Enterprise"),
    "region_code": ("所在地区", "Region"),
    "industry": ("行业", "Industry"),
    "location": ("具体位置", "Location"),
    "source": ("来源", "Source"),
    "discovered_at": ("发现日期", "Discovered on"),
}

WB_STATUS: dict[str, tuple[str, str]] = {
    "received": ("待甄别", "to screen"),
    "hazard": ("已登记为隐患", "recorded as a hazard"),
    "rejected": ("不予受理", "rejected"),
}

TABLES = {
    "wb_status": WB_STATUS,
    "status": STATUS,
    "level": LEVEL,
    "role": ROLE,
    "source": SOURCE,
    "action": ACTION,
    "rung": RUNG,
    "outcome": OUTCOME,
    "clock": CLOCK,
    "reason": REASON,
    "choice": CHOICE,
    "field": FIELD,
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def t(key: str, lang: Lang, **values: object) -> str:
    """The UI string `key` in `lang`, with `{name}` placeholders filled in."""
    pair = WORDS.get(key)
    text = pick(pair, lang) if pair else key
    return text.format(**values) if values else text


def label(table: str, value: object, lang: Lang) -> str:
    """A vocabulary value (a status, an action, a rung, ...) in `lang`; the value itself when unknown."""
    if value is None:
        return ""
    key = getattr(value, "value", value)
    pair = TABLES[table].get(str(key))
    return pick(pair, lang) if pair else str(key)


def lang_of(value: str | None) -> Lang:
    return "en" if value == "en" else DEFAULT_LANG
