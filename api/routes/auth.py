"""Signing in: `POST /auth/token` (OAuth2 password form) and `GET /auth/me`."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.schemas import MeOut, TokenOut
from core.logging import get_logger
from core.security import create_access_token, verify_password
from store.reference import user_by_name

router = APIRouter(prefix="/auth", tags=["auth"])
log = get_logger("duban.auth")


@router.post("/token", response_model=TokenOut)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> TokenOut:
    user = user_by_name(session=session, username=form.username)
    if user is None or user.disabled or not verify_password(user.password_hash, form.password):
        log.warning("sign-in refused", username=form.username)
        raise ApiError(401, "bad_credentials", "用户名或密码错误", "wrong username or password")
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    token = create_access_token(user_id=user.id, secret=settings.secret_key, ttl=ttl)
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


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
