"""Synthetic read-model rows: hazards with valid workflow state and their audit rows, inserted directly (no
Temporal). For the metrics tests, the web tests and the page benchmark (`bench/ui_pages.py`)."""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models.actors import Actor, system_actor
from models.clock import Clock, ClockName, ClockSpec, FiredRung
from models.enums import AuthorityLevel, HazardLevel, HazardStatus, Source
from models.hazard import Completion, HazardState, JurisdictionRef, Listing
from models.policy import RungType
from models.tables import AuditEntry, HazardRow
from store import tasks
from store.projection import region_path_key
from tests.factories import (
    CITY,
    COUNTY,
    COUNTY2,
    COUNTY_SUPERVISOR,
    DEFAULT_POLICY,
    PROVINCE,
    USCC_A,
    USCC_B,
    facts,
)

ENTERPRISES = {
    COUNTY.code: (USCC_A, "菏泽市牡丹区示范化工有限公司", "危险化学品"),
    COUNTY2.code: (USCC_B, "曹县示范木业有限公司", "工贸"),
    CITY.code: (USCC_A, "菏泽市牡丹区示范化工有限公司", "危险化学品"),
}
RUNGS = tuple(RungType)


@dataclass
class Spec:
    """One hazard to make: its state and what happened to it."""

    n: int
    status: HazardStatus
    reported_at: datetime
    region: JurisdictionRef = COUNTY
    level: HazardLevel | None = None
    listed: bool = False
    deadline: datetime | None = None
    overdue: bool = False
    completed_at: datetime | None = None  # the last request for acceptance
    rungs: int = 0
    industry: str | None = None
    title: str = "配电室未设置挡鼠板"


def make(spec: Spec, reporter: Actor = COUNTY_SUPERVISOR) -> tuple[HazardRow, list[AuditEntry]]:
    uscc, name, industry = ENTERPRISES[spec.region.code]
    industry = spec.industry or industry
    chain = (PROVINCE, CITY) if spec.region.code == CITY.code else (PROVINCE, CITY, spec.region)
    code = f"HZ-{spec.region.code}-{spec.reported_at.year}-{spec.n:06d}"
    base = facts(title=spec.title).model_copy(
        update={"enterprise_uscc": uscc, "enterprise_name": name, "region_code": spec.region.code, "region_path": chain,
                "industry": industry, "discovered_at": spec.reported_at - timedelta(hours=2)}
    )
    at = spec.reported_at
    listing = None
    if spec.listed:
        listing = Listing(
            authority_level=AuthorityLevel.CITY, authority_code=CITY.code, authority_name=CITY.name,
            notice_number=f"督字〔{at.year}〕{code}号", requirements="", deadline=spec.deadline or at + timedelta(days=60),
            at=at + timedelta(days=1), by=COUNTY_SUPERVISOR,
        )
    clocks: tuple[Clock, ...] = ()
    if not spec.status.terminal:
        due = spec.deadline or at + timedelta(days=5)
        name_ = ClockName.RECTIFICATION if spec.deadline else ClockName.ASSESS
        clocks = (
            Clock(spec=ClockSpec(name=name_, owner_code=uscc, start=at, due_at=due), due_at=due, provisional=False,
                  reminders=(), lapsed=spec.overdue),
        )
    fired = tuple(FiredRung(rung=RUNGS[i % len(RUNGS)], at=(spec.deadline or at) + timedelta(days=i), reason="deadline") for i in range(spec.rungs))
    completion = (
        Completion(summary="已整改", evidence=(), at=spec.completed_at, by=COUNTY_SUPERVISOR) if spec.completed_at else None
    )
    state = HazardState(
        code=code, facts=base, reported_at=at, reported_by=reporter, status=spec.status, level=spec.level, listing=listing,
        completion=completion, deadline=spec.deadline, overdue=spec.overdue, policy=DEFAULT_POLICY, status_since=at,
        clocks=clocks, fired=fired, ladder=DEFAULT_POLICY.ladder if spec.listed else (),
        closed_at=at + timedelta(days=30) if spec.status == HazardStatus.CLOSED else None,
    )
    audit = [_entry(code, 1, at, reporter, "report", None, "reported", spec.title)]
    if spec.status != HazardStatus.REPORTED:
        audit.append(_entry(code, 2, at + timedelta(hours=4), reporter, "assess", "reported", spec.status.value, None))
    if spec.completed_at:
        audit.append(_entry(code, len(audit) + 1, spec.completed_at, reporter, "submit-completion", "rectifying", "acceptance_requested", None))
    for rung in fired:
        audit.append(_entry(code, len(audit) + 1, rung.at, system_actor(f"rung:{rung.rung.value}"), "rung", "rectifying", "rectifying", rung.rung.value))
    state = state.model_copy(update={"seq": len(audit)})
    row = HazardRow(
        code=code, workflow_id=state.workflow_id, status=spec.status.value, level=spec.level.value if spec.level else None,
        title=spec.title, region_code=spec.region.code, region_path=region_path_key(tuple(r.code for r in chain)),
        enterprise_uscc=uscc, enterprise_name=name, industry=industry, source=Source.INSPECTION.value,
        listing_level=AuthorityLevel.CITY.value if spec.listed else None, listing_authority_code=CITY.code if spec.listed else None,
        deadline=spec.deadline, overdue=spec.overdue, reported_at=at, updated_at=at, closed_at=state.closed_at,
        last_seq=len(audit), state_json=state.model_dump_json(), escalation_rung=fired[-1].rung.value if fired else None,
        policy=DEFAULT_POLICY.key,
    )
    return row, audit


def _entry(code: str, seq: int, at: datetime, actor: Actor, action: str, before: str | None, after: str, comment: str | None) -> AuditEntry:
    return AuditEntry(
        record_id=code, seq=seq, at=at, actor_id=actor.user_id, actor_name=actor.display_name or actor.username,
        actor_role=actor.role.value, action=action, from_status=before, to_status=after, comment=comment,
        transition_json="{}", policy=DEFAULT_POLICY.key,
    )


def reference_data(session: Session) -> None:
    """The demo jurisdictions and enterprises (no accounts)."""
    from store.demo import add_reference_data

    add_reference_data(session=session)
    session.commit()


def insert(session: Session, specs: Iterable[Spec]) -> int:
    count = 0
    for spec in specs:
        row, audit = make(spec)
        session.add(row)
        session.add_all(audit)
        tasks.replace_for_hazard(session=session, state=HazardState.model_validate_json(row.state_json))  # as the projection does
        count += 1
    session.commit()
    return count


def many(n: int, now: datetime | None = None, seed: int = 5) -> Iterator[Spec]:
    """`n` hazards of the last year spread over the states, levels, both counties and the city."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    statuses = list(HazardStatus)
    weights = [10, 3, 8, 3, 25, 6, 5, 35, 5]
    for i in range(1, n + 1):
        status = rng.choices(statuses, weights)[0]
        reported = now - timedelta(days=rng.uniform(1, 360))
        level = None if status == HazardStatus.REPORTED else rng.choice((HazardLevel.GENERAL, HazardLevel.MAJOR))
        listed = level == HazardLevel.MAJOR and status not in (HazardStatus.ASSESSED, HazardStatus.VOIDED)
        deadline = reported + timedelta(days=rng.uniform(10, 90)) if status not in (HazardStatus.REPORTED, HazardStatus.ASSESSED) else None
        overdue = bool(deadline and deadline < now and status in (HazardStatus.LISTED, HazardStatus.PLAN_SUBMITTED, HazardStatus.RECTIFYING))
        done = status in (HazardStatus.ACCEPTANCE_REQUESTED, HazardStatus.VERIFIED, HazardStatus.CLOSED)
        completed = (deadline + timedelta(days=rng.uniform(-20, 10))) if done and deadline else None
        yield Spec(
            n=i, status=status, reported_at=reported, region=rng.choice((COUNTY, COUNTY, COUNTY2, CITY)), level=level,
            listed=listed, deadline=deadline, overdue=overdue, completed_at=completed, rungs=rng.randint(1, 4) if overdue else 0,
            industry=rng.choice(("危险化学品", "工贸", "建筑施工", "交通运输", "消防")), title=f"隐患 {i}",
        )
