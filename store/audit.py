"""The audit trail's hash chain in the read model: appending, verifying, and signed checkpoints.

Every process's records share the trail, one chain per (record_kind, record_id). Verifying and checkpoints can
be narrowed to a jurisdiction subtree (`region_path`, e.g. "370000/371700/"): the chains of the records whose
jurisdiction lies in it. A checkpoint records (and signs) the subtree it covers in
`scope_path`; None means the whole trail.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlmodel import Session, col, func, or_, select

from core.db import as_utc
from domain.audit_chain import GENESIS, head_name, heads_hash, row_hash
from models.actors import Actor
from models.tables import AuditCheckpoint, AuditEntry
from security.signing import verify_trusted


def chain_fields(row: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """The chained fields of a row as the database holds them (times normalised to UTC)."""
    fields = {name: row.get(name) for name in (
        "record_kind", "record_id", "chain_version", "seq", "actor_id", "actor_name", "actor_role", "action",
        "from_status", "to_status", "comment", "reason", "document_hash", "policy", "transition_json",
    )}
    fields["at"] = as_utc(row["at"])
    fields["prev_hash"] = prev_hash
    return fields


def _of_record(kind: str, record_id: str) -> Any:
    return (col(AuditEntry.record_kind) == kind) & (col(AuditEntry.record_id) == record_id)


def exists(*, session: Session, kind: str, record_id: str, seq: int) -> bool:
    """Whether the record's step `seq` is already on the trail (projections are idempotent by it)."""
    return session.exec(select(AuditEntry.id).where(_of_record(kind, record_id), AuditEntry.seq == seq)).first() is not None


def entries(*, session: Session, kind: str, record_id: str) -> list[AuditEntry]:
    """The record's trail, in step order."""
    return list(session.exec(select(AuditEntry).where(_of_record(kind, record_id)).order_by(col(AuditEntry.seq))))


def seal(*, session: Session, entry: AuditEntry) -> None:
    """Link `entry` to its record's previous row and compute its hash (before it is added)."""
    previous = GENESIS
    if entry.seq > 1:
        prior = session.exec(
            select(AuditEntry.row_hash).where(_of_record(entry.record_kind, entry.record_id), AuditEntry.seq == entry.seq - 1)
        ).first()
        if prior is None:
            raise RuntimeError(f"audit row {entry.record_kind} {entry.record_id}#{entry.seq - 1} is missing: steps arrive in order")
        previous = prior
    fields = chain_fields(entry.model_dump(), previous)
    entry.prev_hash = previous
    entry.row_hash = row_hash(fields)


def append(*, session: Session, entry: AuditEntry) -> None:
    """Seal `entry` and add it to the session (the caller flushes and commits with the record's row)."""
    seal(session=session, entry=entry)
    session.add(entry)


class Step(Protocol):
    """A process step as its projection carries it (an interview's, a campaign's, a tour's)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def action(self) -> StrEnum: ...
    @property
    def from_status(self) -> StrEnum | None: ...
    @property
    def to_status(self) -> StrEnum: ...
    @property
    def comment(self) -> str | None: ...


def step_entry(
    kind: str, record_id: str, step: Step, *, reason: str | None = None, document_hashes: Sequence[str] = (),
    policy: str | None = None,
) -> AuditEntry:
    """One process step's row on the trail: who did what to which record, from which status to which, and the
    documents it issued (the first in `document_hash`, all of them in the row's details)."""
    actor, action = step.actor, step.action.value
    details = {"kind": kind, "action": action, "document_hashes": list(document_hashes)}
    return AuditEntry(
        record_kind=kind, record_id=record_id, seq=step.seq, at=step.at, actor_id=actor.user_id,
        actor_name=(actor.display_name or actor.username)[:100], actor_role=actor.role.value, action=action,
        from_status=step.from_status.value if step.from_status else None, to_status=step.to_status.value,
        comment=step.comment, reason=reason[:100] if reason else None,
        document_hash=document_hashes[0] if document_hashes else None, policy=policy,
        transition_json=json.dumps(details, sort_keys=True, ensure_ascii=False),
    )


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken: dict[str, Any] | None


def _in_region(region_path: str) -> Any:
    """Audit rows of the records whose jurisdiction lies in the subtree `region_path` (a tour's: its organizer)."""
    from store.records import RECORD_REGIONS

    return or_(*(
        (col(AuditEntry.record_kind) == kind)
        & col(AuditEntry.record_id).in_(select(key).where(col(path).startswith(region_path)))
        for kind, (key, path) in RECORD_REGIONS.items()
    ))


def verify(
    *, session: Session, record_kind: str | None = None, record_id: str | None = None, up_to_id: int | None = None,
    region_path: str | None = None,
) -> ChainCheck:
    """Recompute every row's hash and link, record by record; report the first row that does not hold.
    `record_kind` and `record_id` narrow it to one record (or one kind), `region_path` to the records of that
    jurisdiction subtree."""
    query = select(AuditEntry).order_by(col(AuditEntry.record_kind), col(AuditEntry.record_id), col(AuditEntry.seq))
    if record_kind is not None:
        query = query.where(AuditEntry.record_kind == record_kind)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if region_path is not None:
        query = query.where(_in_region(region_path))
    if up_to_id is not None:
        query = query.where(col(AuditEntry.id) <= up_to_id)
    checked = 0
    record, previous, expected_seq = None, GENESIS, 1
    for entry in session.exec(query.execution_options(yield_per=1000)):
        if (entry.record_kind, entry.record_id) != record:
            record, previous, expected_seq = (entry.record_kind, entry.record_id), GENESIS, 1
        problem = _problem(entry, previous, expected_seq)
        checked += 1
        if problem is not None:
            return ChainCheck(False, checked, _broken(entry, problem))
        previous, expected_seq = entry.row_hash, entry.seq + 1
    return ChainCheck(True, checked, None)


def _broken(entry: AuditEntry, problem: str) -> dict[str, Any]:
    where: dict[str, Any] = {"record_kind": entry.record_kind, "record_id": entry.record_id}
    if entry.record_kind == "hazard":
        where["hazard_code"] = entry.record_id
    return {**where, "seq": entry.seq, "id": entry.id, "reason": problem}


def _problem(entry: AuditEntry, previous: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"row {expected_seq} is missing (found {entry.seq})"
    if entry.prev_hash != previous:
        return "the link to the previous row does not match"
    if row_hash(chain_fields(entry.model_dump(), previous)) != entry.row_hash:
        return "the row's content does not match its hash"
    return None


def heads(*, session: Session, up_to_id: int, region_path: str | None = None) -> list[tuple[str, int, str]]:
    """Every record's last row (its head name, seq, hash) among the rows with id <= `up_to_id` (of the records
    in the subtree `region_path`, if given)."""
    a = AuditEntry
    covered = select(a.record_kind, a.record_id, func.max(a.seq).label("seq")).where(col(a.id) <= up_to_id)
    if region_path is not None:
        covered = covered.where(_in_region(region_path))
    last = covered.group_by(col(a.record_kind), col(a.record_id)).subquery()
    rows = session.exec(
        select(a.record_kind, a.record_id, a.seq, a.row_hash).join(
            last,
            (col(a.record_kind) == last.c.record_kind) & (col(a.record_id) == last.c.record_id) & (col(a.seq) == last.c.seq),
        )
    )
    return [(head_name(kind, record_id), seq, digest) for kind, record_id, seq, digest in rows]


def checkpoint_statement(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """What the signature covers (a scoped checkpoint's subtree too; whole-trail ones sign as they always did)."""
    statement: dict[str, Any] = {
        "at": as_utc(checkpoint.at),
        "max_entry_id": checkpoint.max_entry_id,
        "hazards": checkpoint.hazards,
        "rows": checkpoint.rows,
        "heads_hash": checkpoint.heads_hash,
    }
    if checkpoint.scope_path is not None:
        statement["scope_path"] = checkpoint.scope_path
    return statement


def new_checkpoint(
    *, session: Session, signed_by: str, sign: Any, public_key: str, scope_path: str | None = None
) -> AuditCheckpoint:
    """Sign the current chain heads (of the hazards in the subtree `scope_path`, or of all). `sign(bytes) -> str`
    is the Ed25519 signer (base64 out)."""
    from domain.audit_chain import canonical

    max_id = session.exec(select(func.max(AuditEntry.id))).one() or 0
    current = heads(session=session, up_to_id=max_id, region_path=scope_path)
    counted = select(func.count()).select_from(AuditEntry).where(col(AuditEntry.id) <= max_id)
    if scope_path is not None:
        counted = counted.where(_in_region(scope_path))
    rows = session.exec(counted).one()
    checkpoint = AuditCheckpoint(
        at=datetime.now(UTC), max_entry_id=max_id, hazards=len(current), rows=int(rows),
        heads_hash=heads_hash(current), signature="", public_key=public_key, signed_by=signed_by, scope_path=scope_path,
    )
    checkpoint.signature = sign(canonical(checkpoint_statement(checkpoint)))
    session.add(checkpoint)
    session.flush()
    return checkpoint


def check_checkpoint(*, session: Session, checkpoint: AuditCheckpoint, public_keys: list[str]) -> tuple[bool, str]:
    """Is the trail still what the checkpoint signed? (signature, chain, and heads). The signature must verify
    against one of `public_keys`, the keys the installation trusts (`security.signing.trusted_keys`), never the
    key the checkpoint's row names: that row is as open to rewriting as the trail."""
    from domain.audit_chain import canonical

    if not public_keys:
        return False, "no key to verify the checkpoint's signature is configured (DUBAN_AUDIT_SIGNING_KEY or DUBAN_AUDIT_VERIFY_KEY)"
    if not verify_trusted(canonical(checkpoint_statement(checkpoint)), checkpoint.signature, public_keys):
        if checkpoint.public_key not in public_keys:
            return False, "the checkpoint's signature is not by a trusted key: its row names a key this installation does not trust"
        return False, "the checkpoint's signature does not verify"
    scope = checkpoint.scope_path
    chain = verify(session=session, up_to_id=checkpoint.max_entry_id, region_path=scope)
    if not chain.ok:
        return False, f"the chain is broken at {chain.first_broken}"
    if heads_hash(heads(session=session, up_to_id=checkpoint.max_entry_id, region_path=scope)) != checkpoint.heads_hash:
        return False, "the chain heads differ from the signed ones: rows were removed or rewritten"
    return True, "the trail matches the signed checkpoint"
