"""The audit as both doors see it: verifying the tamper-evident trail, signed checkpoints of the chain heads,
a hazard's workflow history, and replaying histories against today's workflow code.

`api/routes/audit.py` (`/audit/verify`, `/audit/checkpoints...`), `api/routes/history.py`
(`/hazards/{code}/history`, `/audit/replay`) and the web UI's audit view call these. Sync functions: the
Temporal calls run through `anyio.from_thread`, so callers run them in a worker thread.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from anyio import from_thread
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from audit.histories import histories_json, timeline, workflow_histories
from audit.records import RECORDS
from audit.replay import records_from_server, replay_jobs
from core.db import as_utc
from core.settings import Settings
from models.enums import Role
from models.hazard import workflow_id_for
from models.tables import AuditCheckpoint, CircularRow
from security import signing
from services import presenters
from services.errors import refused, role_refused
from services.principal import Principal
from services.records import WorkflowKind, visible_record
from services.schemas import TimelineEntry
from store import audit as trail
from store.archive import hazard_codes
from store.records import record_ids

AUDIT_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
HISTORY_ROLES = AUDIT_ROLES | {Role.SUPERVISOR, Role.INSPECTOR}
MAX_CODES = 500
POOL_FROM = 16  # hazards; fewer replay faster here than in freshly spawned processes


# --- the hash chain and its signed checkpoints -----------------------------------------------------------------------


class BrokenRow(BaseModel):
    """The first audit row that does not hold: its record, its step, and why."""

    record_kind: str
    record_id: str
    hazard_code: str | None = Field(None, description="the record's id, when it is a hazard")
    seq: int
    id: int | None
    reason: str


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    first_broken: BrokenRow | None


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
    scope_path: str | None = Field(None, description="the jurisdiction subtree it covers; null: the whole trail")


class CheckpointCheckOut(BaseModel):
    ok: bool
    reason: str
    checkpoint: CheckpointOut


def _auditor(principal: Principal) -> None:
    if principal.actor.role not in AUDIT_ROLES:
        raise role_refused(principal.actor.role, AUDIT_ROLES, "check the audit trail", "核验审计链")


def _scope_path(principal: Principal) -> str | None:
    """The jurisdiction subtree an auditor's verifying and checkpoints cover (their own); None for an admin's
    (the whole trail)."""
    if principal.scope.everything:
        return None
    if principal.scope.path is None:
        raise refused(403, "outside_jurisdiction", subject_zh="审计链（您没有辖区）", subject="audit trail (you have no jurisdiction)")
    return principal.scope.path


def _covers(principal: Principal, checkpoint: AuditCheckpoint) -> bool:
    """Whether the caller may see a checkpoint: an admin every one, an auditor those over their subtree or a
    part of it (never a whole-trail one, nor another jurisdiction's)."""
    if principal.scope.everything:
        return True
    path = _scope_path(principal)
    return checkpoint.scope_path is not None and path is not None and checkpoint.scope_path.startswith(path)


def _checkpoint_out(row: AuditCheckpoint) -> CheckpointOut:
    return CheckpointOut(**{**row.model_dump(), "at": as_utc(row.at)})


def verify_trail(
    session: Session, principal: Principal, hazard_code: str | None = None, record_kind: str | None = None,
    record_id: str | None = None,
) -> VerifyOut:
    """Recompute the hash chains: every record's in the caller's scope (an auditor's jurisdiction subtree, an
    admin's everything), or one record's (of any kind, one the caller may see; `hazard_code` names a hazard)."""
    _auditor(principal)
    if hazard_code is not None:
        record_kind, record_id = "hazard", hazard_code
    if (record_kind is None) != (record_id is None):
        field = "record_id" if record_id is None else "record_kind"
        raise refused(422, "record_incomplete", field)
    if record_kind is not None and record_id is not None:
        visible_record(session, principal, record_kind, record_id)
        result = trail.verify(session=session, record_kind=record_kind, record_id=record_id)
    else:
        result = trail.verify(session=session, region_path=_scope_path(principal))
    broken = BrokenRow.model_validate(result.first_broken) if result.first_broken else None
    return VerifyOut(ok=result.ok, checked=result.checked, first_broken=broken)


def create_checkpoint(session: Session, principal: Principal, settings: Settings) -> CheckpointOut:
    """Sign the current chain heads (Ed25519), so a later auditor can prove nothing was rewritten since: an
    auditor's checkpoint covers the hazards of their jurisdiction subtree, an admin's the whole trail."""
    _auditor(principal)
    scope_path = _scope_path(principal)
    try:
        key = signing.signer(settings)
    except signing.NoSigningKey as missing:
        raise refused(503, "no_signing_key", problem=missing) from None
    checkpoint = trail.new_checkpoint(
        session=session, signed_by=principal.user.username, sign=key.sign, public_key=key.public_key, scope_path=scope_path
    )
    session.commit()
    return _checkpoint_out(checkpoint)


def list_checkpoints(session: Session, principal: Principal) -> list[CheckpointOut]:
    """The signed checkpoints the caller may see (an admin: all; an auditor: those within their jurisdiction
    subtree), newest first."""
    _auditor(principal)
    query = select(AuditCheckpoint).order_by(col(AuditCheckpoint.id).desc())
    path = _scope_path(principal)
    if path is not None:
        query = query.where(col(AuditCheckpoint.scope_path).startswith(path))
    return [_checkpoint_out(c) for c in session.exec(query)]


def verify_checkpoint(session: Session, principal: Principal, settings: Settings, checkpoint_id: int) -> CheckpointCheckOut:
    """Check a checkpoint's signature, against the keys this installation trusts (never the key its row
    names), and that the chain still holds the heads it signed."""
    _auditor(principal)
    row = session.get(AuditCheckpoint, checkpoint_id)
    checkpoint = presenters.visible(row, row is not None and _covers(principal, row), "checkpoint", str(checkpoint_id))
    ok, reason = trail.check_checkpoint(session=session, checkpoint=checkpoint, public_keys=signing.trusted_keys(settings))
    return CheckpointCheckOut(ok=ok, reason=reason, checkpoint=_checkpoint_out(checkpoint))


# --- workflow histories and replay -------------------------------------------------------------------------------------


def _role(principal: Principal, allowed: frozenset[Role], what_zh: str, what_en: str) -> None:
    if principal.actor.role not in allowed:
        raise role_refused(principal.actor.role, allowed, what_en, what_zh)


class TrailEntry(TimelineEntry):
    """One row of a record's audit trail, as a person reads it: a timeline entry, with its reason and document."""

    reason: str | None
    document_hash: str | None


class HistoryOut(BaseModel):
    record_kind: str
    record_id: str
    hazard_code: str | None = Field(None, description="the hazard's code (a hazard's history only)")
    workflow_id: str | None = None
    runs: list[dict[str, Any]] | None = Field(None, description="each run's event history, Temporal's JSON")
    timeline: list[dict[str, Any]] | None = Field(None, description="the decisions, in order, decoded")
    trail: list[TrailEntry] | None = Field(None, description="the record's audit trail, in step order")


class RecordRef(BaseModel):
    kind: WorkflowKind
    id: str = Field(min_length=1, max_length=80)


class ReplayIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"anyOf": [  # the OpenAPI document says the check below
        {"required": ["hazard_codes"], "properties": {"hazard_codes": {"type": "array"}, "records": {"type": "null"},
                                                      "all": {"const": False}}},
        {"required": ["records"], "properties": {"records": {"type": "array"}, "hazard_codes": {"type": "null"},
                                                 "all": {"const": False}}},
        {"required": ["all"], "properties": {"all": {"const": True}, "hazard_codes": {"type": "null"},
                                             "records": {"type": "null"}}},
    ]})
    hazard_codes: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=MAX_CODES, min_length=1)
    records: list[RecordRef] | None = Field(None, max_length=MAX_CODES, min_length=1)
    all: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> "ReplayIn":
        if (self.hazard_codes is not None) + (self.records is not None) + self.all != 1:
            raise ValueError('give one of "hazard_codes", "records" or "all": true')
        return self


class ReplayFailure(BaseModel):
    record_kind: str
    record_id: str
    hazard_code: str | None = None
    error: str


class ReplayOut(BaseModel):
    replayed: int
    histories: int
    failures: list[ReplayFailure]
    seconds: float
    per_second: float


HISTORY_KINDS: tuple[WorkflowKind, ...] = ("hazard", "interview", "campaign", "tour", "circular")


def _histories(client: Client, kind: str, record_id: str, workflow_id: str | None) -> list[WorkflowHistory]:
    not_held = refused(404, "history_not_found", record_id=record_id)
    if workflow_id is None:
        raise not_held
    try:
        return from_thread.run(workflow_histories, client, workflow_id)
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise not_held from None


def hazard_history(
    session: Session, principal: Principal, client: Client, code: str, view: Literal["json", "timeline"] = "json"
) -> HistoryOut:
    """The Temporal event history of every run of the hazard's workflow (continue-as-new included)."""
    _role(principal, HISTORY_ROLES, "查看流程历史", "read workflow histories")
    row = presenters.visible_row(session, code, principal)
    histories = _histories(client, "hazard", row.code, workflow_id_for(row.code))
    out = HistoryOut(record_kind="hazard", record_id=row.code, hazard_code=row.code, workflow_id=workflow_id_for(row.code))
    if view == "timeline":
        return out.model_copy(update={"timeline": timeline(histories)})
    return out.model_copy(update={"runs": histories_json(histories)})


def record_history(session: Session, principal: Principal, client: Client, kind: WorkflowKind, record_id: str) -> HistoryOut:
    """A record's workflow history, decoded into the decisions it holds (never raw payloads), beside its audit
    trail: to the same roles as a hazard's history, for a record the caller may see."""
    _role(principal, HISTORY_ROLES, "查看流程历史", "read workflow histories")
    row = visible_record(session, principal, kind, record_id)
    workflow_id = RECORDS[kind].workflow_id(row, record_id)
    histories = _histories(client, kind, record_id, workflow_id)
    rows = trail.entries(session=session, kind=kind, record_id=record_id)
    return HistoryOut(
        record_kind=kind, record_id=record_id, hazard_code=record_id if kind == "hazard" else None,
        workflow_id=workflow_id, timeline=timeline(histories),
        trail=[TrailEntry(seq=e.seq, at=as_utc(e.at), actor=e.actor_name, actor_role=e.actor_role,  # type: ignore[arg-type]
                          action=e.action, from_status=e.from_status, to_status=e.to_status, comment=e.comment,
                          reason=e.reason, document_hash=e.document_hash) for e in rows],
    )


def _records_in_scope(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """Every record a workflow runs in the caller's scope: hazards (with their interviews), campaigns, tours,
    and circulars that went through a sign-off."""
    found = [("hazard", code) for code in hazard_codes(session=session, scope=principal.scope)]
    for kind in ("campaign", "tour"):
        found += [(kind, key) for key in record_ids(session=session, kind=kind, scope=principal.scope)]
    circulars = record_ids(session=session, kind="circular", scope=principal.scope)
    signed = session.exec(select(CircularRow.id).where(col(CircularRow.id).in_(circulars),
                                                       col(CircularRow.signoff_workflow_id).is_not(None))).all()
    return found + [("circular", key) for key in signed]


def replay(session: Session, principal: Principal, client: Client, engine: Engine, body: ReplayIn) -> ReplayOut:
    """Replay records' histories against today's workflow code: each must replay cleanly and reach the state
    the read model recorded."""
    _role(principal, AUDIT_ROLES, "重放流程历史", "replay workflow histories")
    if body.all:
        records = _records_in_scope(session, principal)
    elif body.records is not None:
        records = [(r.kind, r.id) for r in body.records]
        records = list(dict.fromkeys(records))
        for kind, key in records:
            visible_record(session, principal, kind, key)
    else:
        records = [("hazard", presenters.visible_row(session, code, principal).code)
                   for code in dict.fromkeys(body.hazard_codes or [])]
    jobs = from_thread.run(records_from_server, client, records, engine)
    report = replay_jobs(jobs, workers=None if len(jobs) >= POOL_FROM else 1)
    result = report.as_dict()
    return ReplayOut(**{k: result[k] for k in ("replayed", "histories", "failures", "seconds", "per_second")})
