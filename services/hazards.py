"""Hazards, the service both doors call: the JSON API (`api/routes/hazards.py`) and the web UI (`web/pages/`).

One function per use case: report a hazard, take a hazard action. Each checks the
caller against the read model and the pure rules of `domain/`, then asks Temporal (whose validators check the
same rules again). Refusals are `ApiError`s with `{code, message_zh, message_en}`; each door shows them its
own way. Sync functions: they run in FastAPI's thread pool and call the async gateway with `anyio.from_thread`.
Reporting starts the hazard's workflow with an Update that returns once the report is projected
(update-with-start), so the answer comes from the workflow, never from polling the read model.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from anyio import from_thread
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio.client import Client

from core.policies import PolicyRegistry
from core.settings import Settings
from domain import permissions
from domain.refusals import Refusal
from models.actions import Command
from models.base import Frozen, china_date
from models.enums import Action, Role
from models.hazard import HazardFacts, HazardStart
from models.policy import PolicyProfile
from models.tables import Enterprise, HazardRow, Jurisdiction
from registry.hazard import HAZARD
from services import campaigns, gateway, presenters
from services.errors import from_refusal, outside, refused, role_refused
from services.principal import Principal
from services.schemas import HazardCreate
from store import hazards, reference

REPORTER_ROLES = {Role.INSPECTOR, Role.SUPERVISOR, Role.ENTERPRISE}
PROJECTION_WAIT_SECONDS = 15.0
MAX_CODE_ATTEMPTS = 50

HAZARD_ACTION_BODIES: dict[Action, type[Frozen]] = {Action(spec.name): spec.body for spec in HAZARD.actions}  # type: ignore[misc]


@dataclass(frozen=True)
class Reported:
    """The outcome of a report: the hazard's code, its row (None while not yet projected) and whether this
    was a retry of an earlier request with the same idempotency key."""

    code: str
    row: HazardRow | None
    replay: bool


def report_hazard(
    *,
    session: Session,
    principal: Principal,
    body: HazardCreate,
    settings: Settings,
    client: Client,
    policies: PolicyRegistry,
    idempotency_key: str | None = None,
) -> Reported:
    """Report a hazard (登记): check it, give it a code, start its workflow, wait for its first row."""
    facts = hazard_start(session, principal, body, policies.latest(settings.policy))
    code, replay = _claim_code(session, principal, body, facts, idempotency_key)
    for _ in range(MAX_CODE_ATTEMPTS):
        start = facts.model_copy(update={"code": code})
        queue = settings.temporal_task_queue
        ours, _ = from_thread.run(gateway.report_hazard, client, start, queue, PROJECTION_WAIT_SECONDS)
        if ours:
            break
        # The code is held by a workflow the read model does not know (say, a restored database): skip it.
        code = _next_free_code(session, principal, facts, idempotency_key)
    else:
        raise refused(503, "no_free_code", what_zh="隐患", what="hazard code")
    session.expire_all()  # the workflow answered once its first row was committed: read it afresh
    return Reported(code=code, row=hazards.get_row(session=session, code=code), replay=replay)


def check_permission(action: Action, principal: Principal, row: HazardRow, body: Frozen) -> None:
    """The API's own door: role, jurisdiction, listing authority and separation of duties, with the same rule
    functions the workflow's validator runs again (so neither door can be bypassed alone). The state itself
    (409) and the body against the clock (422) are the workflow's to judge: only it knows them for certain."""
    state = hazards.state_of(row)
    try:
        permissions.check_role(action, principal.actor)
        permissions.check_jurisdiction(action, principal.actor, state, body)
    except Refusal as refusal:
        raise from_refusal(refusal) from None


def hazard_action(
    *, session: Session, principal: Principal, client: Client, code: str, action: Action, body: Frozen
) -> HazardRow | None:
    """Take a human action on a hazard. The hazard's row afterwards, or None when Temporal accepted the
    action but the read model has not caught up yet."""
    row = presenters.visible_row(session, code, principal)
    check_permission(action, principal, row, body)
    command_type: Any = Command[type(body)]  # type: ignore[misc]
    command = command_type(actor=principal.actor, body=body)
    state = from_thread.run(gateway.run_update, client, code, action, command, PROJECTION_WAIT_SECONDS)
    if state is None:
        return None
    session.expire_all()
    return presenters.visible_row(session, row.code, principal)


# --- reporting, step by step -------------------------------------------------------------------------


def hazard_start(session: Session, principal: Principal, body: HazardCreate, policy: PolicyProfile) -> HazardStart:
    """Check the report against the reference data and the caller; resolve the region chain."""
    actor = principal.actor
    if actor.role not in REPORTER_ROLES:
        raise role_refused(actor.role, REPORTER_ROLES, "report a hazard", "登记隐患")
    region = reference.get_jurisdiction(session=session, code=body.region_code)
    if region is None:
        raise refused(422, "unknown_region", region=body.region_code)
    enterprise = session.get(Enterprise, body.enterprise_uscc)
    if enterprise is None:
        raise refused(422, "unknown_enterprise", uscc=body.enterprise_uscc)
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_uscc != enterprise.uscc:
            raise refused(403, "not_your_enterprise", subject_zh="隐患", subject="hazards")
    elif principal.scope.path is None or not region.path.startswith(principal.scope.path):
        raise outside("region", region.code)
    home = session.get(Jurisdiction, enterprise.region_code)
    if home is None or not (home.path.startswith(region.path) or region.path.startswith(home.path)):
        raise refused(422, "enterprise_elsewhere", registered=enterprise.region_code, region=region.code)
    facts = HazardFacts(
        title=body.title,
        description=body.description,
        enterprise_uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        enterprise_principal=enterprise.principal,
        region_code=region.code,
        region_path=reference.chain(session=session, jurisdiction=region),
        industry=body.industry,
        location=body.location,
        source=body.source,
        discovered_at=body.discovered_at,  # type: ignore[arg-type]
        campaign_id=campaigns.hazard_tag(session, body.campaign_id, region, body.industry),  # campaigns
    )
    return HazardStart(code="", facts=facts, reporter=actor, policy=policy)


def _claim_code(
    session: Session, principal: Principal, body: HazardCreate, start: HazardStart, key: str | None
) -> tuple[str, bool]:
    """A new code for the hazard, or the code an earlier request with the same key was given."""
    untagged = {"campaign_id"} if body.campaign_id is None else None  # the hash of a report from before the tag
    request_hash = hashlib.sha256(body.model_dump_json(exclude=untagged).encode()).hexdigest()
    if key is not None:
        earlier = hazards.find_idempotency_key(session=session, user_id=principal.user.id, key=key)
        if earlier is not None:
            if earlier.request_hash != request_hash:
                raise refused(422, "idempotency_key_reused")
            return earlier.hazard_code, True
    try:
        code = _unused_code(session, start)
        if key is not None:
            hazards.remember_idempotency_key(
                session=session, user_id=principal.user.id, key=key, request_hash=request_hash, hazard_code=code
            )
        session.commit()
    except IntegrityError:  # the same key, sent twice at once: the other request won
        session.rollback()
        earlier = hazards.find_idempotency_key(session=session, user_id=principal.user.id, key=key or "")
        if earlier is None:
            raise
        return earlier.hazard_code, True
    return code, False


def _unused_code(session: Session, start: HazardStart) -> str:
    """The next code from the counter that no hazard in the read model has."""
    year = china_date(start.facts.discovered_at).year
    while True:
        code = hazards.next_code(session=session, region_code=start.facts.region_code, year=year)
        if hazards.get_row(session=session, code=code) is None:
            return code


def _next_free_code(session: Session, principal: Principal, start: HazardStart, key: str | None) -> str:
    code = _unused_code(session, start)
    if key is not None:
        hazards.move_idempotency_key(session=session, user_id=principal.user.id, key=key, hazard_code=code)
    session.commit()
    return code


claim_code = _claim_code  # public for the campaign import, which claims its rows' codes before starting them in batches
