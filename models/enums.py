"""The fixed vocabularies of the domain (docs/domain.md §2 and §3)."""

from enum import StrEnum


class HazardStatus(StrEnum):
    REPORTED = "reported"  # 登记
    ASSESSED = "assessed"  # 已定级
    LISTED = "listed"  # 挂牌督办
    PLAN_SUBMITTED = "plan_submitted"  # 方案已报
    RECTIFYING = "rectifying"  # 限期整改
    ACCEPTANCE_REQUESTED = "acceptance_requested"  # 申请验收/销号
    VERIFIED = "verified"  # 验收通过
    CLOSED = "closed"  # 销号, 摘牌
    VOIDED = "voided"  # 作废

    @property
    def terminal(self) -> bool:
        return self in (HazardStatus.CLOSED, HazardStatus.VOIDED)


class HazardLevel(StrEnum):
    GENERAL = "general"  # 一般事故隐患
    MAJOR = "major"  # 重大事故隐患


class Rectification(StrEnum):
    IMMEDIATE = "immediate"  # 即查即改
    DEADLINE = "deadline"  # 限期整改


class JurisdictionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


class AuthorityLevel(StrEnum):
    """The level of the committee that lists a hazard (挂牌督办层级)."""

    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    AUDITOR = "auditor"
    ADMIN = "admin"
    WHISTLEBLOWER_OFFICER = "whistleblower_officer"  # the only role that may read a reporter's contact
    SYSTEM = "system"  # timers and the workflow itself; never a user's role


class Source(StrEnum):
    SELF_INSPECTION = "self_inspection"  # 企业自查
    INSPECTION = "inspection"  # 部门检查
    INSPECTION_TOUR = "inspection_tour"  # 巡查
    WHISTLEBLOWER = "whistleblower"  # 举报
    TRANSFER = "transfer"  # 移送
    CAMPAIGN = "campaign"  # 专项整治


class Action(StrEnum):
    """Every step that moves a hazard, human or system. Human ones are the API's `{action}` path segment."""

    REPORT = "report"
    ASSESS = "assess"
    LIST = "list"
    SUBMIT_PLAN = "submit-plan"
    REVIEW_PLAN = "review-plan"
    REPORT_PROGRESS = "report-progress"
    SUBMIT_COMPLETION = "submit-completion"
    VERIFY = "verify"
    CLOSE = "close"
    VOID = "void"
    REQUEST_EXTENSION = "request-extension"
    REVIEW_EXTENSION = "review-extension"
    PAUSE = "pause"
    RESUME = "resume"
    INTERVIEW = "interview"
    # system steps
    ORDER_RECTIFICATION = "order-rectification"
    RECTIFY_ON_THE_SPOT = "rectify-on-the-spot"
    DEADLINE_PASSED = "deadline-passed"
    REMINDER = "reminder"
    DEADLINE_MISSED = "deadline-missed"  # a step other than rectification was not taken in time
    RUNG = "rung"
    INTERVIEW_OUTCOME = "interview-outcome"
    # official documents: publication (公示) is a human action, signing a document its own step
    PUBLISH = "publish"
    SIGN = "sign"


HUMAN_ACTIONS: tuple[Action, ...] = (
    Action.ASSESS,
    Action.LIST,
    Action.SUBMIT_PLAN,
    Action.REVIEW_PLAN,
    Action.REPORT_PROGRESS,
    Action.SUBMIT_COMPLETION,
    Action.VERIFY,
    Action.CLOSE,
    Action.VOID,
    Action.REQUEST_EXTENSION,
    Action.REVIEW_EXTENSION,
    Action.PAUSE,
    Action.RESUME,
    Action.INTERVIEW,
    Action.PUBLISH,  # official documents
)


class PlanDecision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class ExtensionDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class VerifyDecision(StrEnum):
    PASS = "pass"
    FAIL = "fail"


class RefusalKind(StrEnum):
    """Why an action was refused; the API maps these to HTTP statuses."""

    CONFLICT = "conflict"  # 409: not allowed in this state
    FORBIDDEN = "forbidden"  # 403: not allowed for this user or jurisdiction
    INVALID = "invalid"  # 422: the body is wrong
