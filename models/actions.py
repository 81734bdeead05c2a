"""Bodies of the human actions (API request bodies and workflow update payloads).

Dates are `YYYY-MM-DD` and mean 24:00 of that day in Asia/Shanghai.
Checks that need no state live here (422 before anything is sent); checks that need the hazard or
the clock live in `domain.transitions`.
"""

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, Field, model_validator

from models.actors import Actor
from models.base import DAY_SCHEMA, PRESENT, Day, Frozen, body_error, not_blank, schema_rules, when
from models.documents import PublishBody
from models.enums import (
    AuthorityLevel,
    ExtensionDecision,
    HazardLevel,
    PlanDecision,
    Rectification,
    VerifyDecision,
)

ShortText = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=10_000)]
Reason = Annotated[str, Field(min_length=1, max_length=2_000, json_schema_extra=PRESENT), AfterValidator(not_blank)]


class AssessBody(Frozen):
    model_config = schema_rules(
        when("level", "major",
             {"required": ["basis"], "properties": {"basis": PRESENT, "rectification": {"type": "null"}}},
             {"required": ["rectification"], "properties": {"rectification": {"type": "string"}}}),
        when("rectification", "immediate", {"properties": {"deadline": {"type": "null"}}}),
    )
    level: HazardLevel
    basis: ShortText | None = None  # 判定依据: standard and clause, required for major
    rectification: Rectification | None = None  # general only
    deadline: Day | None = None  # general with deadline; none: the policy's general_rectification days
    interim_measures: LongText | None = None  # 临时管控措施
    comment: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "AssessBody":
        if self.level == HazardLevel.MAJOR:
            if not (self.basis and self.basis.strip()):
                raise body_error("basis_required", "basis")
            if self.rectification is not None:
                raise body_error("rectification_not_for_major", "rectification")
        else:
            if self.rectification is None:
                raise body_error("rectification_required", "rectification")
            if self.rectification == Rectification.IMMEDIATE and self.deadline is not None:
                raise body_error("deadline_not_for_immediate", "deadline")
        return self


class ListBody(Frozen):
    authority_level: AuthorityLevel
    deadline: Day
    requirements: LongText = ""
    notice_number: Annotated[str, Field(max_length=100)] | None = None


class SubmitPlanBody(Frozen):
    objectives: Annotated[str, Field(min_length=1, max_length=10_000)]
    measures: Annotated[str, Field(min_length=1, max_length=10_000)]
    funds_cny: Annotated[float, Field(ge=0, le=1e12)]
    responsible_person: Annotated[str, Field(min_length=1, max_length=100)]
    deadline: Day
    contingency_plan: Annotated[str, Field(min_length=1, max_length=10_000)]


class ReviewPlanBody(Frozen):
    model_config = schema_rules(when("decision", "return", {"required": ["comment"], "properties": {"comment": PRESENT}}))
    decision: PlanDecision
    comment: LongText | None = None

    @model_validator(mode="after")
    def _comment_to_return(self) -> "ReviewPlanBody":
        if self.decision == PlanDecision.RETURN and not (self.comment and self.comment.strip()):
            raise body_error("return_needs_comment", "comment")
        return self


class ReportProgressBody(Frozen):
    percent: Annotated[int, Field(ge=0, le=100)]
    note: LongText = ""


class SubmitCompletionBody(Frozen):
    summary: Annotated[str, Field(min_length=1, max_length=10_000)]
    evidence: Annotated[tuple[Annotated[str, Field(max_length=100)], ...], Field(max_length=50)] = ()


class VerifyBody(Frozen):
    model_config = schema_rules(when(
        "decision", "fail",
        {"required": ["comment", "new_deadline"], "properties": {"comment": PRESENT, "new_deadline": DAY_SCHEMA}},
        {"properties": {"fake_rectification": {"const": False}, "new_deadline": {"type": "null"}}},
    ))
    decision: VerifyDecision
    comment: LongText | None = None
    fake_rectification: bool = False  # 虚假整改
    new_deadline: Day | None = None

    @model_validator(mode="after")
    def _fail_needs_reason_and_deadline(self) -> "VerifyBody":
        if self.decision == VerifyDecision.FAIL:
            if not (self.comment and self.comment.strip()):
                raise body_error("fail_needs_comment", "comment")
            if self.new_deadline is None:
                raise body_error("new_deadline_required", "new_deadline")
        elif self.fake_rectification or self.new_deadline is not None:
            raise body_error("only_when_failed", "fake_rectification" if self.fake_rectification else "new_deadline")
        return self


class CloseBody(Frozen):
    comment: LongText = ""


class VoidBody(Frozen):
    reason: Annotated[str, Field(min_length=1, max_length=2_000, json_schema_extra=PRESENT)]

    @model_validator(mode="after")
    def _reason_not_blank(self) -> "VoidBody":
        if not self.reason.strip():
            raise body_error("reason_required", "reason")
        return self


class RequestExtensionBody(Frozen):
    days: Annotated[int, Field(ge=1, le=365, description="working days to add to the deadline")]
    reason: Reason
    late_reason: Annotated[str, Field(max_length=2_000)] | None = None  # needed when asked late


class ReviewExtensionBody(Frozen):
    model_config = schema_rules(
        when("decision", "approve", {"required": ["days"], "properties": {"days": {"type": "integer"}}}),
        when("decision", "reject", {"required": ["comment"], "properties": {"comment": PRESENT}}),
    )
    decision: ExtensionDecision
    days: Annotated[int, Field(ge=1, le=365)] | None = None  # working days granted (approve)
    comment: LongText | None = None

    @model_validator(mode="after")
    def _days_to_approve(self) -> "ReviewExtensionBody":
        if self.decision == ExtensionDecision.APPROVE and self.days is None:
            raise body_error("days_required", "days")
        if self.decision == ExtensionDecision.REJECT and not (self.comment and self.comment.strip()):
            raise body_error("reject_needs_comment", "comment")
        return self


class PauseBody(Frozen):
    reason: Reason


class ResumeBody(Frozen):
    reason: Reason


class StartInterviewBody(Frozen):
    reason: Reason


ActionBody = (
    AssessBody
    | ListBody
    | SubmitPlanBody
    | ReviewPlanBody
    | ReportProgressBody
    | SubmitCompletionBody
    | VerifyBody
    | CloseBody
    | VoidBody
    | RequestExtensionBody
    | ReviewExtensionBody
    | PauseBody
    | ResumeBody
    | StartInterviewBody
    | PublishBody  # official documents
)

BodyT = TypeVar("BodyT", bound=Frozen)


class Command(Frozen, Generic[BodyT]):
    """An update payload: who acts, and the action's body."""

    actor: Actor
    body: BodyT
