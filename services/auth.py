"""Signing in with a password: `POST /api/v1/auth/token` and the web UI's sign-in form."""

import time
from datetime import timedelta

from sqlmodel import Session

from api.errors import ApiError
from api.schemas import TokenOut
from core.logging import get_logger
from core.settings import Settings
from models.tables import User
from security.passwords import verify_password
from security.throttle import SignInThrottle
from security.tokens import create_access_token
from store.reference import user_by_name
from store.users import revoke_tokens

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


def sign_out(session: Session, user: User) -> None:
    """Every token issued for `user` so far stops working (the API's and the web UI's alike); committed."""
    revoke_tokens(user=user)
    session.add(user)
    session.commit()
    log.info("signed out", username=user.username)


def token_for(user: User, settings: Settings) -> TokenOut:
    """The access token the API hands out (and the web UI keeps in its session cookie)."""
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    token = create_access_token(user_id=user.id, secret=settings.secret_key, ttl=ttl)
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))
