"""The hazard's human actions (docs/domain.md §3), each declared once."""

from models import actions as bodies
from models.clock import ClockName
from models.documents import PublishBody
from models.enums import Action, HazardStatus, Role
from registry.base import ActionSpec, ProcessRegistry

S = HazardStatus
OPEN = frozenset(s for s in HazardStatus if not s.terminal)
DEADLINE_STATES = frozenset({S.LISTED, S.PLAN_SUBMITTED, S.RECTIFYING})
STAFF = frozenset({Role.INSPECTOR, Role.SUPERVISOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})
ENTERPRISE = frozenset({Role.ENTERPRISE})
PUBLISHABLE = frozenset({S.LISTED, S.PLAN_SUBMITTED, S.RECTIFYING, S.ACCEPTANCE_REQUESTED, S.VERIFIED, S.CLOSED})
HOLDER = "any user of these roles whose jurisdiction holds the hazard"
OWNER = "a supervisor of the listing authority (a general hazard: any supervisor holding it)"
OWN = "a user of the hazard's enterprise"
HELD = ("outside_jurisdiction",)
OWNED = ("outside_jurisdiction", "not_listing_authority")

HAZARD = ProcessRegistry(
    process="hazard",
    label_zh="事故隐患",
    label_en="hazard",
    actions=(
        ActionSpec(Action.ASSESS, bodies.AssessBody, STAFF, frozenset({S.REPORTED}), HOLDER, "定级", "Assess",
                   task=True, clock=ClockName.ASSESS,
                   refusals=(*HELD, "date_in_past", "date_too_far", "basis_required", "rectification_not_for_major",
                             "rectification_required", "deadline_not_for_immediate")),
        ActionSpec(Action.LIST, bodies.ListBody, SUPERVISOR, frozenset({S.ASSESSED}),
                   "a supervisor of the authority at the chosen level", "挂牌督办", "List",
                   task=True, clock=ClockName.LIST,
                   refusals=(*OWNED, "general_not_listed", "no_authority_at_level", "date_in_past", "date_too_far")),
        ActionSpec(Action.SUBMIT_PLAN, bodies.SubmitPlanBody, ENTERPRISE, frozenset({S.LISTED}), OWN,
                   "提交整改方案", "Submit the plan", task=True, clock=ClockName.PLAN,
                   refusals=("date_in_past", "date_too_far", "plan_after_deadline")),
        ActionSpec(Action.REVIEW_PLAN, bodies.ReviewPlanBody, SUPERVISOR, frozenset({S.PLAN_SUBMITTED}), OWNER,
                   "审核整改方案", "Review the plan", task=True, clock=ClockName.REVIEW,
                   refusals=(*OWNED, "return_needs_comment")),
        ActionSpec(Action.REPORT_PROGRESS, bodies.ReportProgressBody, ENTERPRISE, frozenset({S.RECTIFYING}), OWN,
                   "报告整改进度", "Report progress", clock=ClockName.PROGRESS),
        ActionSpec(Action.SUBMIT_COMPLETION, bodies.SubmitCompletionBody, ENTERPRISE, frozenset({S.RECTIFYING}), OWN,
                   "申请验收", "Request acceptance", task=True, clock=ClockName.RECTIFICATION),
        ActionSpec(Action.VERIFY, bodies.VerifyBody, SUPERVISOR, frozenset({S.ACCEPTANCE_REQUESTED}),
                   "a supervisor of the listing authority or of a lower one holding the hazard", "核查验收", "Verify",
                   task=True, clock=ClockName.VERIFY,
                   refusals=(*HELD, "above_listing_authority", "date_in_past", "date_too_far", "fail_needs_comment",
                             "new_deadline_required", "only_when_failed")),
        ActionSpec(Action.CLOSE, bodies.CloseBody, SUPERVISOR, frozenset({S.VERIFIED}), OWNER, "销号", "Close out",
                   task=True, clock=ClockName.CLOSE, refusals=(*OWNED, "four_eyes")),
        ActionSpec(Action.VOID, bodies.VoidBody, SUPERVISOR, OPEN, HOLDER, "作废", "Void",
                   refusals=(*HELD, "reason_required")),
        ActionSpec(Action.REQUEST_EXTENSION, bodies.RequestExtensionBody, ENTERPRISE, frozenset({S.RECTIFYING}), OWN,
                   "申请延期", "Request an extension",
                   refusals=("extension_pending", "extension_limit", "extension_too_long", "late_extension_needs_reason")),
        ActionSpec(Action.REVIEW_EXTENSION, bodies.ReviewExtensionBody, SUPERVISOR, frozenset({S.RECTIFYING}), OWNER,
                   "审批延期", "Decide the extension", task=True, clock=ClockName.EXTENSION_DECISION,
                   refusals=(*OWNED, "no_extension_pending", "own_request", "extension_too_long", "period_too_long",
                             "days_required", "reject_needs_comment")),
        ActionSpec(Action.PAUSE, bodies.PauseBody, SUPERVISOR, DEADLINE_STATES, OWNER, "中止计时", "Pause the clock",
                   refusals=(*OWNED, "already_paused")),
        ActionSpec(Action.RESUME, bodies.ResumeBody, SUPERVISOR, DEADLINE_STATES, OWNER, "恢复计时", "Resume the clock",
                   refusals=(*OWNED, "not_paused")),
        ActionSpec(Action.INTERVIEW, bodies.StartInterviewBody, SUPERVISOR, OPEN, HOLDER, "约谈", "Start an interview",
                   refusals=HELD),
        # official documents: publication (公示) of the listing, then of the close-out, by the listing authority
        ActionSpec(Action.PUBLISH, PublishBody, SUPERVISOR, PUBLISHABLE, OWNER, "公示", "Publish",
                   clock=ClockName.PUBLISH, refusals=(*OWNED, "nothing_to_publish", "document_not_signed")),
    ),
)
