"""Each process's registry declares every action once; the API, the UI and the refusals follow from it."""

import ast
import re
from pathlib import Path

import pytest

from app import create_app
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
    (CAMPAIGN, "/api/v1/campaigns/{campaign_id}/actions/"),  # campaigns (专项整治)
    (TOUR, "/api/v1/tours/{tour_id}/actions/"),  # inspection tours
    (DOCUMENT, "/api/v1/documents/{document_id}/actions/"),  # a leader's signature
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


PACKAGES = ("models", "registry", "domain", "services", "api", "web")
# where the code is among a call's positional arguments: a rule's `refuse("x")`, `body_error("x")`,
# `PydanticCustomError("x")`; a door's `refused(status, "x")` (and `_member(kind, "x", ...)` that passes it on)
CODE_AT = {"refuse": 0, "body_error": 0, "PydanticCustomError": 0, "refused": 1, "_member": 1}


def _calls() -> list[tuple[str, ast.Call, str]]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                    name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                    found.append((str(path.relative_to(ROOT)), node, name))
    return found


def _raised_codes() -> set[tuple[str, str]]:
    """Every code a rule or a door raises in the product code, by the calls of `CODE_AT`."""
    found = set()
    for path, node, name in _calls():
        at = CODE_AT.get(name)
        code = node.args[at] if at is not None and len(node.args) > at else None
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            found.add((path, code.value))
    return found


def test_every_refusal_code_raised_anywhere_has_its_words_by_code() -> None:
    raised = _raised_codes()
    assert len(raised) > 100
    assert {code for path, code in raised if path.startswith(("services/", "api/", "web/"))} >= {
        "not_authenticated", "unknown_action", "hazard_finished", "invalid_photo", "unknown_status", "csrf_failed",
    }
    policy_checks = {"rung_repeated", "rung_order", "rung_targets"}  # the policy loader's, reported by line
    missing = sorted((path, code) for path, code in raised if code not in REFUSALS and code not in policy_checks)
    assert missing == [], f"refusal codes without words in registry/refusals.py: {missing}"
    for path, code in raised:
        if code in REFUSALS:
            words = REFUSALS[code]
            assert CJK.search(words.zh) and words.en and not CJK.search(words.en), (path, code)


def test_no_door_writes_its_own_words() -> None:
    """An `ApiError(...)` is built only from words looked up by code: no string of words at any call site."""
    for path, node, name in _calls():
        if name == "ApiError" and not path.startswith("services/errors.py"):
            words = [a for a in node.args[2:] if isinstance(a, ast.Constant | ast.JoinedStr)]
            assert words == [], f"{path}:{node.lineno} writes its own words; use services.errors.refused(status, code)"
    for path, node, name in _calls():
        if name == "refused" and len(node.args) > 1:
            assert isinstance(node.args[1], ast.Constant | ast.Name), (path, node.lineno)


def test_a_door_refusal_without_words_fails_loudly() -> None:
    from services.errors import refused

    with pytest.raises(KeyError):
        refused(422, "no_such_code_anywhere")
    error = refused(404, "unknown_action", action="x", known="a, b")
    assert error.status == 404 and error.detail["code"] == "unknown_action" and "a, b" in error.detail["message_zh"]


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

    from services.campaigns import UPDATES as CAMPAIGN_UPDATES
    from services.documents import UPDATES as DOCUMENT_UPDATES
    from services.gateway import UPDATES as HAZARD_UPDATES
    from services.interviews import UPDATES as INTERVIEW_UPDATES
    from services.tours import UPDATES as TOUR_UPDATES

    for updates, registry in (
        (HAZARD_UPDATES, HAZARD), (INTERVIEW_UPDATES, INTERVIEW), (CAMPAIGN_UPDATES, CAMPAIGN), (TOUR_UPDATES, TOUR),
        (DOCUMENT_UPDATES, DOCUMENT),
    ):
        names = {str(action): _UpdateDefinition.get_name_and_result_type(method)[0] for action, method in updates.items()}
        assert names == {name: name for name in registry.names}, registry.process
