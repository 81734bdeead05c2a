"""Tokens from an OpenID Connect provider (signed by a test key) name a local account."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from security import oidc
from store.reference import user_by_name
from tests.api_helpers import running_api

ISSUER = "https://idp.example.gov.cn/realms/duban"


def provider() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return key, json.dumps({"keys": [public | {"kid": "test-1", "use": "sig", "alg": "RS256"}]})


def token(key: rsa.RSAPrivateKey, **claims: object) -> str:
    now = datetime.now(UTC)
    body = {"iss": ISSUER, "aud": "duban", "exp": now + timedelta(minutes=5), "iat": now, "preferred_username": "county.supervisor"}
    return jwt.encode(body | claims, key, algorithm="RS256", headers={"kid": "test-1"})


def settings(jwks: str) -> Settings:
    return Settings(_env_file=None, oidc_issuer=ISSUER, oidc_audience="duban", oidc_jwks=jwks)  # type: ignore[call-arg]


def test_a_token_signed_by_the_provider_names_the_local_account() -> None:
    key, jwks = provider()
    assert oidc.username_from(token(key), settings(jwks)) == "county.supervisor"


def test_forged_expired_foreign_or_misdirected_tokens_are_refused() -> None:
    key, jwks = provider()
    other, _ = provider()
    config = settings(jwks)
    assert oidc.username_from(token(other), config) is None  # signed by someone else
    assert oidc.username_from(token(key, exp=datetime.now(UTC) - timedelta(minutes=1)), config) is None
    assert oidc.username_from(token(key, iss="https://evil.example"), config) is None
    assert oidc.username_from(token(key, aud="another-app"), config) is None
    hs = jwt.encode({"iss": ISSUER, "aud": "duban", "exp": datetime.now(UTC) + timedelta(minutes=5),
                     "preferred_username": "admin"}, "a-guessable-shared-secret-of-32-bytes!", algorithm="HS256")
    assert oidc.username_from(hs, config) is None  # no symmetric algorithms from a provider
    assert oidc.username_from(token(key), Settings(_env_file=None)) is None  # type: ignore[call-arg]  # not configured


async def test_the_api_accepts_the_providers_token_for_an_existing_enabled_account(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    key, jwks = provider()
    async with running_api(dev_env.client, tmp_path, task_queue, oidc_issuer=ISSUER, oidc_audience="duban", oidc_jwks=jwks) as api:

        async def me(bearer: str) -> httpx.Response:
            return await api.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {bearer}"})

        reply = await me(token(key))
        assert reply.status_code == 200 and reply.json()["username"] == "county.supervisor"
        assert (await me(token(key, preferred_username="nobody"))).status_code == 401  # no such local account
        assert (await me(token(provider()[0]))).status_code == 401  # another key
        await api.as_user("admin", "PATCH", "/admin/users/county.supervisor", json={"disabled": True})
        assert (await me(token(key))).status_code == 401  # disabled: refused at once


def test_settings_refuse_an_issuer_without_an_audience() -> None:
    import pytest
    from pydantic import ValidationError

    _, jwks = provider()
    with pytest.raises(ValidationError, match="DUBAN_OIDC_AUDIENCE must be set when DUBAN_OIDC_ISSUER is"):
        Settings(_env_file=None, oidc_issuer=ISSUER, oidc_jwks=jwks)  # type: ignore[call-arg]
    assert Settings(_env_file=None, oidc_audience="duban").oidc_issuer is None  # type: ignore[call-arg]  # no provider: fine


def test_the_audience_is_always_verified_and_a_token_without_one_is_refused() -> None:
    key, jwks = provider()
    config = settings(jwks)
    assert oidc.username_from(token(key), config) == "county.supervisor"
    without = jwt.encode({"iss": ISSUER, "exp": datetime.now(UTC) + timedelta(minutes=5), "preferred_username": "admin"},
                         key, algorithm="RS256", headers={"kid": "test-1"})
    assert oidc.username_from(without, config) is None  # no `aud` at all
    assert oidc.username_from(token(key, aud=["another-app"]), config) is None
    assert oidc.username_from(token(key, aud=["another-app", "duban"]), config) == "county.supervisor"
    # Settings built around the validation (as an older process might hold them) still never skip the check.
    unchecked = Settings.model_construct(oidc_issuer=ISSUER, oidc_audience=None, oidc_jwks=jwks)
    assert oidc.username_from(token(key), unchecked) is None


async def test_a_providers_token_issued_before_the_accounts_sign_out_is_refused(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    key, jwks = provider()
    async with running_api(dev_env.client, tmp_path, task_queue, oidc_issuer=ISSUER, oidc_audience="duban", oidc_jwks=jwks) as api:
        earlier = token(key, iat=datetime.now(UTC) - timedelta(minutes=1))
        headers = {"Authorization": f"Bearer {earlier}"}
        assert (await api.http.get("/api/v1/auth/me", headers=headers)).status_code == 200
        assert (await api.http.post("/api/v1/auth/logout", headers=headers)).status_code == 204
        refused = await api.http.get("/api/v1/auth/me", headers=headers)
        assert refused.status_code == 401 and refused.json()["detail"]["code"] == "token_revoked"
        # A provider's `iat` is in whole seconds: its next token counts from the second after the cut-off. Instead of
        # waiting for that second, the cut-off is moved back by it.
        with Session(api.app.state.engine) as session:
            user = user_by_name(session=session, username="county.supervisor")
            assert user is not None and user.tokens_valid_after is not None
            user.tokens_valid_after -= timedelta(seconds=2)
            session.add(user)
            session.commit()
        later = token(key)
        assert (await api.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {later}"})).status_code == 200
