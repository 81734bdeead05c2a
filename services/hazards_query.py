"""The hazard list's filter, built once for both doors: `GET /api/v1/hazards` and the web UI's list and ledger.

A value that names nothing (an unknown region, status, level or source) is refused with a 422 `ApiError`,
never silently widened or narrowed: the API answers it as JSON, the web UI shows its message.
"""

from enum import StrEnum

from sqlmodel import Session

from models.enums import HazardLevel, HazardStatus, Source
from services.errors import refused
from store import reference
from store.hazards import HazardFilter


def _member(kind: type[StrEnum], code: str, field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return kind(value).value
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise refused(422, code, field=field, value=value, known=known) from None


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
            raise refused(422, "unknown_region", region=region_code)
        region_path = region.path
    return HazardFilter(
        status=_member(HazardStatus, "unknown_status", "status", status),
        level=_member(HazardLevel, "unknown_level", "level", level),
        source=_member(Source, "unknown_source", "source", source),
        region_path=region_path,
        enterprise_uscc=enterprise_uscc,
        overdue=overdue,
        q=q,
        campaign_id=campaign_id,
    )
