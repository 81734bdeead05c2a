"""The seeded random model of a city's year: its authorities and actors, and each hazard's plan, drawn before the
year starts (so the seed fixes it)."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.actors import Actor
from models.enums import HazardStatus, JurisdictionLevel, Role
from models.hazard import JurisdictionRef

# Seasonality of reports: inspection campaigns in spring and autumn, a lull at the Spring Festival.
DEFAULT_MONTHLY = (0.6, 0.7, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 1.1, 1.2, 1.1, 1.0)
S = HazardStatus

PROVINCE = JurisdictionRef(code="370000", name="山东省", level=JurisdictionLevel.PROVINCE)
CITY = JurisdictionRef(code="371700", name="菏泽市", level=JurisdictionLevel.CITY)
COUNTIES = (
    (JurisdictionRef(code="371702", name="牡丹区", level=JurisdictionLevel.COUNTY), "91371702MA3C4G0R29", "菏泽市牡丹区示范化工有限公司", "王建国", "危险化学品"),
    (JurisdictionRef(code="371721", name="曹县", level=JurisdictionLevel.COUNTY), "91371721MA3D8J7K5L", "曹县示范木业有限公司", "李春生", "木材加工"),
)


def _actor(username: str, role: Role, where: JurisdictionRef | None = None, uscc: str | None = None) -> Actor:
    return Actor(
        user_id=f"sim-{username}", username=username, role=role, display_name=username,
        jurisdiction_code=where.code if where else None, jurisdiction_level=where.level if where else None,
        enterprise_uscc=uscc,
    )


# Two supervisors per authority: the one who verifies a major hazard never also closes it (four eyes).
SUPERVISORS: dict[str, tuple[Actor, Actor]] = {
    ref.code: (_actor(f"sim.{ref.code}.a", Role.SUPERVISOR, ref), _actor(f"sim.{ref.code}.b", Role.SUPERVISOR, ref))
    for ref in (PROVINCE, CITY, *(c[0] for c in COUNTIES))
}
INSPECTORS = {c[0].code: _actor(f"sim.{c[0].code}.inspector", Role.INSPECTOR, c[0]) for c in COUNTIES}
ENTERPRISES = {c[1]: _actor(f"sim.{c[1]}", Role.ENTERPRISE, None, c[1]) for c in COUNTIES}


@dataclass(frozen=True)
class Model:
    """The seeded random model of a city's year."""

    seed: int = 1
    hazards: int = 1000
    year: int = field(default_factory=lambda: datetime.now(UTC).year + 1)  # the test server cannot go back
    major: float = 0.15  # share of major hazards (listed); the rest are general with a deadline
    late: float = 0.2  # share of enterprises that finish after the deadline (or not within the year)
    extension: float = 0.1  # share of (listed) enterprises that ask for an extension
    failed_verification: float = 0.1  # share whose first verification fails
    no_show: float = 0.3  # share of interviewees who do not come
    late_government: float = 0.05  # share of hazards whose supervisors act after their own deadline
    monthly: tuple[float, ...] = DEFAULT_MONTHLY


@dataclass(frozen=True)
class Plan:
    """What happens to one hazard, drawn from the model before the year starts (so the seed fixes it)."""

    index: int
    code: str
    arrival: date
    county: int
    major: bool
    city_listed: bool
    period_days: int  # rectification period in calendar days from the assessment or listing
    finish_offset: int  # completion: days relative to the deadline (negative: early; None-like large: never)
    asks_extension: bool
    fails_verification: bool
    no_show: bool
    gov_delay: int  # calendar days a supervisor takes for each step


def plans(model: Model) -> list[Plan]:
    rng = random.Random(model.seed)
    months = list(range(1, 13))
    out: list[Plan] = []
    for n in range(model.hazards):
        month = rng.choices(months, weights=model.monthly)[0]
        first = date(model.year, month, 1)
        days_in = ((date(model.year + (month == 12), month % 12 + 1, 1)) - first).days
        arrival = first + timedelta(days=rng.randrange(days_in))
        major = rng.random() < model.major
        late = rng.random() < model.late
        finish = rng.randint(5, 90) if late else -rng.randint(1, 8)
        out.append(
            Plan(
                index=n,
                code=f"SIM-{model.year}-{n:06d}",
                arrival=arrival,
                county=rng.randrange(len(COUNTIES)),
                major=major,
                city_listed=rng.random() < 0.5,
                period_days=rng.choice((60, 90, 120)) if major else rng.choice((14, 21, 30)),
                finish_offset=finish,
                asks_extension=rng.random() < model.extension,
                fails_verification=rng.random() < model.failed_verification,
                no_show=rng.random() < model.no_show,
                gov_delay=rng.randint(16, 20) if rng.random() < model.late_government else rng.randint(1, 2),
            )
        )
    out.sort(key=lambda p: (p.arrival, p.index))
    return out
