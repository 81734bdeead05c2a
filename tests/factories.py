"""Factories for the demo jurisdiction chain, actors and hazard facts used across the tests."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from core.policies import load_profile
from models.actors import Actor
from models.base import china_date
from models.enums import JurisdictionLevel, Role, Source
from models.hazard import HazardFacts, HazardStart, JurisdictionRef
from models.policy import PolicyProfile

PROVINCE = JurisdictionRef(code="370000", name="山东省", level=JurisdictionLevel.PROVINCE)
CITY = JurisdictionRef(code="371700", name="菏泽市", level=JurisdictionLevel.CITY)
COUNTY = JurisdictionRef(code="371702", name="牡丹区", level=JurisdictionLevel.COUNTY)
COUNTY2 = JurisdictionRef(code="371721", name="曹县", level=JurisdictionLevel.COUNTY)
USCC_A = "91371702MA3C4G0R29"
USCC_B = "91371721MA3D8J7K5L"


def actor(
    username: str, role: Role, where: JurisdictionRef | None = None, uscc: str | None = None
) -> Actor:
    return Actor(
        user_id=f"u-{username}",
        username=username,
        role=role,
        display_name=username,
        jurisdiction_code=where.code if where else None,
        jurisdiction_level=where.level if where else None,
        enterprise_uscc=uscc,
    )


COUNTY_SUPERVISOR = actor("county.supervisor", Role.SUPERVISOR, COUNTY)
COUNTY2_SUPERVISOR = actor("county2.supervisor", Role.SUPERVISOR, COUNTY2)
CITY_SUPERVISOR = actor("city.supervisor", Role.SUPERVISOR, CITY)
PROVINCE_SUPERVISOR = actor("province.supervisor", Role.SUPERVISOR, PROVINCE)
INSPECTOR = actor("inspector", Role.INSPECTOR, COUNTY)
ENTERPRISE_A = actor("enterprise.a", Role.ENTERPRISE, None, USCC_A)
ENTERPRISE_B = actor("enterprise.b", Role.ENTERPRISE, None, USCC_B)
AUDITOR = actor("auditor", Role.AUDITOR, PROVINCE)


DEFAULT_POLICY: PolicyProfile = load_profile(Path(__file__).resolve().parent.parent / "policies" / "default.toml")


def facts(title: str = "配电室未设置挡鼠板", source: Source = Source.INSPECTION) -> HazardFacts:
    return HazardFacts(
        title=title,
        description="检查发现配电室门口未设置挡鼠板",
        enterprise_uscc=USCC_A,
        enterprise_name="菏泽市牡丹区示范化工有限公司",
        enterprise_principal="王建国",
        region_code=COUNTY.code,
        region_path=(PROVINCE, CITY, COUNTY),
        industry="危险化学品",
        location="牡丹区工业园 1 号",
        source=source,
        discovered_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
    )


def start(code: str, title: str = "配电室未设置挡鼠板", policy: PolicyProfile = DEFAULT_POLICY, **extra: object) -> HazardStart:
    return HazardStart(code=code, facts=facts(title), reporter=INSPECTOR, policy=policy, **extra)  # type: ignore[arg-type]


def days_after(now: datetime, days: int) -> date:
    """A calendar date `days` after `now`'s day in Asia/Shanghai."""
    return china_date(now) + timedelta(days=days)
