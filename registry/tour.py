"""The inspection tour's (巡查, docs/domain.md §7) human steps, each declared once."""

from models.enums import Role
from models.tour import (
    AcceptRectificationBody,
    ApproveReportBody,
    ChangeTeamBody,
    DeliverFeedbackBody,
    RecordFindingBody,
    RejectRectificationBody,
    SubmitRectificationBody,
    SubmitReportBody,
    TourAction,
    TourPublishBody,
    TourStatus,
    TransferClueBody,
)
from registry.base import ActionSpec, ProcessRegistry

A = TourAction
S = TourStatus
STAFF = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.LEADER})
OFFICE = frozenset({Role.SUPERVISOR})
COMMITTEE = frozenset({Role.SUPERVISOR, Role.LEADER})
ORGANIZER = "a supervisor or leader of the organizing committee's jurisdiction (its office, 安委办)"
MEMBER = "a member of the tour team"
TEAM = ("team_too_small", "team_needs_one_leader", "team_needs_deputy", "team_member_twice", "unknown_user",
        "team_member_not_staff", "avoidance_region", "avoidance_unit")
AFTER_FEEDBACK = frozenset({S.RECTIFYING})

TOUR = ProcessRegistry(
    process="tour",
    label_zh="巡查",
    label_en="inspection tour",
    actions=(
        ActionSpec(A.CHANGE_TEAM, ChangeTeamBody, COMMITTEE, frozenset({S.PLANNED, S.INSPECTING}), ORGANIZER,
                   "调整巡查组", "Change the team", refusals=("not_organizer", *TEAM)),
        ActionSpec(A.RECORD_FINDING, RecordFindingBody, STAFF, frozenset({S.INSPECTING, S.REPORTING}), MEMBER,
                   "记录巡查发现", "Record a finding",
                   refusals=("not_team_member", "unknown_target", "hazard_fields_required", "hazard_fields_not_allowed",
                             "unknown_enterprise", "unknown_region", "hazard_outside_target", "discovered_in_future", "blank")),
        ActionSpec(A.TRANSFER_CLUE, TransferClueBody, STAFF,
                   frozenset({S.INSPECTING, S.REPORTING, S.REPORT_SUBMITTED, S.REPORT_APPROVED, S.RECTIFYING}), MEMBER,
                   "移交线索", "Transfer a clue",
                   refusals=("not_team_member", "unknown_finding", "not_a_clue", "clue_already_transferred", "blank")),
        ActionSpec(A.SUBMIT_REPORT, SubmitReportBody, STAFF, frozenset({S.REPORTING}), "the team leader (组长)",
                   "提交巡查报告", "Submit the report", task=True, clock="report",
                   refusals=("not_team_leader", "blank")),
        ActionSpec(A.APPROVE_REPORT, ApproveReportBody, frozenset({Role.LEADER}), frozenset({S.REPORT_SUBMITTED}),
                   "a leader of the organizing committee's jurisdiction", "审定巡查报告", "Approve the report",
                   task=True, refusals=("not_organizer", "duties_not_separated")),
        ActionSpec(A.DELIVER_FEEDBACK, DeliverFeedbackBody, STAFF, frozenset({S.REPORT_APPROVED}),
                   "a supervisor of the organizing committee's jurisdiction, or the team leader", "反馈巡查意见",
                   "Deliver the feedback", task=True, refusals=("not_organizer",)),
        ActionSpec(A.SUBMIT_RECTIFICATION_REPORT, SubmitRectificationBody, OFFICE, AFTER_FEEDBACK,
                   "a supervisor of the target's jurisdiction", "报送整改情况", "Report the rectification",
                   task=True, clock="rectification",
                   refusals=("not_target_authority", "unknown_target", "target_wrong_state", "blank")),
        ActionSpec(A.ACCEPT_RECTIFICATION, AcceptRectificationBody, COMMITTEE, AFTER_FEEDBACK, ORGANIZER,
                   "认可整改", "Accept the rectification", task=True,
                   refusals=("not_organizer", "unknown_target", "target_wrong_state")),
        ActionSpec(A.REJECT_RECTIFICATION, RejectRectificationBody, COMMITTEE, AFTER_FEEDBACK, ORGANIZER,
                   "认定整改不到位", "Reject the rectification",
                   refusals=("not_organizer", "unknown_target", "target_wrong_state", "rectification_reject_needs_comment")),
        ActionSpec(A.PUBLISH, TourPublishBody, COMMITTEE, frozenset({S.RECTIFIED}),
                   ORGANIZER, "公开巡查结果", "Publish the results", refusals=("not_organizer", "document_not_signed")),
    ),
)
