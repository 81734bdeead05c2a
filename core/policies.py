"""Policy profiles on disk: `policies/*.toml`, each one version of a named profile (docs/domain.md §11).

`load_profile` reads and validates one file; a bad file raises `PolicyError` naming the file, the line
and the reason. `PolicyRegistry` loads a whole folder (several files may hold versions of one name)
and answers the latest or a given version.
"""

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.policy import PolicyProfile

DEFAULT_POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]")


class PolicyError(Exception):
    """A profile that may not be used: `path`, `line` (1-based, or None when no line is to blame), `reason`."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


# Optional in the model only so that hazards pinned before these keys existed still load; a file must state them.
NEWER_KEYS = ("notices", "display", "campaign")


def load_profile(path: Path) -> PolicyProfile:
    """Read and validate one profile file; refuse it with `PolicyError` (file, line, reason)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(path, None, f"cannot read the profile: {error}") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(path, _toml_line(error), f"not valid TOML: {error}") from error
    missing = [key for key in NEWER_KEYS if key not in data]
    if missing:
        raise PolicyError(path, None, f"{', '.join(missing)}: missing (a profile states every number; see policies/default.toml)")
    try:
        return PolicyProfile.model_validate(data)
    except ValidationError as error:
        problems = [_located(text, e) for e in _explained(error.errors(include_url=False))]
        line, reason = problems[0]
        for other_line, other_reason in problems[1:]:
            reason += f"; line {other_line}: {other_reason}" if other_line else f"; {other_reason}"
        raise PolicyError(path, line, reason) from error


def _explained(errors: list[Any]) -> list[Any]:
    """A misspelt key in a section shows up twice: as an unknown key and as the key missing beside it. Report
    the first."""
    misspelt = {tuple(e["loc"][:-1]) for e in errors if e["type"] == "extra_forbidden" and len(e["loc"]) > 1}
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"][:-1]) in misspelt)]


def _toml_line(error: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(error, "lineno", None)  # Python 3.14+
    if isinstance(lineno, int):
        return lineno
    match = _TOML_POSITION.search(str(error))  # earlier versions only put it in the message
    return int(match.group(1)) if match else None


def _located(text: str, error: Any) -> tuple[int | None, str]:
    """(line, "ladder[2].offset_working_days: message") for one pydantic error."""
    loc = tuple(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    if isinstance(ctx.get("index"), int) and len(loc) == 1:  # a whole-ladder check naming its rung
        loc = (*loc, ctx["index"], *([ctx["field"]] if isinstance(ctx.get("field"), str) else []))
    return _find_line(text, loc), f"{_dotted(loc) or 'profile'}: {error.get('msg', 'invalid')}"


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _find_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the key `loc` points at; else its table's header line; else None."""
    if not loc or not isinstance(loc[0], str):
        return None
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if _ARRAY_HEADER.match(line) or _TABLE_HEADER.match(line)]
    section, rest = loc[0], loc[1:]
    start: int | None = None
    if rest and isinstance(rest[0], int):  # an entry of an array of tables: its (index+1)-th [[section]]
        entries = [i for i in headers if (m := _ARRAY_HEADER.match(lines[i])) and m.group(1) == section]
        if rest[0] < len(entries):
            start, rest = entries[rest[0]], rest[1:]
    else:
        tables = [i for i in headers if (m := _TABLE_HEADER.match(lines[i])) and m.group(1) == section]
        if not tables:  # the whole array of tables is at fault: its first entry
            tables = [i for i in headers if (m := _ARRAY_HEADER.match(lines[i])) and m.group(1) == section]
        if tables:
            start = tables[0]
    if start is None:  # a top-level key (or an inline table/array): look before the first header
        end = headers[0] if headers else len(lines)
        return _key_line(lines, 0, end, section)
    end = next((i for i in headers if i > start), len(lines))
    key = next((part for part in rest if isinstance(part, str)), None)
    found = _key_line(lines, start + 1, end, key) if key else None
    return found or start + 1


def _key_line(lines: list[str], start: int, end: int, key: str | None) -> int | None:
    if key is None:
        return None
    pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=.]""")
    return next((i + 1 for i in range(start, end) if pattern.match(lines[i])), None)


class PolicyRegistry:
    """Every profile in a folder (`*.toml`), by name and version. Loading refuses any bad file."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or DEFAULT_POLICIES_DIR
        if not self.directory.is_dir():
            raise PolicyError(self.directory, None, "the policy profile folder does not exist")
        self._profiles: dict[str, dict[int, PolicyProfile]] = {}
        origin: dict[tuple[str, int], Path] = {}
        for path in sorted(self.directory.glob("*.toml")):
            profile = load_profile(path)
            key = (profile.name, profile.version)
            if key in origin:
                raise PolicyError(
                    path,
                    _find_line(path.read_text(encoding="utf-8"), ("version",)),
                    f"version: {profile.key} is already defined in {origin[key].name}; raise `version`",
                )
            origin[key] = path
            self._profiles.setdefault(profile.name, {})[profile.version] = profile
        if not self._profiles:
            raise PolicyError(self.directory, None, "no policy profile (*.toml) in the folder")

    def names(self) -> list[str]:
        return sorted(self._profiles)

    def versions(self, name: str) -> list[PolicyProfile]:
        """Every version of `name`, oldest first; KeyError for an unknown name."""
        by_version = self._by_name(name)
        return [by_version[v] for v in sorted(by_version)]

    def latest(self, name: str) -> PolicyProfile:
        """The newest version of `name`: the one a new hazard pins."""
        return self.versions(name)[-1]

    def get(self, name: str, version: int) -> PolicyProfile:
        by_version = self._by_name(name)
        if version not in by_version:
            raise KeyError(f"no version {version} of policy profile {name!r}")
        return by_version[version]

    def _by_name(self, name: str) -> dict[int, PolicyProfile]:
        if name not in self._profiles:
            raise KeyError(f"no policy profile {name!r}")
        return self._profiles[name]
