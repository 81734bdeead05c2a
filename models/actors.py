"""Who acts: the identity that travels in every update payload and is recorded in the audit trail."""

from models.base import Frozen
from models.enums import JurisdictionLevel, Role


class Actor(Frozen):
    user_id: str
    username: str
    role: Role
    display_name: str = ""
    jurisdiction_code: str | None = None
    jurisdiction_level: JurisdictionLevel | None = None
    enterprise_uscc: str | None = None
    reason: str | None = None  # for the system actor: the timer that fired


def system_actor(reason: str) -> Actor:
    return Actor(user_id="system", username="system", role=Role.SYSTEM, display_name="系统", reason=reason)
