"""Audit exports: histories, audit rows and read-model rows in files that outlive Temporal's retention.

Layout of an export (a directory, or the same tree in a zip):

    manifest.json                                   every other file with its SHA-256 and size
    hazards/<code>.json                             the hazard's read-model row (every column)
    audit/<code>.json                               its audit rows, in sequence order (every column)
    histories/<code>/<n>-<run_id>.json              each run of `hazard-<code>`, Temporal's JSON
    histories/<code>/interviews/<id>/<n>-<run_id>.json   each run of each of its interviews
    interviews/<id>.json                            the interview's row and steps
    records/<kind>/<id>/...                         a campaign's, a tour's or a circular's sign-off: audit/record_archive.py

Replaying an export checks the manifest first: a file changed, missing or added is that hazard's failure.
"""

import asyncio
import hashlib
import json
import subprocess
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client, WorkflowHistory

from audit import record_archive
from audit.histories import child_workflow_ids, hazard_histories, workflow_histories
from audit.replay import ReplayJob, ReplayReport, WorkflowRuns, replay_jobs, replay_report
from models.base import CHINA_TZ
from models.hazard import workflow_id_for
from store import archive

FORMAT = "duban-audit-export/1"
MANIFEST = "manifest.json"
REPOSITORY = Path(__file__).resolve().parent.parent


class ExportError(Exception):
    """The export cannot be read at all (no manifest, not a directory or a zip)."""


def code_version() -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=REPOSITORY, capture_output=True, text=True, timeout=10, check=True,
        )
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# --- writing ------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    """Writes files into a directory or a zip and remembers each one's hash for the manifest."""

    out: Path
    files: list[dict[str, Any]] = field(default_factory=list)
    _zip: zipfile.ZipFile | None = None

    def __post_init__(self) -> None:
        if self.out.suffix == ".zip":
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._zip = zipfile.ZipFile(self.out, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            self.out.mkdir(parents=True, exist_ok=True)

    def add(self, path: str, data: bytes, listed: bool = True) -> None:
        if self._zip is not None:
            self._zip.writestr(path, data)
        else:
            target = self.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if listed:
            self.files.append({"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


@dataclass(frozen=True)
class ExportSummary:
    out: Path
    hazards: int
    histories: int
    files: int
    missing_histories: tuple[str, ...]
    records: int = 0  # campaigns, tours and circulars' sign-offs


async def export_audit(client: Client, engine: Engine, since: date, out: Path) -> ExportSummary:
    """Export every hazard reported or updated since `since` (00:00 Asia/Shanghai) to a directory or a zip."""
    # In UTC: SQLite keeps the wall time of the instant it was given, and the projection writes UTC.
    start = datetime(since.year, since.month, since.day, tzinfo=CHINA_TZ).astimezone(UTC)
    with Session(engine) as session:
        codes = archive.hazard_codes(session=session, since=start)
        records = record_archive.records_since(session, start)
    writer = _Writer(out)
    histories = 0
    missing: list[str] = []
    try:
        for code in codes:
            written = await _export_hazard(client, engine, code, writer)
            histories += written
            if not written:
                missing.append(code)
        for kind, key in records:
            written = await record_archive.export_record(client, engine, kind, key, writer.add, _json)
            histories += written
            if not written:
                missing.append(f"{kind}:{key}")
        manifest = {
            "format": FORMAT,
            "exported_at": datetime.now(UTC).isoformat(),
            "since": since.isoformat(),
            "code_version": code_version(),
            "hazards": codes,
            "records": [list(record) for record in records],
            "missing_histories": missing,
            "files": writer.files,
        }
        writer.add(MANIFEST, _json(manifest), listed=False)
    finally:
        writer.close()
    return ExportSummary(out, len(codes), histories, len(writer.files) + 1, tuple(missing), len(records))


async def _export_hazard(client: Client, engine: Engine, code: str, writer: _Writer) -> int:
    """Write one hazard's files; the number of histories written (0: the server no longer holds them)."""
    with Session(engine) as session:
        writer.add(f"hazards/{code}.json", _json(archive.hazard_record(session=session, code=code)))
        writer.add(f"audit/{code}.json", _json(archive.audit_records(session=session, code=code)))
        interview_ids = archive.interview_ids(session=session, hazard_code=code)
    try:
        runs = await hazard_histories(client, code)
    except Exception:  # noqa: BLE001 - past retention or never started: the rows are still worth keeping
        runs = []
    count = _add_runs(writer, f"histories/{code}", runs)
    for interview_id in dict.fromkeys([*child_workflow_ids(runs), *interview_ids]):
        try:
            interview_runs = await workflow_histories(client, interview_id)
        except Exception:  # noqa: BLE001
            interview_runs = []
        count += _add_runs(writer, f"histories/{code}/interviews/{interview_id}", interview_runs)
        with Session(engine) as session:
            record = archive.interview_record(session=session, interview_id=interview_id)
        if record is not None:
            writer.add(f"interviews/{interview_id}.json", _json(record))
    return count


def _add_runs(writer: _Writer, folder: str, runs: Sequence[WorkflowHistory]) -> int:
    for n, history in enumerate(runs, start=1):
        writer.add(f"{folder}/{n}-{history.run_id}.json", history.to_json().encode("utf-8"))
    return len(runs)


# --- reading and verifying --------------------------------------------------------------------------------


class ExportReader:
    """The files of an export, from a directory or a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            self._names = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
            self._zip: zipfile.ZipFile | None = None
        elif zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self._names = sorted(n for n in self._zip.namelist() if not n.endswith("/"))
        else:
            raise ExportError(f"{path}: not an export directory or zip")
        if MANIFEST not in self._names:
            raise ExportError(f"{path}: no {MANIFEST}")
        self.manifest: dict[str, Any] = json.loads(self.read(MANIFEST))

    def names(self) -> list[str]:
        return list(self._names)

    def read(self, name: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(name)
        return (self.path / name).read_bytes()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def verify_manifest(reader: ExportReader) -> dict[str, str]:
    """Every file whose content does not match the manifest, or that it does not list: path → problem."""
    problems: dict[str, str] = {}
    listed = {f["path"]: f for f in reader.manifest.get("files", [])}
    present = set(reader.names()) - {MANIFEST}
    for path, expected in listed.items():
        if path not in present:
            problems[path] = f"manifest: {path} is missing"
            continue
        data = reader.read(path)
        if len(data) != expected["bytes"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
            problems[path] = f"manifest: {path} does not match its SHA-256 (changed since the export)"
    for path in sorted(present - set(listed)):
        problems[path] = f"manifest: {path} is not listed (added since the export)"
    return problems


def _owner(path: str, codes: Sequence[str], interview_owner: dict[str, str]) -> str | None:
    """The hazard a file belongs to; None for a file of no hazard (its problem is every hazard's)."""
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] in ("histories", "audit", "hazards") and parts[1].removesuffix(".json") in codes:
        return parts[1].removesuffix(".json")
    if len(parts) == 2 and parts[0] == "interviews":
        return interview_owner.get(parts[1].removesuffix(".json"))
    if len(parts) >= 4 and parts[0] == "records":
        return "/".join(parts[:3])  # a record's folder
    return None


def _run_files(names: Sequence[str], folder: str) -> list[str]:
    """The run files directly in `folder`, in run order (`<n>-<run_id>.json`)."""
    prefix = folder + "/"
    runs = [n for n in names if n.startswith(prefix) and "/" not in n[len(prefix):] and n.endswith(".json")]
    return sorted(runs, key=lambda n: int(n[len(prefix):].split("-", 1)[0]))


def jobs_from_export(path: Path) -> list[ReplayJob]:
    """One replay job per exported hazard: its runs, its interviews', the exported rows' states, and any
    manifest problem of its files."""
    reader = ExportReader(path)
    try:
        return list(_jobs(reader))
    finally:
        reader.close()


def _jobs(reader: ExportReader) -> Iterator[ReplayJob]:
    names = reader.names()
    codes = list(dict.fromkeys([*reader.manifest.get("hazards", []),
                                *(n.split("/")[1] for n in names if n.startswith("histories/") and n.count("/") >= 2)]))
    interviews: dict[str, list[str]] = {code: [] for code in codes}
    for name in names:
        parts = name.split("/")
        if len(parts) >= 5 and parts[0] == "histories" and parts[2] == "interviews":
            interviews.setdefault(parts[1], [])
            if parts[3] not in interviews[parts[1]]:
                interviews[parts[1]].append(parts[3])
    owner = {i: code for code, ids in interviews.items() for i in ids}
    by_owner: dict[str | None, list[str]] = {}
    for file, problem in verify_manifest(reader).items():
        by_owner.setdefault(_owner(file, codes, owner), []).append(problem)
    for code in codes:
        problems = [*by_owner.get(code, []), *by_owner.get(None, [])]
        hazard = _runs(reader, names, f"histories/{code}", workflow_id_for(code), f"hazards/{code}.json")
        if not hazard.histories:
            problems.append(f"no history of {workflow_id_for(code)} in the export")
        interview_runs = tuple(
            _runs(reader, names, f"histories/{code}/interviews/{i}", i, f"interviews/{i}.json")
            for i in interviews.get(code, [])
        )
        yield ReplayJob(code, hazard, interview_runs, tuple(problems))
    yield from record_archive.record_jobs(reader.manifest, names, reader.read,
                                          lambda base: [*by_owner.get(base, []), *by_owner.get(None, [])])


def _runs(reader: ExportReader, names: Sequence[str], folder: str, workflow_id: str, row_file: str) -> WorkflowRuns:
    """The runs in `folder` and the state the exported row holds (`hazards/…` is the row, `interviews/…` has one)."""
    histories = tuple(reader.read(n).decode("utf-8") for n in _run_files(names, folder))
    expected = None
    if row_file in names:
        try:
            record = json.loads(reader.read(row_file))
            row = record["row"] if row_file.startswith("interviews/") else record
            expected = row["state_json"]
        except (ValueError, KeyError, TypeError):
            expected = None  # a damaged row file is reported by the manifest check
    return WorkflowRuns(workflow_id, histories, expected)


def replay_export(
    path: Path, *, workflows: Sequence[type] | None = None, workers: int | None = 1
) -> ReplayReport:
    """Verify the export's manifest and replay every hazard in it against `workflows` (today's by default),
    comparing the state reached with the exported read-model row. No server, no database."""
    return replay_jobs(jobs_from_export(path), workers=workers, workflows=workflows)


async def replay_export_async(path: Path, *, workflows: Sequence[type] | None = None) -> ReplayReport:
    """`replay_export` in this process, from async code."""
    jobs = await asyncio.to_thread(jobs_from_export, path)
    return await replay_report(jobs, workflows)
