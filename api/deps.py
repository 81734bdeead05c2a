"""Dependencies every route declares: settings, a database session, the Temporal client, the caller."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from api.errors import ApiError
from core.db import as_utc
from core.policies import PolicyRegistry
from core.settings import Settings
from models.actors import Actor
from models.enums import JurisdictionLevel, Role
from models.tables import Jurisdiction, User
from security import oidc
from security.tokens import claims_from_token, revoked
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


def token_revoked() -> ApiError:
    return ApiError(
        401, "token_revoked", "登录已失效（已退出登录或密码已更改），请重新登录",
        "this token was revoked (signed out or password changed): sign in again",
    )


def current_principal(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    return principal_from_token(session, settings, token)


def user_for_token(session: Session, settings: Settings, token: str) -> User | None:
    """The account a token names: one of ours (HS256, our secret), or one an OIDC provider signed. A token
    issued at or before the account's `tokens_valid_after` (sign-out, password reset) raises `token_revoked`."""
    claims = claims_from_token(token, settings.secret_key)
    if claims is not None:
        user, issued = session.get(User, claims.user_id), claims.issued_at
    elif oidc.enabled(settings) and (identity := oidc.identity_from(token, settings)) is not None:
        user = session.exec(select(User).where(User.username == identity[0])).first()
        issued = identity[1]
    else:
        return None
    if user is not None and revoked(issued, as_utc(user.tokens_valid_after)):
        raise token_revoked()
    return user


def principal_from_token(session: Session, settings: Settings, token: str | None) -> Principal:
    """The caller a token names, or 401 (`not_authenticated`, or `token_revoked`)."""
    user = user_for_token(session, settings, token) if token else None
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


# --- the web UI's session cookie --------------------------------------------------------------------------

SESSION_COOKIE = "duban_token"  # the same JWT as POST /auth/token hands out, HttpOnly, SameSite=Lax


def session_token(request: Request, bearer: str | None) -> str | None:
    """The caller's token: the bearer header first, else the web UI's session cookie."""
    return bearer or request.cookies.get(SESSION_COOKIE) or None


def principal_or_none(session: Session, settings: Settings, token: str | None) -> Principal | None:
    try:
        return principal_from_token(session, settings, token)
    except ApiError:
        return None


def cookie_or_bearer_principal(
    request: Request, session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    """Like `current_principal`, but a browser's session cookie counts too: for GET routes a page links to
    (documents, attachments). State-changing routes keep to the bearer header (or check the web UI's CSRF)."""
    return principal_from_token(session, settings, session_token(request, token))


BrowserOrApiUser = Annotated[Principal, Depends(cookie_or_bearer_principal)]
