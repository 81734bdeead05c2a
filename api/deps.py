"""Dependencies every route declares: settings, a database session, the Temporal client, the caller."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from api.errors import ApiError
from core.policies import PolicyRegistry
from core.security import user_id_from_token
from core.settings import Settings
from models.actors import Actor
from models.enums import JurisdictionLevel, Role
from models.tables import Jurisdiction, User
from store.hazards import Scope

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal  # type: ignore[no-any-return]


def get_policies(request: Request) -> PolicyRegistry:
    return request.app.state.policies  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
PoliciesDep = Annotated[PolicyRegistry, Depends(get_policies)]


@dataclass(frozen=True)
class Principal:
    """The signed-in caller: the user row, the identity that travels to the workflow, and what they see."""

    user: User
    actor: Actor
    scope: Scope


def unauthorized() -> ApiError:
    return ApiError(401, "not_authenticated", "请先登录", "sign in first: send a valid bearer token")


def current_principal(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    user_id = user_id_from_token(token, settings.secret_key) if token else None
    user = session.get(User, user_id) if user_id else None
    if user is None or user.disabled:
        raise unauthorized()
    return principal_for(session, user)


def principal_for(session: Session, user: User) -> Principal:
    jurisdiction = session.get(Jurisdiction, user.jurisdiction_code) if user.jurisdiction_code else None
    role = Role(user.role)
    actor = Actor(
        user_id=user.id,
        username=user.username,
        role=role,
        display_name=user.display_name,
        jurisdiction_code=user.jurisdiction_code,
        jurisdiction_level=JurisdictionLevel(jurisdiction.level) if jurisdiction else None,
        enterprise_uscc=user.enterprise_uscc,
    )
    if role == Role.ADMIN:
        scope = Scope(everything=True)
    elif role == Role.ENTERPRISE:
        scope = Scope(enterprise_uscc=user.enterprise_uscc or "-")
    else:
        scope = Scope(path=jurisdiction.path if jurisdiction else None)
    return Principal(user=user, actor=actor, scope=scope)


CurrentUser = Annotated[Principal, Depends(current_principal)]
