"""The tamper-evident trail: `GET /audit/verify` and signed checkpoints of the chain heads."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api import views
from api.deps import CurrentUser, Principal, SessionDep, SettingsDep
from api.errors import ApiError, not_found
from api.schemas import RowId
from audit import signing
from core.db import as_utc
from models.enums import Role
from models.tables import AuditCheckpoint
from store import audit

router = APIRouter(prefix="/audit", tags=["audit"])
AUDIT_ROLES = {Role.AUDITOR, Role.ADMIN}


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    first_broken: dict[str, object] | None


class CheckpointOut(BaseModel):
    id: int
    at: datetime
    max_entry_id: int
    hazards: int
    rows: int
    heads_hash: str
    signature: str
    public_key: str
    signed_by: str


class CheckpointCheckOut(BaseModel):
    ok: bool
    reason: str
    checkpoint: CheckpointOut


def _auditor(principal: Principal) -> None:
    if principal.actor.role not in AUDIT_ROLES:
        raise ApiError(403, "role_not_allowed", "只有审计人员和管理员可以核验审计链", "only auditors and admins check the audit trail")


def _out(row: AuditCheckpoint) -> CheckpointOut:
    return CheckpointOut(**{**row.model_dump(), "at": as_utc(row.at)})


@router.get("/verify", response_model=VerifyOut)
def verify_trail(
    session: SessionDep, principal: CurrentUser, hazard_code: Annotated[str | None, Query(max_length=40)] = None
) -> VerifyOut:
    """Recompute the hash chain: the whole trail, or one hazard's entries."""
    _auditor(principal)
    if hazard_code is not None:
        views.visible_row(session, hazard_code, principal)
    result = audit.verify(session=session, hazard_code=hazard_code)
    return VerifyOut(ok=result.ok, checked=result.checked, first_broken=result.first_broken)


@router.post("/checkpoints", response_model=CheckpointOut, status_code=201)
def create_checkpoint(session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> CheckpointOut:
    """Sign the current chain heads (Ed25519), so a later auditor can prove nothing was rewritten since."""
    _auditor(principal)
    try:
        key = signing.signer(settings)
    except signing.NoSigningKey as missing:
        raise ApiError(503, "no_signing_key", "未配置审计签名密钥", str(missing)) from None
    checkpoint = audit.new_checkpoint(session=session, signed_by=principal.user.username, sign=key.sign, public_key=key.public_key)
    session.commit()
    return _out(checkpoint)


@router.get("/checkpoints", response_model=list[CheckpointOut])
def list_checkpoints(session: SessionDep, principal: CurrentUser) -> list[CheckpointOut]:
    _auditor(principal)
    from sqlmodel import col, select

    return [_out(c) for c in session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id).desc()))]


@router.get("/checkpoints/{checkpoint_id}/verify", response_model=CheckpointCheckOut)
def verify_checkpoint(checkpoint_id: RowId, session: SessionDep, principal: CurrentUser) -> CheckpointCheckOut:
    _auditor(principal)
    checkpoint = session.get(AuditCheckpoint, checkpoint_id)
    if checkpoint is None:
        raise not_found("检查点", "checkpoint", str(checkpoint_id))
    ok, reason = audit.check_checkpoint(session=session, checkpoint=checkpoint, verify_signature=signing.verify)
    return CheckpointCheckOut(ok=ok, reason=reason, checkpoint=_out(checkpoint))
