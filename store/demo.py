"""The demo data set loaded on the first start in development mode (documented in the README)."""

import uuid

from sqlmodel import Session, select

from models.enums import JurisdictionLevel, Role
from models.tables import Enterprise, User
from security.passwords import hash_password, verify_password
from store.reference import add_jurisdiction, get_jurisdiction

DEMO_PASSWORD = "duban-demo"

JURISDICTIONS = (
    ("370000", "山东省", JurisdictionLevel.PROVINCE, None),
    ("371700", "菏泽市", JurisdictionLevel.CITY, "370000"),
    ("371702", "牡丹区", JurisdictionLevel.COUNTY, "371700"),
    ("371721", "曹县", JurisdictionLevel.COUNTY, "371700"),
)

ENTERPRISES = (
    ("91371702MA3C4G0R29", "菏泽市牡丹区示范化工有限公司", "371702", "王建国", "危险化学品"),
    ("91371721MA3D8J7K5L", "曹县示范木业有限公司", "371721", "李春生", "工贸"),
)

# (username, display name, role, jurisdiction, enterprise)
USERS = (
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("city.supervisor", "菏泽市安委办 督办员", Role.SUPERVISOR, "371700", None),
    ("county.supervisor", "牡丹区安委办 督办员", Role.SUPERVISOR, "371702", None),
    ("county2.supervisor", "曹县安委办 督办员", Role.SUPERVISOR, "371721", None),
    ("inspector", "牡丹区应急管理局 检查员", Role.INSPECTOR, "371702", None),
    ("enterprise.a", "示范化工 安全员", Role.ENTERPRISE, None, "91371702MA3C4G0R29"),
    ("enterprise.b", "示范木业 安全员", Role.ENTERPRISE, None, "91371721MA3D8J7K5L"),
    ("auditor", "山东省 审计员", Role.AUDITOR, "370000", None),
    ("wb.officer", "菏泽市 举报受理专员", Role.WHISTLEBLOWER_OFFICER, "371700", None),
    # committee leaders who sign listings, close-outs, tour reports and circulars (the city's approves tours)
    ("city.leader", "菏泽市安委会 李主任", Role.LEADER, "371700", None),
    ("county.leader", "牡丹区安委会 赵主任", Role.LEADER, "371702", None),
    # inspection tours: a tour team at city level, each with a work unit
    ("tour.lead", "巡查组 组长", Role.INSPECTOR, "371700", None),
    ("tour.deputy", "巡查组 副组长", Role.INSPECTOR, "371700", None),
    ("tour.m1", "巡查组 组员一", Role.INSPECTOR, "371700", None),
    ("tour.m2", "巡查组 组员二", Role.INSPECTOR, "371700", None),
    ("tour.m3", "巡查组 组员三", Role.INSPECTOR, "371700", None),
    ("tour.expert", "巡查组 专家", Role.INSPECTOR, "370000", None),
)
# Work units (工作单位) for the tours' 回避 rules.
UNITS = {
    "city.leader": "菏泽市安全生产委员会", "tour.lead": "菏泽市应急管理局", "tour.deputy": "菏泽市应急管理局",
    "tour.m1": "菏泽市住房和城乡建设局", "tour.m2": "菏泽市交通运输局", "tour.m3": "菏泽市市场监督管理局",
    "tour.expert": "山东省安全生产专家库", "inspector": "牡丹区应急管理局",
}
DEMO_USERNAMES = tuple(u[0] for u in USERS)


def add_reference_data(*, session: Session) -> None:
    """Add the demo jurisdictions and enterprises that are missing (no accounts); the caller commits."""
    for code, name, level, parent in JURISDICTIONS:
        if get_jurisdiction(session=session, code=code) is None:
            add_jurisdiction(session=session, code=code, name=name, level=level, parent_code=parent)
    for uscc, name, region, principal, industry in ENTERPRISES:
        if session.get(Enterprise, uscc) is None:
            session.add(Enterprise(uscc=uscc, name=name, region_code=region, principal=principal, industry=industry))


def load_demo_data(*, session: Session) -> bool:
    """Load the demo set unless it is there already. Returns whether anything was loaded."""
    if session.exec(select(User).where(User.username == "admin")).first() is not None:
        return False
    add_reference_data(session=session)
    session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for username, display, role, jurisdiction, enterprise in USERS:
        session.add(
            User(
                id=str(uuid.uuid4()),
                username=username,
                display_name=display,
                password_hash=password_hash,
                role=role.value,
                jurisdiction_code=jurisdiction,
                enterprise_uscc=enterprise,
                unit=UNITS.get(username),
            )
        )
    session.flush()
    return True


def remove_demo_accounts(*, session: Session) -> int:
    """Outside development the demo accounts must not exist: delete any that still have the demo password."""
    removed = 0
    for user in session.exec(select(User).where(User.username.in_(DEMO_USERNAMES))):  # type: ignore[attr-defined]
        if verify_password(user.password_hash, DEMO_PASSWORD):
            session.delete(user)
            removed += 1
    session.flush()
    return removed
