"""The domain's vocabularies in Chinese and English (statuses, levels, roles, sources, actions, rungs,
outcomes, clocks, choices, form fields), by value: `label(table, value)` in `web/i18n.py` looks them up.
Each process's human actions take their words from its registry."""

from models import labels
from models.labels import by_value
from registry.campaign import CAMPAIGN
from registry.documents import DOCUMENT
from registry.hazard import HAZARD
from registry.interview import INTERVIEW

# A hazard's statuses, and an interview's but its `closed` (the hazard's word wins in this shared table)
STATUS: dict[str, tuple[str, str]] = {
    **by_value(labels.HAZARD_STATUS),
    **{k: v for k, v in by_value(labels.INTERVIEW_STATUS).items() if k != "closed"},
}

LEVEL = by_value(labels.HAZARD_LEVEL)

ROLE = by_value(labels.ROLE)

SOURCE = by_value(labels.SOURCE)

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
ACTION.update({spec.name: (spec.label_zh, spec.label_en) for spec in DOCUMENT.actions})  # the signature

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
    "sign": ("领导签发期限", "Sign by"),  # official documents
    "publish": ("公示期限", "Publish by"),  # official documents
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

# --- inspection tours (巡查) ---
from registry.tour import TOUR  # noqa: E402

TOUR_STATUS: dict[str, tuple[str, str]] = {**by_value(labels.TOUR_STATUS), **by_value(labels.TARGET_STATUS)}  # and a target's
ACTION.update({spec.name: (spec.label_zh, spec.label_en) for spec in TOUR.actions})
ACTION.update({"plan": ("制定巡查方案", "Plan fixed"), "station": ("巡查进驻", "Stationed"), "end": ("巡查结束", "Tour ended"),
               "rectification-overdue": ("逾期未报送整改情况", "Rectification overdue")})
CHOICE.update({"comprehensive": ("全面巡查", "Comprehensive"), "special": ("专项巡查", "Special"), "problem": ("问题", "Problem"),
               "hazard": ("隐患", "Hazard"), "clue": ("违法违规线索", "Clue"), "leader": ("组长", "Leader"),
               "deputy": ("副组长", "Deputy"), "member": ("组员", "Member"), "expert": ("专家", "Expert")})
FIELD.update({"target": ("巡查对象", "Target"), "kind": ("类别", "Kind"), "finding": ("发现编号", "Finding"),
              "to": ("移交单位", "Transferred to"), "proposals": ("意见建议", "Proposals"), "team": ("巡查组", "Team"),
              "hazard": ("隐患登记信息", "Hazard fields"), "unit": ("工作单位", "Work unit")})

# Industries (行业) as the supervising departments divide them: an industry is recorded in the office's own words
# (危险化学品) or as a code (hazardous_chemicals); both read as the same words.
_INDUSTRIES = (
    ("hazardous_chemicals", "危险化学品", "Hazardous chemicals"), ("non_coal_mines", "非煤矿山", "Non-coal mines"),
    ("coal_mines", "煤矿", "Coal mines"), ("fireworks", "烟花爆竹", "Fireworks"),
    ("industry_trade", "工贸", "Industry and trade"), ("metallurgy", "冶金", "Metallurgy"),
    ("construction", "建筑施工", "Construction"), ("road_transport", "道路运输", "Road transport"),
    ("gas", "城镇燃气", "Town gas"), ("special_equipment", "特种设备", "Special equipment"),
    ("fire_safety", "消防", "Fire safety"), ("wood_processing", "木材加工", "Wood processing"),
)
INDUSTRY = {key: (zh, en) for code, zh, en in _INDUSTRIES for key in (code, zh)}

TABLES = {
    "industry": INDUSTRY,
    "tour_status": TOUR_STATUS,
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




# --- campaigns (专项整治): their own tables, so a campaign's `closed` or `cancel` is not a hazard's -------------
CAMPAIGN_STATUS = by_value(labels.CAMPAIGN_STATUS)
PHASE = by_value(labels.PHASE)
PHASE_STATUS = {"planned": ("未开始", "planned"), "active": ("进行中", "active"), "done": ("已结束", "done")}
CAMPAIGN_ACTION = {
    "launch": ("部署专项整治", "Launched"),
    "phase-start": ("阶段开始", "Phase started"),
    "phase-end": ("阶段结束", "Phase ended"),
    "reminder": ("阶段结束提醒", "Phase reminder"),
    "measure-reminder": ("制度措施到期提醒", "Measure reminder"),
    "account": ("整改阶段结账", "Closing account"),
    "summary": ("总结评估报告", "Summary report"),
    "annual-summary": ("年度总结", "Annual summary"),
}
CAMPAIGN_ACTION.update({spec.name: (spec.label_zh, spec.label_en) for spec in CAMPAIGN.actions})
IMPORT_STATUS = {
    "valid": ("可导入", "valid"),
    "created": ("已登记", "created"),
    "existing": ("已存在", "existing"),
    "refused": ("不予导入", "refused"),
    "accepted": ("已受理", "accepted"),
}
for _name, _words in PHASE.items():
    CHOICE.setdefault(_name, _words)
for _name, _words in {
    "kind": ("阶段", "Phase"), "starts_on": ("开始日期", "Starts on"), "ends_on": ("结束日期", "Ends on"),
    "responsible_unit": ("责任单位", "Responsible unit"), "due_on": ("完成时限", "Due on"),
    "measure_id": ("措施序号", "Measure no."), "note": ("说明", "Note"), "reason": ("理由", "Reason"),
    "title": ("名称", "Title"),
}.items():
    FIELD.setdefault(_name, _words)
TABLES.update({"campaign_status": CAMPAIGN_STATUS, "phase": PHASE, "phase_status": PHASE_STATUS,
               "campaign_action": CAMPAIGN_ACTION, "import_status": IMPORT_STATUS})
