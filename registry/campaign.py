"""The campaign's (专项整治) human steps (docs/domain.md §8), each declared once."""

from models.campaign import (
    AddMeasureBody,
    AmendPhaseBody,
    CampaignAction,
    CampaignStatus,
    CancelBody,
    CompleteMeasureBody,
)
from models.enums import Role
from registry.base import ActionSpec, ProcessRegistry

A = CampaignAction
S = CampaignStatus
AUTHORITY = "a supervisor or leader of the launching authority"
RUNNING = frozenset({S.PLANNED, S.ACTIVE})
STAFF = frozenset({Role.SUPERVISOR, Role.LEADER})
PARTY = ("not_launching_authority",)

CAMPAIGN = ProcessRegistry(
    process="campaign",
    label_zh="专项整治",
    label_en="campaign",
    actions=(
        ActionSpec(A.AMEND_PHASE, AmendPhaseBody, STAFF, RUNNING, AUTHORITY, "调整阶段时间", "Amend a phase",
                   refusals=(*PARTY, "phase_not_in_campaign", "phase_ended", "phase_started", "date_in_past",
                             "phases_overlap", "phase_ends_before_start", "blank")),
        ActionSpec(A.ADD_MEASURE, AddMeasureBody, STAFF, RUNNING, AUTHORITY, "添加制度措施", "Add a measure",
                   refusals=(*PARTY, "date_in_past", "too_many_measures", "blank")),
        ActionSpec(A.COMPLETE_MEASURE, CompleteMeasureBody, STAFF, frozenset({S.PLANNED, S.ACTIVE, S.CLOSED}),
                   AUTHORITY, "完成制度措施", "Complete a measure",
                   refusals=(*PARTY, "measure_not_found", "measure_done")),
        ActionSpec(A.CANCEL, CancelBody, STAFF, RUNNING, AUTHORITY, "撤销专项整治", "Cancel the campaign",
                   refusals=(*PARTY, "blank")),
    ),
)
