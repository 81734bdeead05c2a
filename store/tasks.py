"""The "my tasks" read model: who owes which step, replaced with each projected transition, read by one query."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from domain.tasks import Owed, hazard_tasks, interview_tasks
from models.actors import Actor
from models.enums import Role
from models.hazard import HazardState
from models.interview import InterviewState
from models.tables import TaskRow

if TYPE_CHECKING:
    from models.tour import TourState

NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)


def replace_for_hazard(*, session: Session, state: HazardState) -> None:
    """The hazard's tasks as of `state` (the caller's transaction, with the hazard row)."""
    _replace(session, "hazard", state.code, state.code, state.facts.title, state.status.value, state.overdue,
             hazard_tasks(state))


def replace_for_interview(*, session: Session, state: InterviewState) -> None:
    start = state.start
    title = f"约谈 {start.interviewee}（{start.enterprise_name}）"[:200]
    _replace(session, "interview", start.interview_id, start.hazard_code, title, state.status.value, False,
             interview_tasks(state))


def replace_for_tour(*, session: Session, state: "TourState") -> None:
    """A tour's owed steps (inspection tours); `hazard_code` holds the tour's id."""
    from domain.tasks import tour_tasks

    _replace(session, "tour", state.id, state.id, state.start.title, state.status.value, False, tour_tasks(state))


def replace_for_circular(*, session: Session, circular_id: str, title: str, signer_code: str | None,
                         due_at: datetime | None = None, overdue: bool = False) -> None:
    """A draft circular's signature, owed by the leaders of its region; none once it is issued."""
    owed = [Owed("sign", Role.LEADER, signer_code, None, due_at)] if signer_code else []
    _replace(session, "circular", circular_id, circular_id, title, "draft" if owed else "issued", overdue, owed)


def _replace(
    session: Session, process: str, record_id: str, hazard_code: str, title: str, status: str, overdue: bool,
    owed: Iterable[Owed],
) -> None:
    session.execute(delete(TaskRow).where(col(TaskRow.process) == process, col(TaskRow.record_id) == record_id))
    for item in owed:
        session.add(
            TaskRow(
                process=process,
                record_id=record_id,
                hazard_code=hazard_code,
                action=item.action,
                role=item.role.value,
                jurisdiction_code=item.jurisdiction_code,
                enterprise_uscc=item.enterprise_uscc,
                excluded_user_id=item.excluded_user_id,
                due_at=item.due_at,
                due_sort=item.due_at or NO_DUE,
                overdue=overdue,
                title=title[:200],
                status=status,
            )
        )


def page_for(*, session: Session, actor: Actor, page: int, page_size: int) -> tuple[list[TaskRow], int]:
    """The steps `actor` owes, overdue first, then by due instant (none last), and how many in all."""
    query = select(TaskRow).where(col(TaskRow.role) == actor.role.value)
    count = select(func.count()).select_from(TaskRow).where(col(TaskRow.role) == actor.role.value)
    if actor.role == Role.ENTERPRISE:
        mine = col(TaskRow.enterprise_uscc) == (actor.enterprise_uscc or "")
    else:
        mine = col(TaskRow.jurisdiction_code) == (actor.jurisdiction_code or "")
    not_me = or_(col(TaskRow.excluded_user_id).is_(None), col(TaskRow.excluded_user_id) != actor.user_id)
    query = query.where(mine, not_me)
    count = count.where(mine, not_me)
    ordered = query.order_by(
        col(TaskRow.overdue).desc(), col(TaskRow.due_sort), col(TaskRow.record_id), col(TaskRow.action)
    )
    rows = list(session.exec(ordered.offset((page - 1) * page_size).limit(page_size)))
    return rows, int(session.exec(count).one())


def rebuild(*, session: Session, states: Iterable[HazardState | InterviewState]) -> int:
    """Write the tasks of existing records afresh (after the table is created, or to repair it)."""
    written = 0
    for state in states:
        if isinstance(state, HazardState):
            replace_for_hazard(session=session, state=state)
        else:
            replace_for_interview(session=session, state=state)
        written += 1
    return written
