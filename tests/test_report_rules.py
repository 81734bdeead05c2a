"""The pure rules of the reporting cadence: which period a run reports, the ranking's score and order, the report
document's hash, and the `[reports]` / `[ranking]` tables of a profile."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain.ranking import rank, score
from domain.report_documents import official_document
from domain.report_periods import period_ended_before
from models.policy import RankingWeights, ReportCadence
from models.report import ReportKind, ReportRequest

K = ReportKind


@pytest.mark.parametrize(("kind", "run_on", "period"), [
    (K.DAILY, date(2026, 3, 1), (date(2026, 2, 28), date(2026, 2, 28))),
    (K.WEEKLY, date(2026, 11, 30), (date(2026, 11, 23), date(2026, 11, 29))),  # a Monday: the week before
    (K.WEEKLY, date(2026, 12, 2), (date(2026, 11, 23), date(2026, 11, 29))),  # caught up on Wednesday: the same week
    (K.MONTHLY, date(2026, 1, 1), (date(2025, 12, 1), date(2025, 12, 31))),
    (K.MONTHLY, date(2024, 3, 1), (date(2024, 2, 1), date(2024, 2, 29))),
    (K.QUARTERLY, date(2026, 4, 10), (date(2026, 1, 1), date(2026, 3, 31))),
    (K.QUARTERLY, date(2026, 1, 15), (date(2025, 10, 1), date(2025, 12, 31))),
    (K.ANNUAL, date(2026, 1, 20), (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_a_run_reports_the_period_that_ended_before_its_day(kind: ReportKind, run_on: date, period: tuple[date, date]) -> None:
    assert period_ended_before(kind, run_on) == period


def test_the_score_is_the_sum_of_weight_times_term_and_a_rate_with_nothing_to_divide_is_full() -> None:
    total, terms = score({"rectification_rate": 0.5, "closure_rate": None, "overdue_now": 2}, {"rectification_rate": 40, "closure_rate": 20, "overdue_now": -5})
    assert total == 40 * 0.5 + 20 * 1.0 - 5 * 2
    assert [(t.term, t.points) for t in terms] == [("rectification_rate", 20.0), ("closure_rate", 20.0), ("overdue_now", -10.0)]


def test_the_ranking_is_highest_first_and_equal_scores_share_a_place() -> None:
    weights = {"found": 1.0}
    ranked = rank([("371721", "曹县", {"found": 3}), ("371702", "牡丹区", {"found": 5}), ("371703", "定陶区", {"found": 3})], weights)
    assert [(r.region_code, r.rank) for r in ranked] == [("371702", 1), ("371703", 2), ("371721", 2)]


def test_a_documents_hash_is_the_sha256_of_its_content() -> None:
    import hashlib

    document = official_document("report:weekly", "标题", ["一", "二"])
    assert document.content == "标题\n\n一\n二\n"
    assert document.sha256 == hashlib.sha256(document.content.encode()).hexdigest()


def test_a_period_ending_before_it_starts_is_refused_naming_period_end() -> None:
    with pytest.raises(ValidationError) as refused:
        ReportRequest.model_validate({"kind": "weekly", "region_code": "371700", "period_start": "2026-03-08", "period_end": "2026-03-01"})
    assert refused.value.errors()[0]["type"] == "period_order"


def test_the_profile_tables_refuse_unknown_kinds_terms_and_a_late_quarter() -> None:
    cadence = {"kinds": ["weekly"], "hour": 8, "minute": 0, "quarterly_day": 10, "annual_day": 20, "catchup_days": 45,
               "monthly_circular": False}
    ReportCadence.model_validate(cadence)
    for bad in ({"kinds": ["hourly"]}, {"quarterly_day": 16}, {"hour": 24}):
        with pytest.raises(ValidationError):
            ReportCadence.model_validate({**cadence, **bad})
    with pytest.raises(ValidationError):
        RankingWeights.model_validate({"weights": {"popularity": 1}, "bottom": 1})
