"""The allowed-actions rules read a refusal as "not now", and nothing else: a bug in a check is raised, never
hidden as an action missing from the list."""

from types import ModuleType
from typing import Any

import pytest

from domain import campaigns, interviews, tour
from domain.refusals import refuse


def broken_check(*_args: Any) -> None:
    raise KeyError("a bug in a check")


def refusing_check(*_args: Any) -> None:
    raise refuse("not_team_member")


@pytest.mark.parametrize("rules", [tour, interviews, campaigns], ids=lambda module: module.__name__)
def test_allowed_actions_raise_a_bug_and_read_a_refusal_as_not_now(
    rules: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "check_role", refusing_check)
    assert rules.allowed_actions(None, None) == ()
    monkeypatch.setattr(rules, "check_role", broken_check)
    with pytest.raises(KeyError, match="a bug in a check"):
        rules.allowed_actions(None, None)


def test_the_avoidance_verdict_raises_a_bug_in_its_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_tour_rules import DEPARTMENT_TARGET, TEAM

    monkeypatch.setattr(tour, "check_avoidance", broken_check)
    with pytest.raises(KeyError, match="a bug in a check"):
        tour.avoidance_result(TEAM[:1], (DEPARTMENT_TARGET,))
    monkeypatch.setattr(tour, "check_avoidance", refusing_check)
    assert [row["verdict"] for row in tour.avoidance_result(TEAM[:1], (DEPARTMENT_TARGET,))] == ["conflict"]
