"""Each process's registry declares every action once; the API, the UI and the refusals follow from it."""

import ast
import re
from pathlib import Path

import pytest

from api.main import create_app
from core.settings import Settings
from registry.base import ProcessRegistry
from registry.campaign import CAMPAIGN
from registry.documents import DOCUMENT
from registry.hazard import HAZARD
from registry.interview import INTERVIEW
from registry.refusals import REFUSALS
from registry.tour import TOUR
from tests.api_helpers import Api, in_days

ROOT = Path(__file__).resolve().parent.parent
PROCESSES: tuple[tuple[ProcessRegistry, str], ...] = (
    (HAZARD, "/api/v1/hazards/{code}/actions/"),
    (INTERVIEW, "/api/v1/interviews/{interview_id}/actions/"),
    (CAMPAIGN, "/api/v1/campaigns/{campaign_id}/actions/"),  # 专项整治 (issue 14)
    (TOUR, "/api/v1/tours/{tour_id}/actions/"),  # inspection tours (issue 15)
    (DOCUMENT, "/api/v1/documents/{document_id}/actions/"),  # issue 16: a leader's signature
)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("openapi"), log_json=False)  # type: ignore[call-arg]
    return create_app(settings, temporal=object()).openapi()  # type: ignore[arg-type]


@pytest.mark.parametrize("registry,prefix", PROCESSES, ids=lambda p: getattr(p, "process", ""))
def test_every_registered_action_has_its_body_schema_in_the_openapi_document(
    openapi: dict, registry: ProcessRegistry, prefix: str
) -> None:
    for spec in registry.actions:
        operation = openapi["paths"][prefix + spec.name]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert name == spec.body.__name__, (spec.name, name)
        assert set(openapi["components"]["schemas"][name]["properties"]) == set(spec.body.model_fields)
        assert spec.label_zh in operation["summary"] and spec.label_en in operation["summary"]
        for code in registry.refusal_codes(spec):
            assert f"`{code}`" in operation["description"], (spec.name, code)
    assert {p.rsplit("/", 1)[-1] for p in openapi["paths"] if p.startswith(prefix)} == set(registry.names)


@pytest.mark.parametrize("registry", [HAZARD, INTERVIEW, CAMPAIGN, TOUR, DOCUMENT], ids=lambda r: r.process)
def test_every_action_has_labels_and_every_refusal_it_can_raise_has_words_in_both_languages(
    registry: ProcessRegistry,
) -> None:
    for spec in registry.actions:
        assert CJK.search(spec.label_zh) and spec.label_en.isascii() and spec.label_en, spec.name
        assert spec.allowed_from and spec.roles, spec.name
        # a task is due by a clock; a tour's committee steps (approve, feed back, accept) have no deadline in seed 002
        assert not spec.task or spec.clock or registry is TOUR, f"{spec.name}: a task needs the clock that makes it due"
        for code in registry.refusal_codes(spec):
            words = REFUSALS[code]
            assert CJK.search(words.zh) and words.en.isascii() and words.en, (spec.name, code)


def _raised_codes() -> set[tuple[str, str]]:
    """Every code a rule raises in the product code: `refuse("x")`, `body_error("x")`, `PydanticCustomError("x")`."""
    found = set()
    for package in ("models", "registry", "domain", "api", "web"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                    name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                    first = node.args[0] if node.args else None
                    if name in {"refuse", "body_error", "PydanticCustomError"} and isinstance(first, ast.Constant):
                        found.add((str(path.relative_to(ROOT)), str(first.value)))
    return found


def test_every_refusal_code_raised_anywhere_has_its_words_by_code() -> None:
    raised = _raised_codes()
    assert len(raised) > 30
    policy_checks = {"rung_repeated", "rung_order", "rung_targets"}  # the policy loader's, reported by line
    missing = sorted((path, code) for path, code in raised if code not in REFUSALS and code not in policy_checks)
    assert missing == [], f"refusal codes without words in registry/refusals.py: {missing}"


def test_the_registry_drives_the_rules() -> None:
    from domain import permissions, transitions

    for spec in HAZARD.actions:
        assert permissions.ROLES_FOR[spec.action] == spec.roles  # type: ignore[index]
        assert transitions.ALLOWED_FROM[spec.action] == spec.allowed_from  # type: ignore[index]


async def test_a_refusal_of_a_field_names_the_field_with_words_in_both_languages(api: Api) -> None:
    code = (await api.report()).json()["code"]
    reply = await api.act("county.supervisor", code, "review-plan", {"decision": "return"})
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["field"] == "comment" and detail["code"] == "invalid_input"
    assert detail["errors"][0]["code"] == "return_needs_comment"
    assert "退回方案须说明理由" in detail["message_zh"] and "say why the plan is returned" in detail["message_en"]

    state = await api.act("county.supervisor", code, "verify", {"decision": "pass"})
    assert state.status_code == 409
    assert set(state.json()["detail"]) >= {"code", "field", "message_zh", "message_en"}
    assert state.json()["detail"]["code"] == "wrong_state" and state.json()["detail"]["field"] is None
    late = await api.act("county.supervisor", code, "assess", {"level": "general", "rectification": "deadline", "deadline": in_days(-2)})
    assert late.status_code == 422 and late.json()["detail"]["code"] == "date_in_past"
    assert late.json()["detail"]["field"] == "deadline" and "已过" in late.json()["detail"]["message_zh"]
    unknown = await api.as_user("county.supervisor", "GET", "/no-such-thing")
    assert unknown.status_code == 404 and set(unknown.json()["detail"]) == {"code", "field", "message_zh", "message_en"}


def test_each_workflow_has_an_update_with_a_validator_for_exactly_its_registered_actions() -> None:
    from temporalio.workflow import _Definition

    from workflows.campaign import CampaignWorkflow
    from workflows.hazard import HazardWorkflow
    from workflows.interview import InterviewWorkflow
    from workflows.tour import TourWorkflow

    for workflow_class, registry, extra in (
        (HazardWorkflow, HAZARD, {"reported", *DOCUMENT.names}), (InterviewWorkflow, INTERVIEW, set()),
        (CampaignWorkflow, CAMPAIGN, {"launched"}), (TourWorkflow, TOUR, {"created", *DOCUMENT.names}),
    ):
        updates = _Definition.must_from_class(workflow_class).updates
        assert set(updates) == set(registry.names) | extra, workflow_class.__name__
        assert all(updates[name].validator is not None for name in registry.names)


def test_the_api_sends_each_registered_action_to_the_update_of_its_name() -> None:
    from temporalio.workflow import _UpdateDefinition

    from api.gateway import UPDATES as HAZARD_UPDATES
    from services.campaigns import UPDATES as CAMPAIGN_UPDATES
    from services.documents import UPDATES as DOCUMENT_UPDATES
    from services.interviews import UPDATES as INTERVIEW_UPDATES
    from services.tours import UPDATES as TOUR_UPDATES

    for updates, registry in (
        (HAZARD_UPDATES, HAZARD), (INTERVIEW_UPDATES, INTERVIEW), (CAMPAIGN_UPDATES, CAMPAIGN), (TOUR_UPDATES, TOUR),
        (DOCUMENT_UPDATES, DOCUMENT),
    ):
        names = {str(action): _UpdateDefinition.get_name_and_result_type(method)[0] for action, method in updates.items()}
        assert names == {name: name for name in registry.names}, registry.process
