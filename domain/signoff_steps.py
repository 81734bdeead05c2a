"""The steps of `SignOffWorkflow` (issue 16): a draft's reminders to the issuing authority, its lapse (told to the
authority above too), and the leader's signature. Pure functions from (state, now) to the step recorded."""

from datetime import datetime

from domain import signoff
from domain.documents import day_text
from models.actors import Actor, system_actor
from models.clock import Notice
from models.documents import RenderReceipt
from models.signoff import SignOffClock, SignOffState, SignOffStep


def next_due(state: SignOffState) -> datetime | None:
    clock = state.clock
    if clock is None or state.signed:
        return None
    instants = [clock.reminders[clock.reminders_sent]] if clock.reminders_sent < len(clock.reminders) else []
    if not clock.lapsed:
        instants.append(clock.due_at)
    return min(instants) if instants else None


def due_step(state: SignOffState, now: datetime) -> SignOffStep | None:
    """The reminder or the lapse due at `now`; None if neither is."""
    clock, title = state.clock, state.document.title
    if clock is None or state.signed:
        return None
    if clock.reminders_sent < len(clock.reminders) and clock.reminders[clock.reminders_sent] <= now:
        words = f"{title}待领导签发，期限 {day_text(clock.due_at)}"
        after = clock.model_copy(update={"reminders_sent": clock.reminders_sent + 1})
        return _clocked(state, after, "reminder", "reminder", words, now, upward=False)
    if not clock.lapsed and clock.due_at <= now:
        words = f"{title}逾期未签发（期限 {day_text(clock.due_at)}）"
        return _clocked(state, clock.model_copy(update={"lapsed": True}), "deadline-missed", "overdue", words, now, upward=True)
    return None


def signed(state: SignOffState, actor: Actor, receipt: RenderReceipt, now: datetime) -> SignOffStep:
    draft = signoff.check_sign((state.document,), actor, state.document.id)
    issued = signoff.signed(draft, actor, receipt, now)
    after = state.model_copy(update={"document": issued, "seq": state.seq + 1})
    return SignOffStep(seq=after.seq, at=now, actor=actor, action="sign", comment=f"签发：{issued.title}",
                       reason=f"sign:{issued.id}", state=after)


def _clocked(state: SignOffState, clock: SignOffClock, action: str, kind: str, words: str, now: datetime, *,
             upward: bool) -> SignOffStep:
    start = state.start
    codes = [start.document.authority_code, *([start.superior_code] if upward and start.superior_code else [])]
    notices = tuple(Notice(target_kind="authority", target_code=c, kind=kind, title=words[:300], body=words) for c in codes)
    after = state.model_copy(update={"clock": clock, "seq": state.seq + 1})
    reason = f"{'reminder' if action == 'reminder' else 'deadline'}:sign"
    return SignOffStep(seq=after.seq, at=now, actor=system_actor(reason), action=action,  # type: ignore[arg-type]
                       comment=words, reason=reason, notices=notices, state=after)
