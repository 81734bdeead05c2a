"""The audit trail's hash chain in the read model: appending, verifying, and signed checkpoints."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from core.db import as_utc
from domain.audit_chain import GENESIS, heads_hash, row_hash
from models.tables import AuditCheckpoint, AuditEntry


def chain_fields(row: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """The chained fields of a row as the database holds them (times normalised to UTC)."""
    fields = {name: row.get(name) for name in (
        "hazard_code", "seq", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status",
        "comment", "reason", "document_hash", "policy", "transition_json",
    )}
    fields["at"] = as_utc(row["at"])
    fields["prev_hash"] = prev_hash
    return fields


def seal(*, session: Session, entry: AuditEntry) -> None:
    """Link `entry` to its hazard's previous row and compute its hash (before it is added)."""
    previous = GENESIS
    if entry.seq > 1:
        prior = session.exec(
            select(AuditEntry.row_hash).where(AuditEntry.hazard_code == entry.hazard_code, AuditEntry.seq == entry.seq - 1)
        ).first()
        if prior is None:
            raise RuntimeError(f"audit row {entry.hazard_code}#{entry.seq - 1} is missing: transitions arrive in order")
        previous = prior
    fields = chain_fields(entry.model_dump(), previous)
    entry.prev_hash = previous
    entry.row_hash = row_hash(fields)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken: dict[str, Any] | None


def verify(*, session: Session, hazard_code: str | None = None, up_to_id: int | None = None) -> ChainCheck:
    """Recompute every row's hash and link, hazard by hazard; report the first row that does not hold."""
    query = select(AuditEntry).order_by(col(AuditEntry.hazard_code), col(AuditEntry.seq))
    if hazard_code is not None:
        query = query.where(AuditEntry.hazard_code == hazard_code)
    if up_to_id is not None:
        query = query.where(col(AuditEntry.id) <= up_to_id)
    checked = 0
    code, previous, expected_seq = None, GENESIS, 1
    for entry in session.exec(query.execution_options(yield_per=1000)):
        if entry.hazard_code != code:
            code, previous, expected_seq = entry.hazard_code, GENESIS, 1
        problem = _problem(entry, previous, expected_seq)
        checked += 1
        if problem is not None:
            return ChainCheck(False, checked, {"hazard_code": entry.hazard_code, "seq": entry.seq, "id": entry.id, "reason": problem})
        previous, expected_seq = entry.row_hash, entry.seq + 1
    return ChainCheck(True, checked, None)


def _problem(entry: AuditEntry, previous: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"row {expected_seq} is missing (found {entry.seq})"
    if entry.prev_hash != previous:
        return "the link to the previous row does not match"
    if row_hash(chain_fields(entry.model_dump(), previous)) != entry.row_hash:
        return "the row's content does not match its hash"
    return None


def heads(*, session: Session, up_to_id: int) -> list[tuple[str, int, str]]:
    """Every hazard's last row (code, seq, hash) among the rows with id <= `up_to_id`."""
    last = (
        select(AuditEntry.hazard_code, func.max(AuditEntry.seq).label("seq"))
        .where(col(AuditEntry.id) <= up_to_id)
        .group_by(col(AuditEntry.hazard_code))
        .subquery()
    )
    rows = session.exec(
        select(AuditEntry.hazard_code, AuditEntry.seq, AuditEntry.row_hash).join(
            last, (col(AuditEntry.hazard_code) == last.c.hazard_code) & (col(AuditEntry.seq) == last.c.seq)
        )
    )
    return [(code, seq, digest) for code, seq, digest in rows]


def checkpoint_statement(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """What the signature covers."""
    return {
        "at": as_utc(checkpoint.at),
        "max_entry_id": checkpoint.max_entry_id,
        "hazards": checkpoint.hazards,
        "rows": checkpoint.rows,
        "heads_hash": checkpoint.heads_hash,
    }


def new_checkpoint(*, session: Session, signed_by: str, sign: Any, public_key: str) -> AuditCheckpoint:
    """Sign the current chain heads. `sign(bytes) -> str` is the Ed25519 signer (base64 out)."""
    from domain.audit_chain import canonical

    max_id = session.exec(select(func.max(AuditEntry.id))).one() or 0
    current = heads(session=session, up_to_id=max_id)
    rows = session.exec(select(func.count()).select_from(AuditEntry).where(col(AuditEntry.id) <= max_id)).one()
    checkpoint = AuditCheckpoint(
        at=datetime.now(UTC), max_entry_id=max_id, hazards=len(current), rows=int(rows),
        heads_hash=heads_hash(current), signature="", public_key=public_key, signed_by=signed_by,
    )
    checkpoint.signature = sign(canonical(checkpoint_statement(checkpoint)))
    session.add(checkpoint)
    session.flush()
    return checkpoint


def check_checkpoint(*, session: Session, checkpoint: AuditCheckpoint, verify_signature: Any) -> tuple[bool, str]:
    """Is the trail still what the checkpoint signed? (signature, chain, and heads)."""
    from domain.audit_chain import canonical

    if not verify_signature(canonical(checkpoint_statement(checkpoint)), checkpoint.signature, checkpoint.public_key):
        return False, "the checkpoint's signature does not verify"
    chain = verify(session=session, up_to_id=checkpoint.max_entry_id)
    if not chain.ok:
        return False, f"the chain is broken at {chain.first_broken}"
    if heads_hash(heads(session=session, up_to_id=checkpoint.max_entry_id)) != checkpoint.heads_hash:
        return False, "the chain heads differ from the signed ones: rows were removed or rewritten"
    return True, "the trail matches the signed checkpoint"
