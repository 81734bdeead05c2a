"""Reference data the caller may see: `GET /jurisdictions` and `GET /enterprises`."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SessionDep
from models.tables import Enterprise, Jurisdiction
from services.errors import refused
from services.schemas import EnterpriseOut, JurisdictionOut, RegionCode
from store import reference

router = APIRouter(tags=["reference"])


def _caller_path(session: SessionDep, principal: CurrentUser) -> str | None:
    """The caller's subtree path; for an enterprise user, its enterprise's region."""
    if principal.scope.everything:
        return None
    if principal.scope.enterprise_uscc is not None:
        enterprise = session.get(Enterprise, principal.scope.enterprise_uscc)
        region = session.get(Jurisdiction, enterprise.region_code) if enterprise else None
        return region.path if region else "-"
    return principal.scope.path or "-"


@router.get("/jurisdictions", response_model=list[JurisdictionOut])
def list_jurisdictions(session: SessionDep, principal: CurrentUser) -> list[JurisdictionOut]:
    rows = reference.visible_jurisdictions(session=session, path=_caller_path(session, principal))
    return [JurisdictionOut(code=j.code, name=j.name, level=j.level, parent_code=j.parent_code) for j in rows]


@router.get("/enterprises", response_model=list[EnterpriseOut])
def list_enterprises(
    session: SessionDep, principal: CurrentUser, region_code: Annotated[RegionCode | None, Query()] = None
) -> list[EnterpriseOut]:
    path = _caller_path(session, principal)
    if region_code is not None:
        region = reference.get_jurisdiction(session=session, code=region_code)
        if region is None:
            raise refused(422, "unknown_region", region=region_code)
        if path is not None and not (region.path.startswith(path) or path.startswith(region.path)):
            return []
        path = region.path if path is None or region.path.startswith(path) else path
    rows = reference.enterprises_under(session=session, path=path, only_uscc=principal.scope.enterprise_uscc)
    return [
        EnterpriseOut(uscc=e.uscc, name=e.name, region_code=e.region_code, principal=e.principal, industry=e.industry)
        for e in rows
    ]
