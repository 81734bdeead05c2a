"""Policy profiles through the real API: any signed-in user reads them; a bad profile stops the server."""

from pathlib import Path

import pytest

from app import create_app
from core.policies import DEFAULT_POLICIES_DIR, PolicyError
from core.settings import Settings
from tests.api_helpers import Api


async def test_every_signed_in_user_sees_the_default_profile_in_the_list(api: Api) -> None:
    for username in ("admin", "county.supervisor", "enterprise.a", "auditor"):
        reply = await api.as_user(username, "GET", "/policies")
        assert reply.status_code == 200, (username, reply.text)
        listed = {p["name"]: p for p in reply.json()}
        assert listed["default"]["version"] == 1
        assert listed["default"]["versions"] == [1]
        assert listed["default"]["title"] and listed["default"]["description"]


async def test_reading_a_profile_shows_its_ladder_and_numbers(api: Api) -> None:
    reply = await api.as_user("enterprise.a", "GET", "/policies/default")
    assert reply.status_code == 200, reply.text
    profile = reply.json()
    assert (profile["name"], profile["version"]) == ("default", 1)
    assert [(r["type"], r["offset_working_days"]) for r in profile["ladder"]] == [
        ("urging_letter", 0),
        ("circular", 5),
        ("interview", 10),
        ("raise_listing", 20),
        ("joint_punishment", 30),
        ("accountability_referral", 40),
    ]
    assert profile["ladder"][2]["targets"] == ["enterprise_principal", "supervising_authority"]
    assert profile["timers"]["general_rectification"] == 10
    assert profile["extension"]["max_count"] == 2

    older = await api.as_user("enterprise.a", "GET", "/policies/default", params={"version": 1})
    assert older.status_code == 200 and older.json() == profile


async def test_an_unknown_profile_or_version_is_not_found(api: Api) -> None:
    for path, params in (("/policies/lenient", {}), ("/policies/default", {"version": 9})):
        reply = await api.as_user("county.supervisor", "GET", path, params=params)
        assert reply.status_code == 404, reply.text
        assert reply.json()["detail"]["code"] == "not_found"


async def test_profiles_are_not_shown_to_an_anonymous_caller(api: Api) -> None:
    for path in ("/api/v1/policies", "/api/v1/policies/default"):
        reply = await api.http.get(path)
        assert reply.status_code == 401, reply.text
        assert reply.json()["detail"]["code"] == "not_authenticated"


def test_the_server_refuses_to_start_with_a_bad_profile(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    text = (DEFAULT_POLICIES_DIR / "default.toml").read_text(encoding="utf-8")
    (folder / "default.toml").write_text(text.replace('type = "circular"', 'type = "public_shaming"', 1))
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", policies_dir=folder)  # type: ignore[call-arg]

    with pytest.raises(PolicyError) as caught:
        create_app(settings)

    assert caught.value.path == folder / "default.toml"
    assert caught.value.line is not None
    assert caught.value.reason.startswith("ladder[1].type: ")
