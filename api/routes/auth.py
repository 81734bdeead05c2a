"""Signing in: `POST /auth/token` (OAuth2 password form) and `GET /auth/me`."""

import time
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.schemas import MeOut, TokenOut
from core.logging import get_logger
from core.settings import Settings
from models.tables import User
from security.passwords import verify_password
from security.throttle import SignInThrottle
from security.tokens import create_access_token
from store.reference import user_by_name

router = APIRouter(prefix="/auth", tags=["auth"])
log = get_logger("duban.auth")


def authenticate(throttle: SignInThrottle, session: Session, username: str, password: str, client: str) -> User:
    """The user these credentials name, or a 401/429 refusal. Repeated failures are slowed down and logged
    (never the password)."""
    keys = (f"user:{username}", f"client:{client}")
    if throttle.locked(*keys):
        log.warning("sign-in locked out", username=username, client=client, failures=throttle.failures(*keys))
        raise ApiError(
            429, "too_many_attempts", "登录失败次数过多，请 15 分钟后再试", "too many failed sign-ins; try again in 15 minutes"
        )
    time.sleep(throttle.delay(*keys))
    user = user_by_name(session=session, username=username)
    if user is None or user.disabled or not verify_password(user.password_hash, password):
        throttle.fail(*keys)
        log.warning("sign-in refused", username=username, client=client, failures=throttle.failures(*keys))
        raise ApiError(401, "bad_credentials", "用户名或密码错误", "wrong username or password")
    throttle.succeed(keys[0])
    return user


def token_for(user: User, settings: Settings) -> TokenOut:
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    token = create_access_token(user_id=user.id, secret=settings.secret_key, ttl=ttl)
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


@router.post("/token", response_model=TokenOut)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    client = request.client.host if request.client else "unknown"
    throttle = request.app.state.sign_in_throttle
    return token_for(authenticate(throttle, session, form.username, form.password, client), settings)


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
