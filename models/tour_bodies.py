"""Inspection tours (安全生产巡查): the vocabularies and the bodies of the human steps (API request
bodies and Update payloads). The state and the projection are in `models/tour.py`, which re-exports these.

A committee sends a tour team to lower jurisdictions or departments: plan → stationing (进驻) → inspection
(findings) → report within N working days after the end → feedback letter per target → each target's
rectification within M months → publication. The numbers come from the policy profile's `[tour]` table.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from models.base import PRESENT, Day, Frozen, body_error, schema_rules, when


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


Text200 = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
Text10k = Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(_not_blank)]
Comment = Annotated[str, Field(max_length=10_000)]

# The seed's eight inspection contents (巡查内容), the default checklist.
DEFAULT_FOCUS: tuple[str, ...] = (
    "贯彻落实党中央、国务院安全生产重要决策部署和十五条硬措施及领导同志重要指示批示精神情况",
    "贯彻落实省委、省政府安全生产措施和市委、市政府决策部署及市安委会工作安排情况",
    "落实党政同责、一岗双责、失职追责和三个必须要求，安全生产目标考核、结果运用和奖惩机制情况",
    "依法治安、安全生产规划、安全基础建设、安全投入、科技强安和安全培训情况",
    "风险分级管控和隐患排查治理体系建设、标准化建设、打非治违和重点行业领域专项整治情况",
    "基层基础工作、安全监管体制、监管执法力量和能力建设、应急管理和执法保障情况",
    "安全生产领域信用体系建设和举报信息核查处理情况",
    "生产安全事故调查处理、责任追究、整改措施落实和事故信息报送情况",
)


class TourKind(StrEnum):
    COMPREHENSIVE = "comprehensive"  # 全面巡查
    SPECIAL = "special"  # 专项巡查


class TourStatus(StrEnum):
    PLANNED = "planned"  # 巡查准备: the plan is fixed, the targets notified
    INSPECTING = "inspecting"  # 进驻 at 00:00 of the start date, until the end date
    REPORTING = "reporting"  # the tour has ended; the report is due
    REPORT_SUBMITTED = "report_submitted"  # the leader wrote it; a committee leader approves
    REPORT_APPROVED = "report_approved"  # feedback to the targets is due
    RECTIFYING = "rectifying"  # feedback delivered; each target rectifies within the period
    RECTIFIED = "rectified"  # every target's rectification accepted; publication due
    CLOSED = "closed"  # published and every rectification accepted


class TeamRole(StrEnum):
    LEADER = "leader"  # 组长
    DEPUTY = "deputy"  # 副组长
    MEMBER = "member"  # 组员
    EXPERT = "expert"  # 专家


class FindingKind(StrEnum):
    PROBLEM = "problem"  # 问题
    HAZARD = "hazard"  # 隐患: starts a hazard with source inspection_tour
    CLUE = "clue"  # 违法违规线索: transferred to a named body


class TargetStatus(StrEnum):
    AWAITING_FEEDBACK = "awaiting_feedback"
    RECTIFYING = "rectifying"  # the feedback letter delivered; the rectification report is due
    REPORTED = "reported"  # the target reported its rectification; the office judges it
    ACCEPTED = "accepted"


class TourAction(StrEnum):
    """Every step of a tour. The human ones are the API's `{action}` path segment and the Update names."""

    CHANGE_TEAM = "change-team"
    RECORD_FINDING = "record-finding"
    TRANSFER_CLUE = "transfer-clue"
    SUBMIT_REPORT = "submit-report"
    APPROVE_REPORT = "approve-report"
    DELIVER_FEEDBACK = "deliver-feedback"
    SUBMIT_RECTIFICATION_REPORT = "submit-rectification-report"
    ACCEPT_RECTIFICATION = "accept-rectification"
    REJECT_RECTIFICATION = "reject-rectification"
    PUBLISH = "publish"
    SIGN = "sign"  # a leader signs a draft document (the document registry's action)
    # system steps
    PLAN = "plan"
    STATION = "station"
    END = "end"
    REMINDER = "reminder"
    DEADLINE_MISSED = "deadline-missed"
    RECTIFICATION_OVERDUE = "rectification-overdue"
    INTERVIEW_OUTCOME = "interview-outcome"


# --- bodies (API request bodies and Update payloads) ---------------------------------------------------


class TeamSlot(Frozen):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    role: TeamRole


class TargetIn(Frozen):
    """A jurisdiction (`region_code`), or a department with safety duties in it (`department`, `region_code`)."""

    region_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    department: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class TourCreate(Frozen):
    title: Text200
    kind: TourKind
    targets: Annotated[tuple[TargetIn, ...], Field(min_length=1, max_length=50)]
    starts_on: Day
    ends_on: Day
    focus: Annotated[tuple[Text200, ...], Field(max_length=30)] = DEFAULT_FOCUS
    team: Annotated[tuple[TeamSlot, ...], Field(max_length=50)]
    tip_phone: Annotated[str, Field(max_length=40)] = ""  # 举报电话; the national 12350 when empty
    tip_mailbox: Annotated[str, Field(max_length=200)] = ""  # 举报邮箱

    @model_validator(mode="after")
    def _dates(self) -> "TourCreate":
        if self.ends_on < self.starts_on:
            raise body_error("ends_before_start", "ends_on")
        if not self.focus:
            raise body_error("focus_required", "focus")
        return self


class ChangeTeamBody(Frozen):
    team: Annotated[tuple[TeamSlot, ...], Field(max_length=50)]


class TourHazardFields(Frozen):
    """The fields of `POST /hazards` a hazard finding carries (the source is `inspection_tour`)."""

    title: Text200
    enterprise_uscc: Annotated[str, Field(min_length=18, max_length=18)]
    region_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    industry: Annotated[str, Field(min_length=1, max_length=100)]
    location: Annotated[str, Field(max_length=500)] = ""
    discovered_at: Day | None = None  # the day of the finding when left out


class RecordFindingBody(Frozen):
    model_config = schema_rules(when(
        "kind", "hazard", {"required": ["hazard"], "properties": {"hazard": {"type": "object"}}},
        {"properties": {"hazard": {"type": "null"}}},
    ))
    target: Annotated[str, Field(min_length=1, max_length=100)]  # a region_code or a department's name
    kind: FindingKind
    description: Text10k
    hazard: TourHazardFields | None = None  # required for a hazard finding

    @model_validator(mode="after")
    def _hazard_fields(self) -> "RecordFindingBody":
        if self.kind == FindingKind.HAZARD and self.hazard is None:
            raise body_error("hazard_fields_required", "hazard")
        if self.kind != FindingKind.HAZARD and self.hazard is not None:
            raise body_error("hazard_fields_not_allowed", "hazard")
        return self


class TransferClueBody(Frozen):
    finding: Annotated[str, Field(min_length=1, max_length=20)]  # the finding's id, e.g. "F3"
    to: Text200  # the body it goes to, e.g. 市纪委监委


class SubmitReportBody(Frozen):
    summary: Text10k
    proposals: Text10k


class CommentBody(Frozen):
    comment: Comment = ""


class ApproveReportBody(CommentBody):
    pass


class DeliverFeedbackBody(CommentBody):
    pass


class TourPublishBody(CommentBody):
    pass


class SubmitRectificationBody(Frozen):
    target: Annotated[str, Field(min_length=1, max_length=100)]
    summary: Text10k


class JudgeRectificationBody(Frozen):
    target: Annotated[str, Field(min_length=1, max_length=100)]
    comment: Comment = ""


class AcceptRectificationBody(JudgeRectificationBody):
    pass


class RejectRectificationBody(JudgeRectificationBody):
    model_config = schema_rules({"required": ["comment"], "properties": {"comment": PRESENT}})

    @model_validator(mode="after")
    def _reason(self) -> "RejectRectificationBody":
        if not self.comment.strip():
            raise body_error("rectification_reject_needs_comment", "comment")
        return self


TourBody = (
    ChangeTeamBody | RecordFindingBody | TransferClueBody | SubmitReportBody | ApproveReportBody
    | DeliverFeedbackBody | SubmitRectificationBody | AcceptRectificationBody | RejectRectificationBody | TourPublishBody
)
