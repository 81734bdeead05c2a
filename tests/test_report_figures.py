"""The reporting cadence's figures against hand-computed ones (tests/report_dataset.py), on SQLite and PostgreSQL:
the dashboard, a periodic report, the ranking and a circular read the one definition and agree."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.policy import DocumentRules
from models.tables import AuditEntry, Document, Jurisdiction, Notification
from store import audit, metrics, report_content
from store.hazards import Scope
from store.report_content import SYSTEM
from tests import report_dataset as data
from tests.factories import DEFAULT_POLICY

NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)


def _subset(figures: dict[str, object], keys: dict[str, object]) -> dict[str, object]:
    return {k: figures[k] for k in keys}


@pytest.fixture
def loaded(engine: Engine) -> tuple[Engine, dict[str, str]]:
    with Session(engine) as session:
        codes = data.load(session)
    return engine, codes


def _dashboard(session: Session) -> metrics.Dashboard:
    city = session.get(Jurisdiction, "371700")
    assert city is not None
    begin, finish = report_content.period_instants(*data.MARCH)
    return metrics.dashboard(session=session, scope=Scope(path=city.path), start=begin, end=finish)


def test_the_figures_are_the_hand_computed_ones(loaded: tuple[Engine, dict[str, str]]) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        dashboard = _dashboard(session)
    total = dashboard.total.as_json()
    assert _subset(total, data.CITY_TOTAL) == data.CITY_TOTAL
    assert total["rungs_by_type"] == data.CITY_RUNGS
    regions = {g.key: g.figures.as_json() for g in dashboard.by_region}
    assert _subset(regions["371702"], data.COUNTY_FIGURES) == data.COUNTY_FIGURES
    assert _subset(regions["371721"], data.COUNTY2_FIGURES) == data.COUNTY2_FIGURES
    assert {g.key: g.figures.found for g in dashboard.by_level} == {"general": 3, "major": 2}
    assert {g.key: g.figures.found for g in dashboard.by_source} == {"inspection": 4, "whistleblower": 1}
    assert {g.key: g.figures.found for g in dashboard.by_industry} == {"危险化学品": 3, "工贸": 2}


def test_the_ranking_is_the_hand_computed_one(loaded: tuple[Engine, dict[str, str]]) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        city = session.get(Jurisdiction, "371700")
        assert city is not None
        ranked = report_content.ranking(session=session, region=city, start=data.MARCH[0], end=data.MARCH[1], profile=DEFAULT_POLICY)
    assert [(r.region_code, r.score) for r in ranked] == data.RANKING
    assert [r.rank for r in ranked] == [1, 2]
    terms = {t.term: t for t in ranked[1].terms}
    assert terms["overdue_now"].value == 1 and terms["overdue_now"].points == -5
    assert terms["circular_rungs"].value == 1 and terms["closure_rate"].value == 0.5


def test_the_report_the_dashboard_and_the_ranking_agree(loaded: tuple[Engine, dict[str, str]]) -> None:
    engine, codes = loaded
    with Session(engine) as session:
        city = session.get(Jurisdiction, "371700")
        assert city is not None
        row, written = report_content.generate_report(
            session=session, kind="monthly", region=city, start=data.MARCH[0], end=data.MARCH[1], trigger="manual",
            issued=SYSTEM, profile=DEFAULT_POLICY, now=NOW,
        )
        session.commit()
        dashboard = _dashboard(session)
        content = json.loads(row.content_json)
        assert written and row.id == "RP-monthly-371700-20260301-20260331"
        assert content["totals"] == dashboard.total.as_json()
        assert {g["key"]: g["found"] for g in content["by_region"]} == {g.key: g.figures.found for g in dashboard.by_region}
        for entry in content["ranking"]:
            region = next(g for g in content["by_region"] if g["key"] == entry["region_code"])
            terms = {t["term"]: t["value"] for t in entry["terms"]}
            assert terms["overdue_now"] == region["overdue_now"]
            assert terms["government_deadlines_missed"] == region["government_deadlines_missed"]
        assert [(r["region_code"], r["score"]) for r in content["ranking"]] == data.RANKING
        assert [h["code"] for h in content["overdue_hazards"]] == [codes["H3"]]
        assert content["campaigns"] == []  # no campaign table in this branch: the seam answers nothing
        stored = session.get(Document, row.document_hash)
        assert stored is not None and stored.record_id == row.id
        trail = session.exec(select(AuditEntry).where(AuditEntry.record_id == row.id)).all()
        assert [(t.action, t.document_hash) for t in trail] == [("report", row.document_hash)]
        assert audit.verify(session=session, record_id=row.id).ok


def test_a_report_is_written_once_per_kind_region_and_period(loaded: tuple[Engine, dict[str, str]]) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        city = session.get(Jurisdiction, "371700")
        assert city is not None
        first, _ = report_content.generate_report(session=session, kind="monthly", region=city, start=data.MARCH[0],
                                                  end=data.MARCH[1], trigger="schedule", issued=SYSTEM, profile=DEFAULT_POLICY, now=NOW)
        session.commit()
        again, written = report_content.generate_report(session=session, kind="monthly", region=city, start=data.MARCH[0],
                                                        end=data.MARCH[1], trigger="schedule", issued=SYSTEM, profile=DEFAULT_POLICY, now=NOW)
        assert not written and again.id == first.id
        assert len(session.exec(select(AuditEntry).where(AuditEntry.record_id == first.id)).all()) == 1


def test_a_circular_names_the_overdue_the_fake_and_the_lagging(loaded: tuple[Engine, dict[str, str]]) -> None:
    engine, codes = loaded
    with Session(engine) as session:
        city = session.get(Jurisdiction, "371700")
        assert city is not None
        unsigned = DEFAULT_POLICY.model_copy(update={"documents": DocumentRules(require_signature=("listing_notice",))})
        row, written = report_content.issue_circular(session=session, region=city, start=data.MARCH[0], end=data.MARCH[1],
                                                     issued=SYSTEM, profile=unsigned, now=NOW)  # issued at once
        session.commit()
        content = json.loads(row.content_json)
        assert written
        assert [(e["uscc"], e["hazards"]) for e in content["enterprises"]] == [("91371702MA3C4G0R29", [codes["H3"]])]
        assert [f["hazard_code"] for f in content["fake_rectifications"]] == [codes["H4"]]
        assert [r["region_code"] for r in content["lagging_jurisdictions"]] == ["371702"]
        notified = {(n.target_kind, n.target_code) for n in session.exec(select(Notification).where(Notification.record_id == row.id))}
        assert notified == {("enterprise", "91371702MA3C4G0R29"), ("enterprise", "91371721MA3D8J7K5L"), ("authority", "371702")}
        assert audit.verify(session=session, record_id=row.id).ok and row.status == "issued"
        draft, _ = report_content.issue_circular(session=session, region=city, start=data.MARCH[0], end=data.MARCH[0],
                                                 issued=SYSTEM, profile=DEFAULT_POLICY, now=NOW)  # the default: signed first
        session.commit()
        assert draft.status == "draft" and draft.signoff_json is not None
        assert not session.exec(select(Notification).where(Notification.record_id == draft.id)).all()
