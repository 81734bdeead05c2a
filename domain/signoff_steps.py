"""The steps of `SignOffWorkflow`: a draft's reminders to the issuing authority, its lapse (told to the
authority above too), and the leader's signature. Pure functions from (state, now) to the step recorded."""

from datetime import datetime

from domain import signoff
from models.actors import Actor, system_actor
from models.clock import Notice, PlannedClock
from models.documents import RenderReceipt
from models.signoff import SignOffState, SignOffStep


def next_due(state: SignOffState) -> datetime | None:
    if state.clock is None or state.signed:
        return None
    return min(state.clock.pending(), default=None)


def due_step(state: SignOffState, now: datetime) -> SignOffStep | None:
    """The reminder or the lapse due at `now`; None if neither is."""
    if state.clock is None or state.signed:
        return None
    due = signoff.sign_clock_step(state.clock, state.document.title, now)
    if due is None:
        return None
    upward = due.kind == "lapse"
    return _clocked(state, due.clock, "deadline-missed" if upward else "reminder", "overdue" if upward else "reminder",
                    due.words, now, upward=upward)


def signed(state: SignOffState, actor: Actor, receipt: RenderReceipt, now: datetime) -> SignOffStep:
    draft = signoff.check_sign(state.documents, actor, state.document.id)
    issued = signoff.signed(draft, actor, receipt, now)
    after = state.model_copy(update={"document": issued, "seq": state.seq + 1})
    return SignOffStep(seq=after.seq, at=now, actor=actor, action="sign", comment=f"签发：{issued.title}",
                       reason=f"sign:{issued.id}", state=after)


def _clocked(state: SignOffState, clock: PlannedClock, action: str, kind: str, words: str, now: datetime, *,
             upward: bool) -> SignOffStep:
    start = state.start
    codes = [start.document.authority_code, *([start.superior_code] if upward and start.superior_code else [])]
    notices = tuple(Notice(target_kind="authority", target_code=c, kind=kind, title=words[:300], body=words) for c in codes)
    after = state.model_copy(update={"clock": clock, "seq": state.seq + 1})
    reason = f"{'reminder' if action == 'reminder' else 'deadline'}:sign"
    return SignOffStep(seq=after.seq, at=now, actor=system_actor(reason), action=action,  # type: ignore[arg-type]
                       comment=words, reason=reason, notices=notices, state=after)
