"""Dependencies every route declares: settings, a database session, the Temporal client, the caller.

The caller itself (`Principal`, and the token that names one) is `services/principal.py`; here a request hands
over its token: the bearer header, or the web UI's session cookie."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from core.policies import PolicyRegistry
from core.settings import Settings
from services.principal import Principal, principal_from_token

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
RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="a row id")]


def current_principal(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    return principal_from_token(session, settings, token)


CurrentUser = Annotated[Principal, Depends(current_principal)]


# --- the web UI's session cookie --------------------------------------------------------------------------

SESSION_COOKIE = "duban_token"  # the same JWT as POST /auth/token hands out, HttpOnly, SameSite=Lax


def session_token(request: Request, bearer: str | None) -> str | None:
    """The caller's token: the bearer header first, else the web UI's session cookie."""
    return bearer or request.cookies.get(SESSION_COOKIE) or None


def cookie_or_bearer_principal(
    request: Request, session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    """Like `current_principal`, but a browser's session cookie counts too: for GET routes a page links to
    (documents, attachments). State-changing routes keep to the bearer header (or check the web UI's CSRF)."""
    return principal_from_token(session, settings, session_token(request, token))


BrowserOrApiUser = Annotated[Principal, Depends(cookie_or_bearer_principal)]
