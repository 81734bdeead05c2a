"""The tamper-evident trail: each hazard's audit rows form a hash chain (canonical JSON, SHA-256).

A row's hash covers every column a reader relies on and the hash of the hazard's previous row, so editing,
reordering or removing a row inside the chain breaks it; a signed checkpoint over the chain heads catches
the removal of a hazard's latest rows.
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


CHAINED_FIELDS = (
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


def row_hash(fields: dict[str, Any]) -> str:
    """The hash of one audit row from its chained fields (which include the previous row's hash)."""
    return hashlib.sha256(canonical({name: fields.get(name) for name in CHAINED_FIELDS})).hexdigest()


def heads_hash(heads: list[tuple[str, int, str]]) -> str:
    """The hash of every hazard's chain head (code, last seq, last row hash), in code order."""
    return hashlib.sha256(canonical(sorted(heads))).hexdigest()
