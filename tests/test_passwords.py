"""Passwords are hashed with argon2-cffi's production parameters unless the test suite says `fast`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from security import passwords

ROOT = Path(__file__).resolve().parent.parent


def test_the_suite_hashes_fast_and_a_fast_hash_still_verifies() -> None:
    assert os.environ.get(passwords.HASHING_ENV) == "fast"  # tests/conftest.py
    hashed = passwords.hash_password("a-long-password")
    assert extract_parameters(hashed).memory_cost < RFC_9106_LOW_MEMORY.memory_cost
    assert passwords.verify_password(hashed, "a-long-password")
    assert not passwords.verify_password(hashed, "another-password")


def test_outside_the_tests_passwords_are_hashed_with_the_production_parameters() -> None:
    """A fresh interpreter with the environment of a deployment (no DUBAN_PASSWORD_HASHING): the defaults."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    script = "from security.passwords import hash_password; print(hash_password('a-long-password'))"
    hashed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()
    parameters = extract_parameters(hashed)
    assert parameters == RFC_9106_LOW_MEMORY
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (3, 65536, 4)
    assert passwords.verify_password(hashed, "a-long-password")  # verified at the parameters it records


@pytest.mark.parametrize("setting", [None, "standard", "fast-in-production"])
def test_only_the_fast_setting_outside_production_lowers_the_parameters(
    setting: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(passwords.HASHING_ENV)
    if setting == "standard":
        monkeypatch.setenv(passwords.HASHING_ENV, "standard")
    elif setting == "fast-in-production":
        monkeypatch.setenv(passwords.HASHING_ENV, "fast")
        monkeypatch.setenv("DUBAN_ENV", "production")
    assert passwords.hasher() is passwords.STANDARD
    assert extract_parameters(passwords.hash_password("pw")) == RFC_9106_LOW_MEMORY
