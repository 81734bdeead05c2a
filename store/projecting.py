"""Writing one process step into the read model, the same way for every process: its audit row, the documents and
notices it issued and the record's row, in one transaction, idempotent by (record kind, record id, seq)."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.tables import AuditEntry, Document, Notification
from store import audit


class _Row(Protocol):
    last_seq: int
    updated_at: datetime
    state_json: str


class _State(Protocol):
    @property
    def seq(self) -> int: ...
    def model_dump_json(self) -> str: ...


Row = TypeVar("Row", bound=_Row)
State = TypeVar("State", bound=_State)


def project(
    *, session: Session, entry: AuditEntry, documents: Iterable[Document] = (), notices: Iterable[Notification] = (),
    upsert: Callable[[], object] | None = None,
) -> bool:
    """Append `entry` (the step's audit row), store its `documents` (those not stored yet), add its `notices` and
    upsert the record's row (`upsert`), or do nothing if the record's step `entry.seq` is already on the trail.

    The caller commits; everything lands together or not at all. Returns whether anything was written."""
    if audit.exists(session=session, kind=entry.record_kind, record_id=entry.record_id, seq=entry.seq):
        return False
    audit.append(session=session, entry=entry)
    for document in documents:
        if session.get(Document, document.hash) is None:
            session.add(document)
    session.add_all(notices)
    if upsert is not None:
        upsert()
    return flushed(session)


def upsert_row(
    session: Session, table: type[Row], key: str, state: State, at: datetime,
    new: Callable[[State, datetime], Row], fill: Callable[[Row, State, datetime], None], seq: int,
) -> bool:
    """Add the record's row (its identity from `new`, the rest from `fill`), or refill it if it is older than step
    `seq`; either way it keeps the state it shows (and its seq) and when it changed. Returns whether the row
    changed (and the record's tasks are to be replaced)."""
    row = session.get(table, key)
    if row is None:
        row = new(state, at)
    elif row.last_seq >= seq:
        return False
    fill(row, state, at)
    row.last_seq, row.updated_at, row.state_json = state.seq, at, state.model_dump_json()
    session.add(row)
    return True


def flushed(session: Session) -> bool:
    """Flush the step's writes; False (and the session rolled back) if a concurrent attempt got there first."""
    try:
        session.flush()
    except IntegrityError:  # a concurrent attempt of the same activity won the race
        session.rollback()
        return False
    return True
