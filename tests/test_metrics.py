"""The dashboard's and the board's figures (store/metrics.py), on SQLite and on PostgreSQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from models.enums import HazardLevel, HazardStatus
from store import board as board_store
from store import metrics
from store.hazards import Scope
from tests.factories import CITY, COUNTY, COUNTY2, USCC_A
from tests.synthetic import Spec, insert, reference_data

S = HazardStatus
NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)
START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
CITY_SCOPE = Scope(path="370000/371700/")


def day(n: int) -> datetime:
    return NOW - timedelta(days=n)


SPECS = [
    # 牡丹区: listed and closed, acceptance requested before its deadline
    Spec(1, S.CLOSED, day(100), COUNTY, HazardLevel.MAJOR, listed=True, deadline=day(40), completed_at=day(45)),
    # 牡丹区: general, verified, acceptance requested after the deadline
    Spec(2, S.VERIFIED, day(90), COUNTY, HazardLevel.GENERAL, deadline=day(60), completed_at=day(55)),
    # 牡丹区: general fixed on the spot (no deadline): on time
    Spec(3, S.VERIFIED, day(80), COUNTY, HazardLevel.GENERAL, completed_at=day(80), industry="工贸"),
    # 曹县: listed, overdue, two rungs fired
    Spec(4, S.RECTIFYING, day(70), COUNTY2, HazardLevel.MAJOR, listed=True, deadline=day(10), overdue=True, rungs=2),
    # 曹县: voided: not counted
    Spec(5, S.VOIDED, day(60), COUNTY2, HazardLevel.GENERAL),
    # 牡丹区: reported last year: outside the period
    Spec(6, S.REPORTED, datetime(2025, 12, 20, tzinfo=UTC), COUNTY),
    # the city's own level (a hazard in 371700 itself)
    Spec(7, S.REPORTED, day(5), CITY),
]


def load(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, SPECS)


def test_the_dashboard_counts_found_rectified_on_time_listed_closed_overdue_and_rungs(engine: Engine) -> None:
    load(engine)
    with Session(engine) as session:
        board = metrics.dashboard(session=session, scope=CITY_SCOPE, start=START, end=END)
    total = board.total
    assert (total.found, total.rectified, total.on_time, total.listed, total.closed_listed) == (5, 3, 2, 2, 1)
    assert (total.overdue_now, total.rungs_fired) == (1, 2)
    assert total.rectification_rate == 3 / 5 and total.on_time_rate == 2 / 3 and total.closure_rate == 1 / 2
    regions = {g.key: (g.name, g.figures) for g in board.by_region}
    assert regions["371702"][0] == "牡丹区" and regions["371702"][1].found == 3 and regions["371702"][1].rectified == 3
    assert regions["371721"][1] == metrics.Figures(found=1, listed=1, overdue_now=1, rungs_fired=2, major=1)
    assert total.major == 2  # hazards 1 and 4 (the campaign figures' `major`)
    assert regions["371700"][1].found == 1  # the city's own level, after its sub-jurisdictions
    assert [g.key for g in board.by_region] == ["371702", "371721", "371700"]
    industries = {g.key: g.figures for g in board.by_industry}
    assert industries["工贸"].found == 2 and industries["危险化学品"].found == 3


def test_the_dashboard_keeps_to_the_callers_scope_and_period(engine: Engine) -> None:
    load(engine)
    with Session(engine) as session:
        county = metrics.dashboard(session=session, scope=Scope(path="370000/371700/371702/"), start=START, end=END)
        company = metrics.dashboard(session=session, scope=Scope(enterprise_uscc=USCC_A), start=START, end=END)
        nobody = metrics.dashboard(session=session, scope=Scope(path=None), start=START, end=END)
        last_year = metrics.dashboard(session=session, scope=CITY_SCOPE, start=datetime(2025, 1, 1, tzinfo=UTC), end=START)
    assert county.total.found == 3 and [g.key for g in county.by_region] == ["371702"]  # no sub-jurisdictions: its own level
    assert company.total.found == 4 and company.by_region[0].key in {"371702", "371700"}
    assert nobody.total == metrics.Figures()
    assert last_year.total.found == 1


def test_the_board_counts_open_hazards_by_state_and_sub_jurisdiction(engine: Engine) -> None:
    load(engine)
    with Session(engine) as session:
        board = board_store.board(session=session, scope=CITY_SCOPE)
        small = board_store.board(session=session, scope=CITY_SCOPE, per_column=1)
    assert board.counts["reported"] == 2 and board.counts["rectifying"] == 1 and board.counts["verified"] == 2
    assert "closed" not in board.counts and "voided" not in board.counts
    assert [c.code for c in board.columns["rectifying"]] == ["HZ-371721-2026-000004"]
    regions = {code: counts for code, _, counts in board.by_region}
    assert regions["371702"]["reported"] == 1 and regions["371702"]["verified"] == 2
    assert regions["371721"]["rectifying"] == 1
    assert regions[""]["reported"] == 1  # the city's own level
    assert len(small.columns["verified"]) == 1 and small.counts["verified"] == 2


def test_the_board_puts_overdue_hazards_first(engine: Engine) -> None:
    with Session(engine) as session:
        reference_data(session)
        insert(session, [
            Spec(1, S.RECTIFYING, day(50), COUNTY, HazardLevel.GENERAL, deadline=NOW + timedelta(days=3)),
            Spec(2, S.RECTIFYING, day(50), COUNTY, HazardLevel.GENERAL, deadline=NOW - timedelta(days=3), overdue=True),
            Spec(3, S.RECTIFYING, day(50), COUNTY, HazardLevel.GENERAL, deadline=NOW + timedelta(days=1)),
        ])
        board = board_store.board(session=session, scope=Scope(everything=True))
    assert [c.code[-1] for c in board.columns["rectifying"]] == ["2", "3", "1"]
    assert [j for j, _, _ in board.by_region] == ["370000"]  # an admin sees the roots
