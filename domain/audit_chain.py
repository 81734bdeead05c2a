"""The tamper-evident trail: each record's audit rows (a hazard's, a tour's, a campaign's ...) form a hash chain
(canonical JSON, SHA-256).

A row's hash covers every column a reader relies on and the hash of the record's previous row, so editing,
reordering or removing a row inside the chain breaks it; a signed checkpoint over the chain heads catches
the removal of a record's latest rows.

Rows sealed before every process shared the trail (chain version 1) hashed the record's id under the name
`hazard_code` and not its kind; they keep verifying as they were sealed. Version 2 hashes the kind, the id and
the version itself.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8; datetimes as UTC ISO 8601."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso).encode()


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    raise TypeError(f"not canonical: {type(value).__name__}")


LEGACY_FIELDS = (
    "hazard_code",
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "comment",
    "reason",
    "document_hash",
    "policy",
    "transition_json",
    "prev_hash",
)


CHAINED_FIELDS = ("record_kind", "record_id", "chain_version", *LEGACY_FIELDS[1:])
# The kinds whose chains existed before every process shared the trail: their heads keep the bare id, so the
# checkpoints signed then still verify; every other kind's head is named "<kind>:<id>".
LEGACY_HEAD_KINDS = frozenset({"hazard", "circular", "report"})


def row_hash(fields: dict[str, Any]) -> str:
    """The hash of one audit row from its chained fields (which include the previous row's hash)."""
    if fields.get("chain_version", 1) == 1:
        legacy = {**fields, "hazard_code": fields.get("record_id", fields.get("hazard_code"))}
        return hashlib.sha256(canonical({name: legacy.get(name) for name in LEGACY_FIELDS})).hexdigest()
    return hashlib.sha256(canonical({name: fields.get(name) for name in CHAINED_FIELDS})).hexdigest()


def head_name(record_kind: str, record_id: str) -> str:
    """How a chain head is named in a checkpoint."""
    return record_id if record_kind in LEGACY_HEAD_KINDS else f"{record_kind}:{record_id}"


def heads_hash(heads: list[tuple[str, int, str]]) -> str:
    """The hash of every record's chain head (its head name, last seq, last row hash), in name order."""
    return hashlib.sha256(canonical(sorted(heads))).hexdigest()
