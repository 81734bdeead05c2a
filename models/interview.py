"""Interviews (约谈, docs/domain.md §6): the contracts of InterviewWorkflow, its read model and its API.

An interview is a child process of a hazard: started by the escalation ladder's `interview` rung or by a
supervisor, it notices the enterprise's principal, is scheduled, held and answered in writing. A no-show or
a missed reply is reported back to the hazard, which raises its rung.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from models.actors import Actor
from models.base import (
    CHINA_TZ,
    DAY_PATTERN,
    PRESENT,
    Day,
    Frozen,
    body_error,
    day_in_range,
    not_blank,
    schema_rules,
    when,
)
from models.documents import IssuedDocument
from models.hazard import JurisdictionRef
from models.policy import InterviewRules

Text300 = Annotated[str, Field(min_length=1, max_length=300, json_schema_extra=PRESENT), AfterValidator(not_blank)]
Text2000 = Annotated[str, Field(min_length=1, max_length=2_000, json_schema_extra=PRESENT), AfterValidator(not_blank)]
Text10k = Annotated[str, Field(min_length=1, max_length=10_000, json_schema_extra=PRESENT), AfterValidator(not_blank)]
Name = Annotated[str, Field(min_length=1, max_length=100, json_schema_extra=PRESENT), AfterValidator(not_blank)]


class InterviewStatus(StrEnum):
    NOTICE = "notice"  # 约谈通知书 issued, awaiting the schedule
    SCHEDULED = "scheduled"  # time and place set; written materials due before it
    HELD = "held"  # minutes (约谈纪要) recorded; the written rectification reply is due
    CLOSED = "closed"


class InterviewOutcomeKind(StrEnum):
    REPLIED = "replied"
    NO_SHOW = "no_show"  # raises the hazard's rung
    REPLY_MISSED = "reply_missed"  # raises the hazard's rung
    CANCELLED = "cancelled"  # the hazard closed first


class InterviewAction(StrEnum):
    """Every step of an interview. The human ones are the API's `{action}` path segment and the Update names."""

    NOTICE = "notice"
    SCHEDULE = "schedule"
    SUBMIT_MATERIALS = "submit-materials"
    RECORD = "record"
    REPLY = "reply"
    # system steps
    REPLY_MISSED = "reply-missed"
    CANCEL = "cancel"


INTERVIEW_HUMAN_ACTIONS: tuple[InterviewAction, ...] = (
    InterviewAction.SCHEDULE,
    InterviewAction.SUBMIT_MATERIALS,
    InterviewAction.RECORD,
    InterviewAction.REPLY,
)

# The outcomes the parent hazard is told about with the `interview_outcome` signal.
REPORTED_OUTCOMES = frozenset(
    {InterviewOutcomeKind.REPLIED, InterviewOutcomeKind.NO_SHOW, InterviewOutcomeKind.REPLY_MISSED}
)
# The outcomes that raise the parent hazard's escalation rung.
RUNG_RAISING_OUTCOMES = frozenset({InterviewOutcomeKind.NO_SHOW, InterviewOutcomeKind.REPLY_MISSED})


class InterviewStart(Frozen):
    interview_id: Annotated[str, Field(min_length=1, max_length=80)]
    hazard_code: str
    hazard_workflow_id: str
    reason: Text10k
    trigger: Literal["ladder", "manual"]
    enterprise_uscc: str
    enterprise_name: str
    interviewee: Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=PRESENT), AfterValidator(not_blank)]  # the principal (主要负责人), no proxies
    conducting_authority_code: str
    conducting_authority_name: str
    region_path: tuple[JurisdictionRef, ...]  # the hazard's region chain, root first
    started_by: Actor
    # Interviews started before the rules travelled with them ran on docs/domain.md §6's periods.
    rules: InterviewRules = InterviewRules(notice_calendar_days=7, reply_working_days=5)
    # An interview an inspection tour started: `hazard_code` holds the tour's id, the interviewee is a
    # target jurisdiction's responsible person, whose side (materials, reply) a supervisor of `region_path[-1]` takes.
    tour_id: str | None = None


class InterviewOutcome(Frozen):
    """The payload of the `interview_outcome` signal to the parent HazardWorkflow."""

    interview_id: str
    hazard_code: str
    kind: InterviewOutcomeKind
    at: datetime


# --- bodies of the human steps ------------------------------------------------------------------------
# Checks that need no state live here (422 before anything is sent); the clock and the state are checked in
# `domain.interviews`.


class ScheduleBody(Frozen):
    at: Annotated[datetime, Field(json_schema_extra=DAY_PATTERN)]  # in the future, within `rules.notice_calendar_days` of the notice
    place: Text300

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        day_in_range(value)  # far days would overflow the time-zone arithmetic
        return value.replace(tzinfo=CHINA_TZ) if value.tzinfo is None else value  # a local time as written


class SubmitMaterialsBody(Frozen):
    facts: Text10k  # 基本情况
    causes: Text10k  # 原因分析
    measures: Text10k  # 整改措施


class Commitment(Frozen):
    text: Text2000
    due: Day


class RecordBody(Frozen):
    model_config = schema_rules(when(
        "attended", True,
        {"required": ["minutes", "attendees"], "properties": {"minutes": PRESENT, "attendees": {"minItems": 1}}},
    ))
    attended: bool  # False: the interviewee did not come (no-show)
    minutes: Annotated[str, Field(max_length=20_000)] = ""  # 约谈纪要, required when attended
    attendees: Annotated[tuple[Name, ...], Field(max_length=50)] = ()
    commitments: Annotated[tuple[Commitment, ...], Field(max_length=50)] = ()

    @model_validator(mode="after")
    def _minutes_when_held(self) -> "RecordBody":
        if self.attended:
            if not self.minutes.strip():
                raise body_error("minutes_required", "minutes")
            if not self.attendees:
                raise body_error("attendees_required", "attendees")
        return self


class ReplyBody(Frozen):
    text: Text10k


InterviewBody = ScheduleBody | SubmitMaterialsBody | RecordBody | ReplyBody


# --- state ------------------------------------------------------------------------------------------------


class Materials(Frozen):
    facts: str
    causes: str
    measures: str
    late: bool  # submitted after the scheduled time
    at: datetime
    by: Actor


class Reply(Frozen):
    text: str
    late: bool
    at: datetime
    by: Actor


class InterviewState(Frozen):
    start: InterviewStart
    workflow_id: str
    notice_at: datetime
    status: InterviewStatus = InterviewStatus.NOTICE
    scheduled_at: datetime | None = None
    place: str | None = None
    materials: Materials | None = None
    minutes: str | None = None
    attendees: tuple[str, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    attended: bool | None = None
    reply_due: datetime | None = None  # an absolute instant, set when the interview is held
    reply_due_provisional: bool = False
    reply: Reply | None = None
    outcome: InterviewOutcomeKind | None = None
    closed_at: datetime | None = None
    cancel_reason: str | None = None
    seq: int = Field(default=0, ge=0)  # the last transition's number
    # interviews started since the `official-documents` patch render their notice (at `schedule`) and
    # minutes (at `record`) as official documents, issued as drafted (no leader's signature by default)
    paperwork: bool = False
    documents: tuple[IssuedDocument, ...] = ()

    @property
    def interview_id(self) -> str:
        return self.start.interview_id


class InterviewStep(Frozen):
    """One step of an interview: `seq` is its position and the projection's idempotency key."""

    seq: int
    at: datetime
    actor: Actor
    action: InterviewAction
    from_status: InterviewStatus | None
    to_status: InterviewStatus
    comment: str | None = None


class InterviewProjection(InterviewStep):
    """One step of an interview and the state right after it: the `project_interview` activity's input."""

    state: InterviewState


class InterviewReceipt(InterviewStep):
    """What `project_interview` returns: the step without the state (see models.hazard.ProjectionReceipt)."""

    written: bool

    @classmethod
    def of(cls, item: InterviewProjection, written: bool) -> "InterviewReceipt":
        return cls(**{name: getattr(item, name) for name in InterviewStep.model_fields}, written=written)


def interview_workflow_id(hazard_code: str, n: int) -> str:
    """The workflow id of the hazard's `n`-th interview (chosen by the parent)."""
    return f"interview-{hazard_code}-{n}"
