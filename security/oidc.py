"""Signing in with an external OpenID Connect identity provider instead of local passwords.

The provider's ID or access tokens (RS256/ES256) are verified against its published keys, given here as a
JWKS document (`DUBAN_OIDC_JWKS`, JSON, or `DUBAN_OIDC_JWKS_FILE`: no network call at request time), with the
configured issuer and audience: the audience is required whenever an issuer is (the settings refuse to start
without it), so a token the provider minted for another application is never accepted here. The token's `DUBAN_OIDC_USERNAME_CLAIM` (default `preferred_username`) names a
local account, which carries the role and jurisdiction; a token for an unknown or disabled account is refused.
"""

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

import jwt

from core.settings import Settings
from security.tokens import issued_at

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


@lru_cache(maxsize=4)
def _keys(jwks_text: str) -> dict[str, Any]:
    document = json.loads(jwks_text)
    keys: dict[str, Any] = {}
    for entry in document.get("keys", []):
        keys[entry.get("kid", "")] = jwt.PyJWK(entry).key
    return keys


def jwks_text(settings: Settings) -> str | None:
    if settings.oidc_jwks:
        return settings.oidc_jwks
    if settings.oidc_jwks_file:
        return settings.oidc_jwks_file.read_text(encoding="utf-8")
    return None


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and jwks_text(settings))


def identity_from(token: str, settings: Settings) -> tuple[str, datetime | None] | None:
    """The local username an identity provider's token names and its instant of issue (`iat`), or None when
    it is not a valid token of this provider for this audience."""
    text = jwks_text(settings)
    if not (settings.oidc_issuer and settings.oidc_audience and text):
        return None
    try:
        header = jwt.get_unverified_header(token)
        keys = _keys(text)
        key = keys.get(header.get("kid", "")) or (next(iter(keys.values())) if len(keys) == 1 else None)
        if key is None or header.get("alg") not in ALGORITHMS:
            return None
        claims = jwt.decode(
            token, key, algorithms=ALGORITHMS, issuer=settings.oidc_issuer, audience=settings.oidc_audience,
            options={"require": ["exp", "iss", "aud"], "verify_aud": True},
        )
    except (jwt.PyJWTError, ValueError, KeyError):
        return None
    name = claims.get(settings.oidc_username_claim)
    return (name, issued_at(claims)) if isinstance(name, str) and name else None


def username_from(token: str, settings: Settings) -> str | None:
    """The local username an identity provider's token names, or None when it is not a valid token of it."""
    identity = identity_from(token, settings)
    return identity[0] if identity else None
