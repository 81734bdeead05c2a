"""Signed, expiring access tokens (JWT, HS256)."""

from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


def create_access_token(*, user_id: str, secret: str, ttl: timedelta, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {"sub": user_id, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, secret: str) -> str | None:
    """The token's subject, or None when it is forged, malformed or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) else None
