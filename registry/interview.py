"""The interview's (约谈) human steps (docs/domain.md §6), each declared once."""

from models.enums import Role
from models.interview import (
    InterviewAction,
    InterviewStatus,
    RecordBody,
    ReplyBody,
    ScheduleBody,
    SubmitMaterialsBody,
)
from registry.base import ActionSpec, ProcessRegistry

A = InterviewAction
S = InterviewStatus
AUTHORITY = "a supervisor of the conducting authority"
INTERVIEWEE = "a user of the interviewed enterprise"

INTERVIEW = ProcessRegistry(
    process="interview",
    label_zh="约谈",
    label_en="interview",
    actions=(
        ActionSpec(A.SCHEDULE, ScheduleBody, frozenset({Role.SUPERVISOR}), frozenset({S.NOTICE}), AUTHORITY,
                   "安排约谈", "Schedule", task=True, clock="schedule",
                   refusals=("not_conducting_authority", "schedule_in_past", "schedule_too_late", "blank")),
        ActionSpec(A.SUBMIT_MATERIALS, SubmitMaterialsBody, frozenset({Role.ENTERPRISE}), frozenset({S.SCHEDULED}),
                   INTERVIEWEE, "提交书面材料", "Submit materials", task=True, clock="interview", refusals=("not_target_authority", "blank")),
        ActionSpec(A.RECORD, RecordBody, frozenset({Role.SUPERVISOR}), frozenset({S.SCHEDULED}), AUTHORITY,
                   "记录约谈情况", "Record the interview", task=True, clock="interview",
                   refusals=("not_conducting_authority", "date_in_past", "minutes_required", "attendees_required", "blank")),
        ActionSpec(A.REPLY, ReplyBody, frozenset({Role.ENTERPRISE}), frozenset({S.HELD}), INTERVIEWEE,
                   "书面回复", "Reply in writing", task=True, clock="reply", refusals=("not_target_authority", "blank")),
    ),
)
