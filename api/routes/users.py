"""Accounts, for admins: `GET/POST /admin/users`, `PATCH /admin/users/{username}`; every change audited."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, SessionDep
from models.enums import Role
from models.tables import User
from services.errors import ApiError, not_found, refused, role_refused
from services.principal import Principal
from store import users
from store.reference import user_by_name

router = APIRouter(prefix="/admin/users", tags=["admin"])
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    jurisdiction_code: str | None
    enterprise_uscc: str | None
    disabled: bool
    email: str | None = None  # where notifications are mailed
    unit: str | None = None  # 工作单位, for the inspection tours' 回避


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{3,100}$")]
    password: Annotated[str, Field(min_length=10, max_length=200)]
    role: Role
    display_name: Annotated[str, Field(max_length=100)] = ""
    jurisdiction_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,2}$")] | None = None
    enterprise_uscc: Annotated[str, Field(min_length=18, max_length=18)] | None = None
    email: Email | None = None
    unit: Annotated[str, Field(max_length=200)] | None = None  # 工作单位 (inspection tours)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    display_name: Annotated[str, Field(max_length=100)] | None = None
    jurisdiction_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,2}$")] | None = None
    enterprise_uscc: Annotated[str, Field(min_length=18, max_length=18)] | None = None
    disabled: bool | None = None
    unit: Annotated[str, Field(max_length=200)] | None = None  # 工作单位 (inspection tours)
    password: Annotated[str, Field(min_length=10, max_length=200)] | None = None
    email: Email | None = None  # null removes it


def _admin(principal: Principal) -> None:
    if principal.actor.role != Role.ADMIN:
        raise role_refused(principal.actor.role, {Role.ADMIN}, "manage accounts", "管理账户")


def _out(user: User) -> UserOut:
    return UserOut(
        username=user.username, display_name=user.display_name, role=user.role,
        jurisdiction_code=user.jurisdiction_code, enterprise_uscc=user.enterprise_uscc, disabled=user.disabled,
        email=user.email,
        unit=user.unit,
    )


def _refused(problem: users.AccountProblem) -> ApiError:
    status = 409 if problem.code == "username_taken" else 422
    return ApiError(status, problem.code, problem.zh, problem.en)


@router.get("", response_model=list[UserOut])
def list_accounts(session: SessionDep, principal: CurrentUser) -> list[UserOut]:
    _admin(principal)
    return [_out(u) for u in users.list_users(session=session)]


@router.post("", response_model=UserOut, status_code=201)
def create_account(body: UserCreate, session: SessionDep, principal: CurrentUser) -> UserOut:
    _admin(principal)
    try:
        user = users.create_user(session=session, by=principal.user.username, **body.model_dump())
    except users.AccountProblem as problem:
        raise _refused(problem) from None
    session.commit()
    return _out(user)


@router.patch("/{username}", response_model=UserOut)
def update_account(username: str, body: UserUpdate, session: SessionDep, principal: CurrentUser) -> UserOut:
    """Re-role, move, rename, disable (its tokens stop working at once) or reset the password."""
    _admin(principal)
    user = user_by_name(session=session, username=username)
    if user is None:
        raise not_found("user", username)
    changes = body.model_dump(exclude_unset=True)
    if user.id == principal.user.id and (changes.get("disabled") or changes.get("role", Role.ADMIN) != Role.ADMIN):
        raise refused(409, "own_account")
    try:
        users.update_user(session=session, user=user, changes=changes, by=principal.user.username)
    except users.AccountProblem as problem:
        session.rollback()
        raise _refused(problem) from None
    session.commit()
    return _out(user)
