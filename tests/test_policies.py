"""Policy profiles on disk: the default profile holds docs/domain.md's numbers, and a bad file is refused with
its line and a reason naming the field (no server)."""

from pathlib import Path

import pytest

from core.policies import DEFAULT_POLICIES_DIR, PolicyError, PolicyRegistry, load_profile
from core.settings import Settings
from models.policy import RungType, Target

DEFAULT_TOML = DEFAULT_POLICIES_DIR / "default.toml"
BAD = "# <- bad"


def write(folder: Path, filename: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def default_text() -> str:
    return DEFAULT_TOML.read_text(encoding="utf-8")


def replace_nth(text: str, old: str, new: str, n: int) -> str:
    """Replace the n-th (1-based) occurrence of `old`."""
    at = -1
    for _ in range(n):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


def marked_line(text: str) -> int:
    """The 1-based line carrying the `# <- bad` marker."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if BAD in line)


def refused(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_profile(path)
    return caught.value


# --- the default profile ----------------------------------------------------------------------------------


def test_default_profile_holds_the_numbers_of_domain_md() -> None:
    profile = load_profile(DEFAULT_TOML)

    assert (profile.name, profile.version, profile.key) == ("default", 1, "default@1")
    assert profile.title and profile.description
    timers = profile.timers
    assert (timers.assess, timers.list, timers.plan, timers.publish) == (3, 5, 10, 5)
    assert (timers.review, timers.verify, timers.close, timers.general_rectification) == (5, 10, 5, 10)
    assert profile.reminders.fractions == (0.5,)
    assert profile.reminders.working_days_before == (5, 1)
    assert [(r.type, r.offset_working_days, r.targets) for r in profile.ladder] == [
        (RungType.URGING_LETTER, 0, (Target.ENTERPRISE, Target.SUPERVISING_AUTHORITY)),
        (RungType.CIRCULAR, 5, (Target.ENTERPRISE, Target.COUNTY)),
        (RungType.INTERVIEW, 10, (Target.ENTERPRISE_PRINCIPAL, Target.SUPERVISING_AUTHORITY)),
        (RungType.RAISE_LISTING, 20, (Target.SUPERVISING_AUTHORITY, Target.SUPERIOR_AUTHORITY)),
        (RungType.JOINT_PUNISHMENT, 30, (Target.ENTERPRISE, Target.SUPERVISING_AUTHORITY)),
        (RungType.ACCOUNTABILITY_REFERRAL, 40, (Target.OFFICIALS, Target.SUPERIOR_AUTHORITY)),
    ]
    assert [(r.type, r.offset_working_days) for r in profile.general_ladder] == [
        (RungType.URGING_LETTER, 0),
        (RungType.CIRCULAR, 3),
        (RungType.INTERVIEW, 5),
    ]
    extension = profile.extension
    assert (extension.max_count, extension.min_working_days_before) == (2, 20)
    assert extension.decide_working_days == 10
    assert (extension.max_total_calendar_days, extension.max_days_per_request) == (365, 60)
    assert (profile.interview.notice_calendar_days, profile.interview.reply_working_days) == (7, 5)
    assert profile.progress.major_report_every_calendar_days == 30
    assert profile.four_eyes_major is True


def test_the_registry_loads_the_repository_folder_by_default_and_the_setting_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = PolicyRegistry()
    assert registry.names() == ["default"]
    assert registry.latest("default") == load_profile(DEFAULT_TOML)

    write(tmp_path, "strict.toml", default_text().replace('name = "default"', 'name = "strict"'))
    monkeypatch.setenv("DUBAN_POLICIES_DIR", str(tmp_path))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.policies_dir == tmp_path
    assert PolicyRegistry(settings.policies_dir).names() == ["strict"]


# --- refusals with their line -----------------------------------------------------------------------------


def test_a_toml_syntax_error_is_refused_with_its_line(tmp_path: Path) -> None:
    text = replace_nth(default_text(), "max_count = 2", f"max_count = = 2 {BAD}", 1)
    path = write(tmp_path, "broken.toml", text)

    error = refused(path)

    assert error.line == marked_line(text)
    assert "not valid TOML" in error.reason
    assert str(error).startswith(f"{path}:{error.line}: ")


def test_a_negative_offset_in_the_third_rung_is_refused_with_its_line_and_field(tmp_path: Path) -> None:
    text = replace_nth(default_text(), "offset_working_days = 10", f"offset_working_days = -1 {BAD}", 1)
    path = write(tmp_path, "negative.toml", text)

    error = refused(path)

    assert error.line == marked_line(text)
    assert error.reason.startswith("ladder[2].offset_working_days: ")
    assert "greater than or equal to 0" in error.reason
    assert str(error) == f"{path}:{error.line}: {error.reason}"


def test_an_unknown_rung_type_is_refused_with_its_line(tmp_path: Path) -> None:
    # the second "circular" is in general_ladder
    text = replace_nth(default_text(), 'type = "circular"', f'type = "public_shaming" {BAD}', 2)
    path = write(tmp_path, "unknown-rung.toml", text)

    error = refused(path)

    assert error.line == marked_line(text)
    assert error.reason.startswith("general_ladder[1].type: ")
    assert "urging_letter" in error.reason  # the message lists the allowed types


def test_an_unknown_target_is_refused_at_the_targets_line(tmp_path: Path) -> None:
    text = replace_nth(
        default_text(), 'targets = ["enterprise", "county"]', f'targets = ["enterprise", "mayor"] {BAD}', 1
    )
    error = refused(write(tmp_path, "unknown-target.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("ladder[1].targets[1]: ")


def test_a_rung_missing_its_type_is_refused_at_its_header_line(tmp_path: Path) -> None:
    text = replace_nth(default_text(), "[[ladder]]", f"[[ladder]] {BAD}", 4)
    text = replace_nth(text, 'type = "raise_listing"  # 提级督办\n', "", 1)
    error = refused(write(tmp_path, "no-type.toml", text))

    assert error.line == marked_line(text)
    assert error.reason == "ladder[3].type: Field required"


def test_a_profile_without_a_general_ladder_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = default_text().replace("[[general_ladder]]", "[[unused]]")
    error = refused(write(tmp_path, "no-general.toml", text))

    assert error.reason.startswith("general_ladder: Field required")
    assert error.line is None  # nothing in the file to point at
    assert "unused" in error.reason  # and the stray tables are named as extra keys


def test_a_misspelt_key_in_a_section_is_refused_with_its_line(tmp_path: Path) -> None:
    text = default_text().replace("assess = 3", f"asess = 3 {BAD}")
    error = refused(write(tmp_path, "typo.toml", text))

    assert error.line == marked_line(text)
    assert error.reason == "timers.asess: Extra inputs are not permitted"


def test_a_bad_value_in_a_plain_section_points_at_its_key(tmp_path: Path) -> None:
    text = default_text().replace("verify = 10", f"verify = 0 {BAD}")
    error = refused(write(tmp_path, "zero.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("timers.verify: ")


def test_a_bad_top_level_value_points_at_its_key(tmp_path: Path) -> None:
    text = default_text().replace("version = 1", f"version = 0 {BAD}")
    error = refused(write(tmp_path, "zero-version.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("version: ")


def test_a_reminder_fraction_outside_the_period_is_refused(tmp_path: Path) -> None:
    text = default_text().replace("fractions = [0.5]", f"fractions = [1.5] {BAD}")
    error = refused(write(tmp_path, "fraction.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("reminders.fractions: ")


def test_a_ladder_out_of_order_is_refused_at_the_offending_rung(tmp_path: Path) -> None:
    text = replace_nth(default_text(), "offset_working_days = 20", f"offset_working_days = 10 {BAD}", 1)
    error = refused(write(tmp_path, "order.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("ladder[3].offset_working_days: ")
    assert "strictly after" in error.reason


def test_a_repeated_rung_type_is_refused_at_the_repeat(tmp_path: Path) -> None:
    text = replace_nth(default_text(), 'type = "interview"', f'type = "circular" {BAD}', 2)  # general_ladder
    error = refused(write(tmp_path, "repeat.toml", text))

    assert error.line == marked_line(text)
    assert error.reason.startswith("general_ladder[2].type: ")
    assert "repeats" in error.reason


# --- the registry -----------------------------------------------------------------------------------------


def test_two_versions_of_one_name_latest_is_the_higher_and_get_returns_each(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", default_text())
    v2 = default_text().replace("version = 1", "version = 2")
    v2 = v2.replace("general_rectification = 10", "general_rectification = 15")
    write(tmp_path, "default.v2.toml", v2)

    registry = PolicyRegistry(tmp_path)

    assert registry.names() == ["default"]
    assert [p.version for p in registry.versions("default")] == [1, 2]
    assert registry.latest("default").key == "default@2"
    assert registry.latest("default").timers.general_rectification == 15
    assert registry.get("default", 1).timers.general_rectification == 10
    assert registry.get("default", 2).timers.general_rectification == 15
    with pytest.raises(KeyError):
        registry.get("default", 3)
    with pytest.raises(KeyError):
        registry.latest("lenient")


def test_a_duplicate_name_and_version_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", default_text())
    copy = write(tmp_path, "default.v2.toml", default_text())  # copied, but `version` not raised

    with pytest.raises(PolicyError) as caught:
        PolicyRegistry(tmp_path)

    assert caught.value.path == copy
    assert caught.value.line == default_text().splitlines().index("version = 1") + 1
    assert "default@1" in caught.value.reason and "default.toml" in caught.value.reason


def test_a_folder_with_one_bad_profile_is_refused_as_a_whole(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", default_text())
    bad = write(tmp_path, "strict.toml", default_text().replace('name = "default"', 'name = "Strict Profile"'))

    with pytest.raises(PolicyError) as caught:
        PolicyRegistry(tmp_path)

    assert caught.value.path == bad and caught.value.reason.startswith("name: ")


def test_an_empty_or_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no policy profile"):
        PolicyRegistry(tmp_path)
    with pytest.raises(PolicyError, match="does not exist"):
        PolicyRegistry(tmp_path / "absent")


def test_a_profile_must_state_the_newer_keys_and_the_notice_number_follows_its_template(tmp_path: Path) -> None:
    text = default_text()
    cut = text[: text.index("[notices]")] + text[text.index("[display]"):]
    error = refused(write(tmp_path, "old.toml", cut))
    assert error.reason.startswith("notices: missing")

    from datetime import UTC, datetime

    from domain.hazard_steps import _notice_number
    from tests import factories as f

    profile = load_profile(DEFAULT_TOML)
    assert profile.notices is not None and profile.display is not None and profile.display.warning_working_days == 3
    custom = profile.model_copy(update={"notices": profile.notices.model_copy(update={"listing_number": "菏安督〔{year}〕{code}"})})
    start = f.start("HZ-371702-2026-000001", policy=custom)
    from models.hazard import HazardState

    hazard = HazardState(code=start.code, facts=start.facts, reported_at=datetime(2026, 3, 1, tzinfo=UTC),
                         reported_by=start.reporter, policy=custom, status_since=datetime(2026, 3, 1, tzinfo=UTC))
    assert _notice_number(hazard, datetime(2026, 3, 2, tzinfo=UTC)) == "菏安督〔2026〕HZ-371702-2026-000001"
