"""The hazard list's filter, built once for both doors: `GET /api/v1/hazards` and the web UI's list and ledger.

A value that names nothing (an unknown region, status, level or source) is refused with a 422 `ApiError`,
never silently widened or narrowed: the API answers it as JSON, the web UI shows its message.
"""

from enum import StrEnum

from sqlmodel import Session

from models.enums import HazardLevel, HazardStatus, Source
from services.errors import ApiError
from store import reference
from store.hazards import HazardFilter


def _member(kind: type[StrEnum], field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return kind(value).value
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise ApiError(
            422, f"unknown_{field}", f"{field}：没有“{value}”这个取值，可用的有：{known}", f"{field}: no value '{value}'; the values are {known}"
        ) from None


def hazard_filter(
    session: Session,
    *,
    status: str | None = None,
    level: str | None = None,
    source: str | None = None,
    region_code: str | None = None,
    enterprise_uscc: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    campaign_id: str | None = None,
) -> HazardFilter:
    """The filter these query values ask for; a region is its whole subtree."""
    region_path = None
    if region_code is not None:
        region = reference.get_jurisdiction(session=session, code=region_code)
        if region is None:
            raise ApiError(422, "unknown_region", f"行政区划代码 {region_code} 不存在", f"no region {region_code}")
        region_path = region.path
    return HazardFilter(
        status=_member(HazardStatus, "status", status),
        level=_member(HazardLevel, "level", level),
        source=_member(Source, "source", source),
        region_path=region_path,
        enterprise_uscc=enterprise_uscc,
        overdue=overdue,
        q=q,
        campaign_id=campaign_id,
    )
