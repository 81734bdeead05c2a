"""Signing in and out: `POST /auth/token` (OAuth2 password form), `POST /auth/logout` and `GET /auth/me`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.client_address import client_address
from api.deps import CurrentUser, SessionDep, SettingsDep
from services.auth import authenticate, sign_out, token_for
from services.schemas import MeOut, TokenOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    """Sign in with a password. After a failure the next attempt must wait a little (doubling up to 8 s); one
    that comes sooner, or during a lock-out, is answered 429 `too_many_attempts` with `Retry-After` (seconds)."""
    throttle = request.app.state.sign_in_throttle
    return token_for(authenticate(throttle, session, form.username, form.password, client_address(request)), settings)


@router.post("/logout", status_code=204)
def logout(principal: CurrentUser, session: SessionDep) -> Response:
    """Sign out: every token issued to the caller until now (this one included, and the web UI's session)
    answers 401 `token_revoked` from now on; signing in again gives a fresh one."""
    sign_out(session, principal.user)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(principal: CurrentUser) -> MeOut:
    user = principal.user
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        jurisdiction_code=user.jurisdiction_code,
        enterprise_uscc=user.enterprise_uscc,
    )
