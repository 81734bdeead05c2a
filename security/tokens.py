"""Signed, expiring access tokens (JWT, HS256).

`iat` carries the instant of issue to the microsecond (a JWT NumericDate may be fractional), so a token can be
compared with its account's `tokens_valid_after` (set on sign-out and password reset) without the one-second
ambiguity of whole seconds: a token issued at or before the cut-off is refused, one issued after it works.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    issued_at: datetime | None


def create_access_token(*, user_id: str, secret: str, ttl: timedelta, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {"sub": user_id, "iat": round(issued.timestamp(), 6), "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def issued_at(claims: dict[str, object]) -> datetime | None:
    """The token's `iat` as a UTC instant (None when it has none)."""
    value = claims.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)


def claims_from_token(token: str, secret: str) -> TokenClaims | None:
    """The token's subject and instant of issue, or None when it is forged, malformed or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return TokenClaims(subject, issued_at(claims)) if isinstance(subject, str) else None


def user_id_from_token(token: str, secret: str) -> str | None:
    """The token's subject, or None when it is forged, malformed or expired."""
    claims = claims_from_token(token, secret)
    return claims.user_id if claims else None


def revoked(issued: datetime | None, valid_after: datetime | None) -> bool:
    """Whether a token issued at `issued` falls at or before its account's cut-off (no `iat`: revoked once a
    cut-off exists)."""
    if valid_after is None:
        return False
    return issued is None or issued <= valid_after
