"""Interviews (约谈): list, read, and the human steps (`POST /interviews/{id}/actions/{action}`).

Interviews are started by their hazard (the escalation ladder's `interview` rung, or a supervisor through
the hazard); here they are read and moved on. Each step is an Update of the interview's workflow, run by
`services/interviews.py`.
"""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import CurrentUser, SessionDep, TemporalDep
from models.base import Frozen
from models.interview import InterviewAction, InterviewStatus
from registry.base import ActionSpec
from registry.interview import INTERVIEW
from services import interviews
from services.errors import ApiError
from services.interviews import InterviewOut, InterviewSummary
from services.schemas import ErrorOut, action_description

router = APIRouter(tags=["interviews"])
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)
}

ACTION_BODIES: dict[InterviewAction, type[Frozen]] = interviews.ACTION_BODIES  # the web UI uses them too


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


def _action_route(spec: ActionSpec) -> None:
    action = InterviewAction(spec.name)

    def take_action(
        interview_id: str, body: spec.body, session: SessionDep, principal: CurrentUser, client: TemporalDep  # type: ignore[name-defined]
    ) -> Any:
        row = interviews.interview_action(
            session=session, principal=principal, client=client, interview_id=interview_id, action=action, body=body
        )
        if row is None:
            return JSONResponse(
                {"id": interview_id, "detail": {"code": "accepted", "message_zh": "操作已受理，正在处理", "message_en": "accepted; still being recorded"}},
                status_code=202,
            )
        return interviews.detail(session, row, principal)

    take_action.__name__ = f"interview_action_{action.value.replace('-', '_')}"
    router.add_api_route(
        f"/interviews/{{interview_id}}/actions/{action.value}",
        take_action,
        methods=["POST"],
        response_model=InterviewOut,
        responses=REFUSALS,
        summary=f"interview: {spec.label_en} ({spec.label_zh})",
        description=action_description(INTERVIEW, spec),
    )


for _spec in INTERVIEW.actions:
    _action_route(_spec)


@router.post("/interviews/{interview_id}/actions/{action}", include_in_schema=False)
def unknown_action(interview_id: str, action: str) -> None:
    known = ", ".join(a.value for a in ACTION_BODIES)
    raise ApiError(404, "unknown_action", f"没有“{action}”这个操作，可用的有：{known}", f"no action '{action}'; the actions are {known}")
