"""The tamper-evident trail: `GET /audit/verify` and signed checkpoints of the chain heads.

Thin wrappers over `services/audit.py`, which the web UI's audit view calls too.
"""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, RowId, SessionDep, SettingsDep
from services import audit
from services.audit import CheckpointCheckOut, CheckpointOut, VerifyOut
from services.records import RecordKind

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/verify", response_model=VerifyOut)
def verify_trail(
    session: SessionDep,
    principal: CurrentUser,
    hazard_code: Annotated[str | None, Query(max_length=40)] = None,
    record_kind: Annotated[RecordKind | None, Query()] = None,
    record_id: Annotated[str | None, Query(max_length=80)] = None,
) -> VerifyOut:
    """Recompute the hash chains: every record's (hazards, interviews, campaigns, tours, circulars, reports) in the
    caller's scope (an auditor's jurisdiction subtree, an admin's whole trail), or one record's
    (`record_kind` and `record_id`; `hazard_code` for a hazard)."""
    return audit.verify_trail(session, principal, hazard_code, record_kind, record_id)


@router.post("/checkpoints", response_model=CheckpointOut, status_code=201)
def create_checkpoint(session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> CheckpointOut:
    """Sign the current chain heads (Ed25519), so a later auditor can prove nothing was rewritten since."""
    return audit.create_checkpoint(session, principal, settings)


@router.get("/checkpoints", response_model=list[CheckpointOut])
def list_checkpoints(session: SessionDep, principal: CurrentUser) -> list[CheckpointOut]:
    return audit.list_checkpoints(session, principal)


@router.get("/checkpoints/{checkpoint_id}/verify", response_model=CheckpointCheckOut)
def verify_checkpoint(
    checkpoint_id: RowId, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> CheckpointCheckOut:
    """Verify the signature with the keys this installation trusts (`DUBAN_AUDIT_SIGNING_KEY`'s public half,
    `DUBAN_AUDIT_VERIFY_KEY`), never the key stored in the checkpoint, and that the trail still matches it."""
    return audit.verify_checkpoint(session, principal, settings, checkpoint_id)
