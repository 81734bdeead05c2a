"""The words of the records' statuses, levels, roles, sources and phases, once: `{value: (zh, en)}`.

The UI reads them (`web/vocabulary.py`) and so do the rules and the documents that print a status in Chinese
(`zh(TABLE)`, e.g. a refusal's “当前状态为…”, a ledger's 状态 column); a word changed here changes both.
"""

from collections.abc import Mapping
from typing import TypeVar

from models.campaign import CampaignStatus, PhaseKind
from models.enums import HazardLevel, HazardStatus, Role, Source
from models.interview import InterviewStatus
from models.tour_bodies import TargetStatus, TourStatus

K = TypeVar("K")

HAZARD_STATUS: dict[HazardStatus, tuple[str, str]] = {
    HazardStatus.REPORTED: ("登记", "Reported"),
    HazardStatus.ASSESSED: ("已定级", "Assessed"),
    HazardStatus.LISTED: ("挂牌督办", "Listed"),
    HazardStatus.PLAN_SUBMITTED: ("方案待审", "Plan submitted"),
    HazardStatus.RECTIFYING: ("限期整改", "Rectifying"),
    HazardStatus.ACCEPTANCE_REQUESTED: ("申请验收", "Acceptance requested"),
    HazardStatus.VERIFIED: ("验收通过", "Verified"),
    HazardStatus.CLOSED: ("已销号", "Closed"),
    HazardStatus.VOIDED: ("已作废", "Voided"),
}

INTERVIEW_STATUS: dict[InterviewStatus, tuple[str, str]] = {
    InterviewStatus.NOTICE: ("已发通知", "Notice issued"),
    InterviewStatus.SCHEDULED: ("已安排", "Scheduled"),
    InterviewStatus.HELD: ("已约谈", "Held"),
    InterviewStatus.CLOSED: ("已结束", "Closed"),
}

TOUR_STATUS: dict[TourStatus, tuple[str, str]] = {
    TourStatus.PLANNED: ("巡查准备", "Planned"),
    TourStatus.INSPECTING: ("巡查进驻", "Inspecting"),
    TourStatus.REPORTING: ("撰写报告", "Report due"),
    TourStatus.REPORT_SUBMITTED: ("报告待审定", "Report submitted"),
    TourStatus.REPORT_APPROVED: ("待反馈", "Feedback due"),
    TourStatus.RECTIFYING: ("整改中", "Rectifying"),
    TourStatus.RECTIFIED: ("整改完成待公开", "Rectified, to publish"),
    TourStatus.CLOSED: ("已结束", "Closed"),
}

TARGET_STATUS: dict[TargetStatus, tuple[str, str]] = {  # a tour target's
    TargetStatus.AWAITING_FEEDBACK: ("待反馈", "Awaiting feedback"),
    TargetStatus.RECTIFYING: ("整改中", "Rectifying"),
    TargetStatus.REPORTED: ("已报送整改情况", "Rectification reported"),
    TargetStatus.ACCEPTED: ("整改已认可", "Accepted"),
}

CAMPAIGN_STATUS: dict[CampaignStatus, tuple[str, str]] = {
    CampaignStatus.PLANNED: ("未开始", "planned"),
    CampaignStatus.ACTIVE: ("进行中", "active"),
    CampaignStatus.CLOSED: ("已结束", "closed"),
    CampaignStatus.CANCELLED: ("已撤销", "cancelled"),
}

PHASE: dict[PhaseKind, tuple[str, str]] = {
    PhaseKind.MOBILIZE: ("动员部署", "Mobilise"),
    PhaseKind.INVESTIGATE: ("深入排查", "Investigate"),
    PhaseKind.RECTIFY: ("限期整改", "Rectify"),
    PhaseKind.EVALUATE: ("总结评估", "Evaluate"),
    PhaseKind.INSTITUTIONALIZE: ("建章立制", "Institutionalise"),
}

HAZARD_LEVEL: dict[HazardLevel, tuple[str, str]] = {
    HazardLevel.GENERAL: ("一般隐患", "General"),
    HazardLevel.MAJOR: ("重大隐患", "Major"),
}

ROLE: dict[Role, tuple[str, str]] = {
    Role.WHISTLEBLOWER_OFFICER: ("举报受理专员", "Whistleblower officer"),
    Role.ENTERPRISE: ("企业用户", "Enterprise user"),
    Role.INSPECTOR: ("检查人员", "Inspector"),
    Role.SUPERVISOR: ("督办人员", "Supervisor"),
    Role.LEADER: ("领导", "Leader"),
    Role.AUDITOR: ("审计人员", "Auditor"),
    Role.ADMIN: ("管理员", "Administrator"),
    Role.SYSTEM: ("系统", "System"),
}

SOURCE: dict[Source, tuple[str, str]] = {
    Source.SELF_INSPECTION: ("企业自查", "Self-inspection"),
    Source.INSPECTION: ("部门检查", "Inspection"),
    Source.INSPECTION_TOUR: ("巡查", "Inspection tour"),
    Source.WHISTLEBLOWER: ("举报", "Whistleblower"),
    Source.TRANSFER: ("移送", "Transfer"),
    Source.CAMPAIGN: ("专项整治", "Campaign"),
}


def zh(table: Mapping[K, tuple[str, str]]) -> dict[K, str]:
    """A table's Chinese words alone, by the same keys."""
    return {key: pair[0] for key, pair in table.items()}


def by_value(table: Mapping[K, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """A table keyed by the plain string values (as the UI's `label(table, value)` looks them up)."""
    return {str(key): pair for key, pair in table.items()}
