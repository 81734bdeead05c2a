"""The trust boundary: every Temporal payload encrypted with AES-GCM, under a key ring that can rotate.

Follows temporalio/samples-python `encryption/codec.py`. A payload the data converter wrote (JSON, by the
pydantic converter) is replaced by one with metadata `encoding: binary/encrypted` and `encryption-key-id`
naming the key; its data is a 12-byte nonce followed by the AES-GCM ciphertext of the serialized original
payload (metadata and data), so nothing of it is readable, or alterable, without the key.

`DUBAN_PAYLOAD_KEYS` holds the ring: comma-separated `id:base64key` entries (a key is 16, 24 or 32 random
bytes); the first encrypts, every one decrypts. Generate a key with
`python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'`.
Without it (development only) the ring holds the public development key `dev`, which protects nothing:
it only keeps the encrypted path exercised everywhere, so `make run` works from nothing.

Decoding a payload without the encrypted encoding (histories recorded before the codec, e.g.
tests/histories/): the *lenient* codec passes it through (replay, history reading, the Web UI's codec
endpoint); the *strict* codec (the worker and the API's client in production) turns it into a refused
payload, so an Update, start or signal sent by a Temporal client without the key is refused with
`UnencryptedPayloadRefused` instead of reaching the workflow: a direct client cannot forge a command.
The refusal happens when the payload is converted, not in `decode` itself: a codec that raises fails the
whole workflow task (every job in it, again and again), while a refused argument rejects just that Update.

A payload is bound to the workflow it belongs to: the codec takes temporalio's serialization context (the
namespace and workflow id of the workflow whose input, output, signal, Update or activity it is), names it in
the payload's `encryption-binding` metadata and authenticates it as AES-GCM associated data with the key id.
The strict codec checks both; the lenient one (development, and the readers and replayers of recorded
histories, which run in a namespace of their own) checks the workflow id.
A sealed payload copied into another workflow's signal or Update is refused like an unencrypted one (its
binding does not match the receiving workflow), and altering the binding breaks the authentication. A
schedule's action payload is bound to the schedule's workflow id, which the workflows it starts carry as a
prefix (`<id>-<start time>`). Payloads sealed before bindings carry none and are still read.
"""

import base64
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    EncodingPayloadConverter,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)
from temporalio.exceptions import ApplicationError

from core.settings import Settings

ENCRYPTED = b"binary/encrypted"
REFUSED = b"binary/refused-unencrypted"
KEY_ID = "encryption-key-id"
BINDING = "encryption-binding"  # `<namespace>/<workflow id>`: the workflow a payload belongs to
SCHEDULED = re.compile(r"-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")  # what a schedule appends to its workflow id
NONCE_BYTES = 12
DEVELOPMENT_KEY_ID = "dev"
# Public by design: a development installation has no secret to keep. Production refuses to start without keys.
DEVELOPMENT_KEY = hashlib.sha256(b"duban development payload key: protects nothing").digest()
REFUSAL = (
    "payload refused: it is not encrypted with a Duban payload key (DUBAN_PAYLOAD_KEYS). Outside development "
    "the worker accepts only input written through Duban's codec; a Temporal client without the key cannot "
    "send commands"
)


class PayloadKeyError(ValueError):
    pass


@dataclass(frozen=True)
class KeyRing:
    """Payload keys by id; `current` encrypts, all decrypt."""

    current: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, text: str) -> "KeyRing":
        """`id:base64key[,id:base64key...]`, the first encrypting."""
        keys: dict[str, bytes] = {}
        for entry in (e.strip() for e in text.split(",")):
            if not entry:
                continue
            key_id, sep, encoded = entry.partition(":")
            key_id = key_id.strip()
            if not sep or not key_id:
                raise PayloadKeyError(f"DUBAN_PAYLOAD_KEYS: {entry[:8]!r}... is not `id:base64key`")
            try:
                raw = base64.b64decode(encoded.strip(), validate=True)
            except ValueError:
                raw = b""
            if len(raw) not in (16, 24, 32):
                raise PayloadKeyError(
                    f"DUBAN_PAYLOAD_KEYS: key {key_id!r} is not an AES key (base64 of 16, 24 or 32 bytes)"
                )
            if key_id in keys:
                raise PayloadKeyError(f"DUBAN_PAYLOAD_KEYS: key id {key_id!r} appears twice")
            keys[key_id] = raw
        if not keys:
            raise PayloadKeyError("DUBAN_PAYLOAD_KEYS holds no key")
        return cls(current=next(iter(keys)), keys=keys)

    @classmethod
    def development(cls) -> "KeyRing":
        return cls(current=DEVELOPMENT_KEY_ID, keys={DEVELOPMENT_KEY_ID: DEVELOPMENT_KEY})

    @classmethod
    def from_settings(cls, settings: Settings) -> "KeyRing":
        if settings.payload_keys:
            return cls.parse(settings.payload_keys)
        if not settings.development:  # the settings refuse this already; never fall back in production
            raise PayloadKeyError("DUBAN_PAYLOAD_KEYS must be set in production")
        return cls.development()


def binding_of(context: SerializationContext) -> str | None:
    """The workflow a payload in this context belongs to, as `<namespace>/<workflow id>`; None: no workflow."""
    if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext) and context.workflow_id:
        return f"{context.namespace}/{context.workflow_id}"
    return None


def binding_holds(sealed: str, receiving: str, namespace: bool = True) -> bool:
    """Whether a payload bound to `sealed` may be read in the workflow `receiving`: the same workflow, or one a
    schedule started from it. `namespace=False` compares the workflow ids only (a replayer names its own
    namespace)."""
    if not namespace:
        sealed, receiving = sealed.partition("/")[2], receiving.partition("/")[2]
    return sealed == receiving or (receiving.startswith(sealed + "-") and SCHEDULED.search(receiving[len(sealed):]) is not None)


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    """AES-GCM over whole payloads, bound to their workflow. `strict`: unencrypted input is refused (see the
    module's docstring)."""

    def __init__(self, ring: KeyRing, strict: bool = False, binding: str | None = None) -> None:
        self.ring = ring
        self.strict = strict
        self.binding = binding
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring.keys.items()}

    def with_context(self, context: SerializationContext) -> "EncryptionCodec":
        binding = binding_of(context)
        if binding == self.binding:
            return self
        bound = EncryptionCodec(self.ring, self.strict, binding)
        bound._ciphers = self._ciphers
        return bound

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self.ring.current
        metadata = {"encoding": ENCRYPTED, KEY_ID: key_id.encode()}
        if self.binding is not None:
            metadata[BINDING] = self.binding.encode()
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), _associated(key_id, self.binding))
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCRYPTED:
            if self.strict and payload.metadata.get("encoding") != REFUSED:
                return Payload(metadata={"encoding": REFUSED})
            return payload  # written before the codec (or a refusal already marked): passed through
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(f"payload encrypted with key {key_id!r}, which DUBAN_PAYLOAD_KEYS does not hold")
        sealed_binding = payload.metadata[BINDING].decode() if BINDING in payload.metadata else None
        if sealed_binding is not None and self.binding is not None \
                and not binding_holds(sealed_binding, self.binding, namespace=self.strict):
            return Payload(metadata={"encoding": REFUSED})  # sealed for another workflow: a copy, refused
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            opened = cipher.decrypt(nonce, sealed, _associated(key_id, sealed_binding))
        except InvalidTag:  # altered (its binding rewritten, say): refused like a forgery
            return Payload(metadata={"encoding": REFUSED})
        original = Payload()
        original.ParseFromString(opened)
        return original


def _associated(key_id: str, binding: str | None) -> bytes:
    """The AES-GCM associated data: the key id, and the workflow the payload is bound to."""
    return key_id.encode() if binding is None else f"{key_id}|{binding}".encode()


class RefusedPayloadConverter(EncodingPayloadConverter):
    """Converts nothing to a payload; raises, naming the reason, for a payload the strict codec refused."""

    @property
    def encoding(self) -> str:
        return REFUSED.decode()

    def to_payload(self, value: Any) -> Payload | None:
        return None

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        raise ApplicationError(REFUSAL, type="UnencryptedPayloadRefused", non_retryable=True)


class DubanPayloadConverter(PydanticPayloadConverter):
    """The pydantic converter, plus the refusal of unencrypted input."""

    def __init__(self) -> None:
        super().__init__()
        self._set_converters(*self.converters.values(), RefusedPayloadConverter())


def strict_for(settings: Settings) -> bool:
    """Refuse unencrypted input: outside development, unless a migration window accepts old hazards' payloads."""
    return not settings.development and not settings.payload_accept_plaintext


def codec_for(settings: Settings, strict: bool | None = None) -> EncryptionCodec:
    return EncryptionCodec(KeyRing.from_settings(settings), strict_for(settings) if strict is None else strict)


def data_converter(settings: Settings, strict: bool | None = None) -> DataConverter:
    """The data converter of every client, worker and replayer: pydantic JSON, then encrypted.

    `strict=False` for the readers of recorded histories (replay, timeline, the Web UI's codec endpoint), which
    must still read payloads written before the codec."""
    return DataConverter(payload_converter_class=DubanPayloadConverter, payload_codec=codec_for(settings, strict))


def decode_payload(codec: PayloadCodec | None, payload: Payload) -> Payload:
    """Synchronous decode for code that reads histories outside an event loop."""
    if isinstance(codec, EncryptionCodec):
        return codec.decrypt(payload)
    return payload


def reader_codec(settings: Settings | None = None) -> EncryptionCodec:
    """The lenient codec of the configured keys, for code that reads recorded histories."""
    from core.settings import get_settings

    settings = settings or get_settings()
    return _reader_codec(settings.payload_keys, settings.development)


@lru_cache(maxsize=8)
def _reader_codec(keys: str | None, development: bool) -> EncryptionCodec:
    ring = KeyRing.parse(keys) if keys else KeyRing.development() if development else None
    if ring is None:
        raise PayloadKeyError("DUBAN_PAYLOAD_KEYS must be set in production")
    return EncryptionCodec(ring, strict=False)


def reader_data_converter(settings: Settings | None = None) -> DataConverter:
    """The lenient data converter of the configured keys (replay, the timeline)."""
    return DataConverter(payload_converter_class=DubanPayloadConverter, payload_codec=reader_codec(settings))
