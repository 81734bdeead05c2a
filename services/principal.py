"""The caller every use case acts for: the user row, the identity that travels to the workflow, and what they see.

A token (ours, or an OIDC provider's) names a `Principal` here; how a request hands over its token (the bearer
header, the web UI's session cookie) is `api/deps.py`."""

from dataclasses import dataclass

from sqlmodel import Session, select

from core.db import as_utc
from core.settings import Settings
from models.actors import Actor
from models.enums import JurisdictionLevel, Role
from models.tables import Jurisdiction, User
from security import oidc
from security.tokens import claims_from_token, revoked
from services.errors import ApiError, refused
from store.hazards import Scope


@dataclass(frozen=True)
class Principal:
    """The signed-in caller: the user row, the identity that travels to the workflow, and what they see."""

    user: User
    actor: Actor
    scope: Scope


def unauthorized() -> ApiError:
    return refused(401, "not_authenticated")


def token_revoked() -> ApiError:
    return refused(401, "token_revoked")


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


def principal_or_none(session: Session, settings: Settings, token: str | None) -> Principal | None:
    try:
        return principal_from_token(session, settings, token)
    except ApiError:
        return None


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
