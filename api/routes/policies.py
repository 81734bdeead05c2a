"""Policy profiles (docs/domain.md §11): `GET /policies` and `GET /policies/{name}`, for any signed-in
user."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import CurrentUser, PoliciesDep
from models.policy import PolicyProfile
from services.errors import not_found

router = APIRouter(tags=["policies"])


class PolicySummary(BaseModel):
    name: str
    version: int  # the latest: the one new hazards pin
    title: str
    description: str
    versions: list[int]


@router.get("/policies", response_model=list[PolicySummary])
def list_policies(policies: PoliciesDep, _: CurrentUser) -> list[PolicySummary]:
    summaries = []
    for name in policies.names():
        latest = policies.latest(name)
        summaries.append(
            PolicySummary(
                name=name,
                version=latest.version,
                title=latest.title,
                description=latest.description,
                versions=[p.version for p in policies.versions(name)],
            )
        )
    return summaries


@router.get("/policies/{name}", response_model=PolicyProfile)
def get_policy(
    name: str, policies: PoliciesDep, _: CurrentUser, version: Annotated[int | None, Query(ge=1)] = None
) -> PolicyProfile:
    try:
        return policies.latest(name) if version is None else policies.get(name, version)
    except KeyError:
        key = name if version is None else f"{name}@{version}"
        raise not_found("policy_profile", key) from None
