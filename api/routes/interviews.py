"""Interviews (约谈): list, read, and the human steps (`POST /interviews/{id}/actions/{action}`).

Interviews are started by their hazard (the escalation ladder's `interview` rung, or a supervisor through
the hazard); here they are read and moved on. Each step is an Update of the interview's workflow, run by
`services/interviews.py`.
"""

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep
from api.routes.actions import REFUSALS, ActionRoutes
from models.interview import InterviewStatus
from registry.interview import INTERVIEW
from services import interviews
from services.interviews import InterviewOut, InterviewSummary

router = APIRouter(tags=["interviews"])

@router.get("/interviews", response_model=list[InterviewSummary], responses=REFUSALS)
def list_interviews(
    session: SessionDep,
    principal: CurrentUser,
    hazard_code: str | None = None,
    status: InterviewStatus | None = None,
) -> list[InterviewSummary]:
    """The interviews the caller may see: their jurisdiction subtree, or their own enterprise's."""
    return interviews.visible_interviews(session, principal, hazard_code=hazard_code, status=status)


@router.get("/interviews/{interview_id}", response_model=InterviewOut, responses=REFUSALS)
def get_interview(interview_id: str, session: SessionDep, principal: CurrentUser) -> InterviewOut:
    return interviews.read_interview(session, interview_id, principal)


ActionRoutes(INTERVIEW, "/interviews/{interview_id}", InterviewOut, interviews.interview_action,
             interviews.detail).add_to(router)
