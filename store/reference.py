"""Reference data: jurisdictions, enterprises and users."""

from sqlmodel import Session, col, or_, select

from models.enums import JurisdictionLevel
from models.hazard import JurisdictionRef
from models.tables import Enterprise, Jurisdiction, User


def get_jurisdiction(*, session: Session, code: str) -> Jurisdiction | None:
    return session.get(Jurisdiction, code)


def chain(*, session: Session, jurisdiction: Jurisdiction) -> tuple[JurisdictionRef, ...]:
    """The jurisdiction and its ancestors, root first."""
    codes = [c for c in jurisdiction.path.split("/") if c]
    rows = {j.code: j for j in session.exec(select(Jurisdiction).where(col(Jurisdiction.code).in_(codes)))}
    return tuple(JurisdictionRef(code=c, name=rows[c].name, level=JurisdictionLevel(rows[c].level)) for c in codes)


def add_jurisdiction(
    *, session: Session, code: str, name: str, level: JurisdictionLevel, parent_code: str | None
) -> Jurisdiction:
    parent_path = ""
    if parent_code is not None:
        parent = session.get(Jurisdiction, parent_code)
        if parent is None:
            raise ValueError(f"parent jurisdiction {parent_code} does not exist")
        parent_path = parent.path
    row = Jurisdiction(code=code, name=name, level=level.value, parent_code=parent_code, path=f"{parent_path}{code}/")
    session.add(row)
    session.flush()
    return row


def visible_jurisdictions(*, session: Session, path: str | None) -> list[Jurisdiction]:
    """The subtree under `path` and its ancestors (all of them for `None`)."""
    query = select(Jurisdiction).order_by(Jurisdiction.path)
    if path is not None:
        ancestors = [c for c in path.split("/") if c]
        query = query.where(or_(col(Jurisdiction.path).startswith(path), col(Jurisdiction.code).in_(ancestors)))
    return list(session.exec(query))


def enterprises_under(
    *, session: Session, path: str | None, only_uscc: str | None = None
) -> list[Enterprise]:
    query = select(Enterprise).join(Jurisdiction, col(Jurisdiction.code) == col(Enterprise.region_code))
    if path is not None:
        query = query.where(col(Jurisdiction.path).startswith(path))
    if only_uscc is not None:
        query = query.where(Enterprise.uscc == only_uscc)
    return list(session.exec(query.order_by(Enterprise.uscc)))


def user_by_name(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()
