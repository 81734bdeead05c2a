"""Signing in with a password: `POST /api/v1/auth/token` and the web UI's sign-in form."""

from datetime import timedelta

from sqlmodel import Session

from core.logging import get_logger
from core.settings import Settings
from models.tables import User
from security.passwords import verify_password
from security.throttle import SignInThrottle, retry_after
from security.tokens import create_access_token
from services.errors import refused
from services.schemas import TokenOut
from store.reference import user_by_name
from store.users import revoke_tokens

log = get_logger("duban.auth")


def authenticate(throttle: SignInThrottle, session: Session, username: str, password: str, client: str) -> User:
    """The user these credentials name, or a 401/429 refusal. After a failure the next attempt for the name or
    from the address must wait (doubling, up to 8 s); one that comes sooner, or during a lock-out, is answered
    429 `too_many_attempts` with `Retry-After` at once, its password not checked. Failures are logged (never the
    password)."""
    keys = (f"user:{username}\x00{client}", f"client:{client}")  # what can lock: a name from here, this address
    name = f"user:{username}"  # the name's failures from everywhere: they slow it down, never lock it
    locked, wait = throttle.wait(session, *keys, name)
    if locked:
        log.warning("sign-in locked out", username=username, client=client, retry_after=round(wait, 1))
        raise refused(
            429, "too_many_attempts", headers={"Retry-After": retry_after(wait)},
            extra={"retry_after": int(retry_after(wait))}, wait_zh="15 分钟", wait="15 minutes",
        )
    if wait > 0:
        seconds = retry_after(wait)
        log.info("sign-in too soon after a failure", username=username, client=client, retry_after=round(wait, 2))
        raise refused(
            429, "too_many_attempts", headers={"Retry-After": seconds}, extra={"retry_after": int(seconds)},
            wait_zh=f"{seconds} 秒", wait=f"{seconds} s",
        )
    user = user_by_name(session=session, username=username)
    if user is None or user.disabled or not verify_password(user.password_hash, password):
        throttle.fail(session, *keys, name)
        log.warning("sign-in refused", username=username, client=client, failures=throttle.failures(session, *keys))
        raise refused(401, "bad_credentials")
    throttle.succeed(session, keys[0], name)
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
