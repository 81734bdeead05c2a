"""The trust boundary: Temporal payloads encrypted by the codec (core/codec.py), rotation, the refusal of
unencrypted input in production, and the Web UI's codec endpoint (api/routes/codec.py)."""

import asyncio
import base64
import os
import uuid
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import WorkflowSerializationContext
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from core.codec import (
    BINDING,
    ENCRYPTED,
    KEY_ID,
    DubanPayloadConverter,
    EncryptionCodec,
    KeyRing,
    PayloadKeyError,
    data_converter,
)
from core.settings import Settings
from models.actions import AssessBody, Command
from models.enums import HazardLevel
from models.hazard import workflow_id_for
from tests import factories as f
from tests.api_helpers import Api
from tests.workflow_helpers import RecordingProjection, hazard_worker
from workflows.hazard import HazardWorkflow

W = HazardWorkflow


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


K1, K2 = f"k1:{key()}", f"k2:{key()}"


def production(payload_keys: str, **extra: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, env="production", secret_key="s" * 40, payload_keys=payload_keys,
        whistleblower_key="ZmVybmV0LWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdCE=", **extra,
    )


def client_on(env: WorkflowEnvironment, converter: Any) -> Client:
    return Client(env.client.service_client, namespace=env.client.namespace, data_converter=converter)


async def encode(codec: EncryptionCodec, value: Any) -> Payload:
    return (await codec.encode([DubanPayloadConverter().to_payloads([value])[0]]))[0]


def assess() -> Command[AssessBody]:
    return Command(actor=f.COUNTY_SUPERVISOR, body=AssessBody(level=HazardLevel.MAJOR, basis="GB 30871-2022 5.1"))


# --- the codec and its key ring ----------------------------------------------------------------------------


async def test_a_payload_is_sealed_and_only_the_ring_holding_its_key_opens_it() -> None:
    one = EncryptionCodec(KeyRing.parse(K1))
    sealed = await encode(one, {"description": "配电室未设置挡鼠板"})
    assert sealed.metadata["encoding"] == ENCRYPTED and sealed.metadata[KEY_ID] == b"k1"
    assert "挡鼠板".encode() not in sealed.data and b"description" not in sealed.data
    [opened] = await one.decode([sealed])
    assert DubanPayloadConverter().from_payload(opened) == {"description": "配电室未设置挡鼠板"}

    with pytest.raises(PayloadKeyError, match="k1"):
        await EncryptionCodec(KeyRing.parse(K2)).decode([sealed])
    tampered = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    [refused] = await one.decode([tampered])  # a forgery is refused when its argument is converted
    with pytest.raises(ApplicationError, match="refused"):
        DubanPayloadConverter().from_payload(refused)


def _in(codec: EncryptionCodec, workflow_id: str) -> EncryptionCodec:
    return codec.with_context(WorkflowSerializationContext(namespace="default", workflow_id=workflow_id))


async def test_a_payload_sealed_for_one_workflow_is_refused_in_another_and_its_binding_cannot_be_rewritten() -> None:
    codec = EncryptionCodec(KeyRing.parse(K1), strict=True)
    sealed = await encode(_in(codec, "hazard-HZ-1"), {"interview_id": "interview-HZ-1-1", "outcome": "no_show"})
    assert sealed.metadata[BINDING] == b"default/hazard-HZ-1"
    [own] = await _in(codec, "hazard-HZ-1").decode([sealed])
    assert DubanPayloadConverter().from_payload(own) == {"interview_id": "interview-HZ-1-1", "outcome": "no_show"}
    [copied] = await _in(codec, "hazard-HZ-2").decode([sealed])
    with pytest.raises(ApplicationError):
        DubanPayloadConverter().from_payload(copied)
    rebound = Payload(metadata={**dict(sealed.metadata), BINDING: b"default/hazard-HZ-2"}, data=sealed.data)
    [forged] = await _in(codec, "hazard-HZ-2").decode([rebound])
    with pytest.raises(ApplicationError):
        DubanPayloadConverter().from_payload(forged)
    [read] = await codec.decode([sealed])  # a reader of histories (no workflow context) still reads it
    assert DubanPayloadConverter().from_payload(read)["outcome"] == "no_show"
    scheduled = await encode(_in(codec, "reports-371700"), "run")  # a schedule's action, then its started run
    [started] = await _in(codec, "reports-371700-2026-12-07T00:00:00Z").decode([scheduled])
    assert DubanPayloadConverter().from_payload(started) == "run"


async def test_rotation_encrypts_with_the_first_key_and_still_opens_the_old_ones() -> None:
    old = await encode(EncryptionCodec(KeyRing.parse(K1)), "before the rotation")
    rotated = EncryptionCodec(KeyRing.parse(f"{K2},{K1}"))
    new = await encode(rotated, "after the rotation")
    assert new.metadata[KEY_ID] == b"k2"
    opened = await rotated.decode([old, new])
    assert DubanPayloadConverter().from_payloads(opened) == ["before the rotation", "after the rotation"]


async def test_unencrypted_payloads_pass_through_the_lenient_codec_and_are_refused_by_the_strict_one() -> None:
    plain = DubanPayloadConverter().to_payloads(["old history"])[0]
    [passed] = await EncryptionCodec(KeyRing.parse(K1)).decode([plain])
    assert passed == plain
    [refused] = await EncryptionCodec(KeyRing.parse(K1), strict=True).decode([plain])
    with pytest.raises(ApplicationError, match="not encrypted") as error:
        DubanPayloadConverter().from_payload(refused)
    assert error.value.type == "UnencryptedPayloadRefused"


def test_production_refuses_to_start_without_keys_or_with_a_malformed_ring() -> None:
    with pytest.raises(ValidationError, match="DUBAN_PAYLOAD_KEYS must be set"):
        production(payload_keys="")
    with pytest.raises(ValidationError, match="not an AES key"):
        production(payload_keys="k1:c2hvcnQ=")
    with pytest.raises(ValidationError, match="not `id:base64key`"):
        production(payload_keys=key())
    dev = Settings(_env_file=None)  # type: ignore[call-arg]
    assert KeyRing.from_settings(dev).current == "dev"  # `make run` from nothing: the public development key
    assert KeyRing.from_settings(production(f"{K2},{K1}")).current == "k2"


# --- on a Temporal server -----------------------------------------------------------------------------------


async def test_the_worker_writes_encrypted_payloads_and_refuses_an_unencrypted_update_in_production(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    settings = production(K1)
    keyed = client_on(env, data_converter(settings))
    keyless = client_on(env, pydantic_data_converter)  # a direct Temporal client without the key
    wrong_key = client_on(env, data_converter(production(K2)))
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    async with hazard_worker(keyed, task_queue, RecordingProjection()):
        handle = await keyed.start_workflow(W.run, f.start(code), id=workflow_id_for(code), task_queue=task_queue)
        await handle.execute_update(W.assess, assess())

        history = await keyless.get_workflow_handle(workflow_id_for(code)).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes.input.payloads
        assert started and all(p.metadata["encoding"] == ENCRYPTED for p in started)
        assert code.encode() not in started[0].data and b"title" not in started[0].data
        everywhere = [p for e in history.events for p in _payloads_of(e)]
        assert everywhere and all(p.metadata["encoding"] == ENCRYPTED for p in everywhere)

        with pytest.raises(Exception, match="binary/encrypted"):  # noqa: B017 - the keyless client cannot read
            await keyless.get_workflow_handle(workflow_id_for(code)).query(W.state)
        with pytest.raises(Exception, match="k1"):  # noqa: B017 - nor one holding another key
            await wrong_key.get_workflow_handle(workflow_id_for(code)).query(W.state)

        accepted = _accepted(history)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await keyless.get_workflow_handle(workflow_id_for(code)).execute_update(W.assess, assess())
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "UnencryptedPayloadRefused", cause
        assert "not encrypted" in str(cause)
        after = await keyless.get_workflow_handle(workflow_id_for(code)).fetch_history()
        assert _accepted(after) == accepted  # refused before the validator: no trace in history
        state = await handle.query(W.state)  # the keyed client still reads it, and the hazard moves on
        assert state.status == "assessed"

        forged = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"  # a hazard started without the key never runs
        started_keyless = await keyless.start_workflow(
            W.run, f.start(forged), id=workflow_id_for(forged), task_queue=task_queue
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await asyncio.wait_for(started_keyless.result(), 30)
        assert isinstance(failed.value.cause, ApplicationError)
        assert failed.value.cause.type == "UnencryptedPayloadRefused"


SKIP = {"temporal.api.common.v1.SearchAttributes", "temporal.api.common.v1.Memo", "temporal.api.common.v1.Header"}


def _payloads_of(message: Any) -> list[Payload]:
    """Every payload an event carries (search attributes, memo and headers are not the codec's)."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.message_type is None or field.message_type.full_name in SKIP:
            continue
        for item in [value] if hasattr(value, "ListFields") else list(value):
            if hasattr(item, "ListFields"):
                found.extend(_payloads_of(item))
    return found


def _accepted(history: Any) -> int:
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


# --- the Web UI's codec endpoint ---------------------------------------------------------------------------


async def test_the_codec_endpoint_decodes_for_an_auditor_and_refuses_everyone_else(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    reply = await api.report(description="配电室门口无挡鼠板，codec test")
    assert reply.status_code == 201, reply.text
    code = reply.json()["code"]
    history = await dev_env.client.get_workflow_handle(workflow_id_for(code)).fetch_history()
    started = history.to_json_dict()["events"][0]["workflowExecutionStartedEventAttributes"]["input"]
    body = {"payloads": started["payloads"]}
    assert "挡鼠板" not in base64.b64decode(started["payloads"][0]["data"]).decode(errors="replace")

    decoded = await api.as_user("auditor", "POST", "/codec/decode", json=body, headers={"X-Namespace": "default"})
    assert decoded.status_code == 200, decoded.text
    [payload] = decoded.json()["payloads"]
    assert base64.b64decode(payload["metadata"]["encoding"]) == b"json/plain"
    assert "codec test" in base64.b64decode(payload["data"]).decode()
    assert (await api.as_user("admin", "POST", "/codec/decode", json=body)).status_code == 200

    for user in ("inspector", "wb.officer", "county.supervisor", "enterprise.a"):
        refused = await api.as_user(user, "POST", "/codec/decode", json=body)
        assert refused.status_code == 403, (user, refused.text)
        assert refused.json()["detail"]["code"] == "codec_forbidden"
        assert "codec test" not in refused.text
    anonymous = await api.http.post("/api/v1/codec/decode", json=body)
    assert anonymous.status_code == 401 and "codec test" not in anonymous.text
    encode = await api.as_user("admin", "POST", "/codec/encode", json=body)
    assert encode.status_code == 403 and encode.json()["detail"]["code"] == "codec_encode_refused"

    origin = "http://127.0.0.1:8233"  # the embedded Web UI, allowed in development
    preflight = await api.http.options("/api/v1/codec/decode", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-namespace"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == origin
    assert preflight.headers["access-control-allow-credentials"] == "true"
    foreign = await api.http.options("/api/v1/codec/decode", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in foreign.headers

