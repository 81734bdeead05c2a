"""Accounts: created, re-roled and disabled by an admin; every change written to the admin audit."""

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from models.enums import Role
from models.tables import AdminAudit, Enterprise, Jurisdiction, User
from security.passwords import hash_password

MIN_PASSWORD = 10
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # as the admin API's `email` field


class AccountProblem(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def check_assignment(*, session: Session, role: Role, jurisdiction_code: str | None, enterprise_uscc: str | None) -> None:
    """An enterprise user belongs to an enterprise; every other role but admin to a jurisdiction."""
    if role == Role.SYSTEM:
        raise AccountProblem("bad_role", "不能创建系统账户", "the system role is not for people")
    if role == Role.ENTERPRISE:
        if not enterprise_uscc or session.get(Enterprise, enterprise_uscc) is None:
            raise AccountProblem("unknown_enterprise", "企业用户须属于一家已登记的企业", "an enterprise user needs a registered enterprise")
        if jurisdiction_code:
            raise AccountProblem("bad_assignment", "企业用户不设辖区", "an enterprise user has no jurisdiction")
        return
    if enterprise_uscc:
        raise AccountProblem("bad_assignment", "只有企业用户属于企业", "only enterprise users belong to an enterprise")
    if role != Role.ADMIN and not jurisdiction_code:
        raise AccountProblem("jurisdiction_required", f"{role.value} 须指定辖区", f"a {role.value} needs a jurisdiction")
    if jurisdiction_code and session.get(Jurisdiction, jurisdiction_code) is None:
        raise AccountProblem("unknown_region", f"行政区划 {jurisdiction_code} 不存在", f"no jurisdiction {jurisdiction_code}")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountProblem("weak_password", f"密码至少 {MIN_PASSWORD} 位", f"a password has at least {MIN_PASSWORD} characters")


def create_user(
    *, session: Session, username: str, password: str, role: Role, display_name: str = "",
    jurisdiction_code: str | None = None, enterprise_uscc: str | None = None, by: str, email: str | None = None,
    unit: str | None = None,
) -> User:
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise AccountProblem("username_taken", f"用户名 {username} 已存在", f"user {username} exists already")
    check_assignment(session=session, role=role, jurisdiction_code=jurisdiction_code, enterprise_uscc=enterprise_uscc)
    check_password(password)
    if email is not None and not EMAIL.fullmatch(email):
        raise AccountProblem("bad_email", f"邮箱地址无效：{email}", f"not an email address: {email}")
    user = User(
        id=str(uuid.uuid4()), username=username, display_name=display_name, password_hash=hash_password(password),
        role=role.value, jurisdiction_code=jurisdiction_code, enterprise_uscc=enterprise_uscc, email=email,
        unit=unit or None,  # 工作单位 (tours' 回避)
    )
    session.add(user)
    _audit(session, by, "user.create", username, _public(user))
    return user


def update_user(*, session: Session, user: User, changes: dict[str, Any], by: str) -> User:
    """Apply `changes` (role, jurisdiction_code, enterprise_uscc, display_name, disabled, password)."""
    before = _public(user)
    password = changes.pop("password", None)
    for name, value in changes.items():
        setattr(user, name, value.value if isinstance(value, Role) else value)
    check_assignment(
        session=session, role=Role(user.role), jurisdiction_code=user.jurisdiction_code, enterprise_uscc=user.enterprise_uscc
    )
    if password is not None:
        check_password(password)
        user.password_hash = hash_password(password)
        revoke_tokens(user=user)  # whoever knew the old password holds no token that still works
    session.add(user)
    after = _public(user)
    details = {"before": before, "after": after, "password_changed": password is not None}
    _audit(session, by, "user.update", user.username, details)
    return user


def revoke_tokens(*, user: User, at: datetime | None = None) -> None:
    """Refuse every token issued for `user` until now (sign-out, password change); signing in again works."""
    user.tokens_valid_after = at or datetime.now(UTC)


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def _public(user: User) -> dict[str, Any]:
    return {
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "jurisdiction_code": user.jurisdiction_code, "enterprise_uscc": user.enterprise_uscc, "disabled": user.disabled,
        "email": user.email,
        "unit": user.unit,
    }


def _audit(session: Session, by: str, action: str, subject: str, details: dict[str, Any]) -> None:
    session.add(
        AdminAudit(
            at=datetime.now(UTC), actor_id=by, actor_name=by, action=action, subject=subject,
            details_json=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )
    session.flush()
