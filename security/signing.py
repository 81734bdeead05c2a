"""Ed25519 signatures for audit checkpoints.

The key comes from `DUBAN_AUDIT_SIGNING_KEY` (base64 of a 32-byte seed). In development, when it is unset, a
key is generated once and kept in `<data_dir>/audit-signing.key`; outside development it must be set.

A checkpoint is verified against the keys this installation trusts (`trusted_keys`: the configured signing
key's public half and any `DUBAN_AUDIT_VERIFY_KEY`), never against the public key stored in its own row: whoever
can rewrite the database could otherwise re-sign a rewritten trail with a key of their own and store that key
beside it.
"""

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.settings import Settings


class NoSigningKey(Exception):
    pass


@dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message)).decode()


def signer(settings: Settings) -> Signer:
    if settings.audit_signing_key:
        seed = base64.b64decode(settings.audit_signing_key)
    elif settings.development:
        seed = _development_seed(settings)
    else:
        raise NoSigningKey("set DUBAN_AUDIT_SIGNING_KEY (base64 of a 32-byte Ed25519 seed) to sign checkpoints")
    return Signer(Ed25519PrivateKey.from_private_bytes(seed))


def _development_seed(settings: Settings) -> bytes:
    path = settings.data_dir / "audit-signing.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(base64.b64encode(os.urandom(32)).decode())
    return base64.b64decode(path.read_text().strip())


def trusted_keys(settings: Settings) -> list[str]:
    """The public keys (base64) a checkpoint's signature may verify against; empty when none is configured."""
    keys = list(settings.audit_verify_keys)
    try:
        own = signer(settings).public_key
    except NoSigningKey:
        return keys
    return keys if own in keys else [own, *keys]


def verify_trusted(message: bytes, signature: str, keys: list[str]) -> bool:
    """Whether one of the trusted `keys` made `signature` over `message`."""
    return any(verify(message, signature, key) for key in keys)


def verify(message: bytes, signature: str, public_key: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def new_key() -> str:
    """A fresh key for DUBAN_AUDIT_SIGNING_KEY."""
    return base64.b64encode(os.urandom(32)).decode()
