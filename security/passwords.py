"""Passwords, hashed with argon2.

The parameters are argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes), unless
the environment says `DUBAN_PASSWORD_HASHING=fast`: the test suite's setting (tests/conftest.py), where every
app a test starts hashes the demo password and every sign-in verifies one. It is read from the environment at
each hash, and ignored where `DUBAN_ENV=production`. A hash records its own parameters, so a password hashed
either way verifies either way.
"""

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHING_ENV = "DUBAN_PASSWORD_HASHING"
STANDARD = PasswordHasher()
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the tests' only: no protection at all


def hasher() -> PasswordHasher:
    fast = os.environ.get(HASHING_ENV) == "fast" and os.environ.get("DUBAN_ENV") != "production"
    return FAST if fast else STANDARD


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
