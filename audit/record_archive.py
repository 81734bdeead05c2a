"""The records of the other processes in an audit export: campaigns, tours and circulars' sign-offs beside the
hazards, each with its read-model row, its audit rows and every run of its workflow.

    records/<kind>/<id>/row.json                    the record's read-model row (every column)
    records/<kind>/<id>/audit.json                  its audit rows, in step order (every column)
    records/<kind>/<id>/histories/<n>-<run_id>.json  each run of its workflow, Temporal's JSON

The manifest lists them under `records` as [kind, id]; replaying the export replays them like the hazards.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, or_, select
from temporalio.client import Client, WorkflowHistory

from audit.histories import workflow_histories
from audit.records import RECORDS
from audit.replay import ReplayJob, WorkflowRuns
from models.tables import CampaignRow, CircularRow, TourRow
from store import audit

EXPORTED_KINDS = ("campaign", "tour", "circular")


def records_since(session: Session, since: datetime) -> list[tuple[str, str]]:
    """The campaigns and tours changed since `since`, and the circulars a leader's sign-off ran for then."""
    found: list[tuple[str, str]] = []
    for kind, row in (("campaign", CampaignRow), ("tour", TourRow)):
        changed = session.exec(select(row.id).where(col(row.updated_at) >= since).order_by(col(row.id)))  # type: ignore[attr-defined]
        found += [(kind, key) for key in changed]
    signed = select(CircularRow.id).where(col(CircularRow.signoff_workflow_id).is_not(None),
                                          or_(col(CircularRow.issued_at) >= since, col(CircularRow.signed_at) >= since))
    return found + [("circular", key) for key in session.exec(signed.order_by(col(CircularRow.id)))]


def folder(kind: str, record_id: str) -> str:
    return f"records/{kind}/{record_id}"


async def export_record(client: Client, engine: Engine, kind: str, record_id: str,
                        add: Callable[[str, bytes], None], to_json: Callable[[Any], bytes]) -> int:
    """Write one record's files; the number of histories written (0: the server no longer holds them)."""
    with Session(engine) as session:
        row = session.get(RECORDS[kind].row, record_id)
        add(f"{folder(kind, record_id)}/row.json", to_json(row.model_dump(mode="json") if row is not None else None))
        rows = audit.entries(session=session, kind=kind, record_id=record_id)
        add(f"{folder(kind, record_id)}/audit.json", to_json([e.model_dump(mode="json") for e in rows]))
    workflow_id = RECORDS[kind].workflow_id(row, record_id)
    runs: list[WorkflowHistory] = []
    if workflow_id is not None:
        try:
            runs = await workflow_histories(client, workflow_id)
        except Exception:  # noqa: BLE001 - past retention: the rows are still worth keeping
            runs = []
    for n, history in enumerate(runs, start=1):
        add(f"{folder(kind, record_id)}/histories/{n}-{history.run_id}.json", history.to_json().encode("utf-8"))
    return len(runs)


def record_jobs(manifest: dict[str, Any], names: Sequence[str], read: Callable[[str], bytes],
                problems_of: Callable[[str], list[str]]) -> Iterator[ReplayJob]:
    """One replay job per exported record, with the manifest's problems of its files (`problems_of(folder)`)."""
    for kind, record_id in manifest.get("records", []):
        base = folder(kind, record_id)
        prefix = f"{base}/histories/"
        files = sorted((n for n in names if n.startswith(prefix)), key=lambda n: int(n[len(prefix):].split("-", 1)[0]))
        row = _row(read, names, f"{base}/row.json")
        workflow_id = RECORDS[kind].workflow_id(_Row(row), record_id) if kind in RECORDS else None
        problems = problems_of(base)
        if not files:
            problems = [*problems, f"no history of {kind} {record_id} in the export"]
        expected = row.get("state_json") if isinstance(row, dict) else None
        runs = WorkflowRuns(workflow_id or base, tuple(read(n).decode("utf-8") for n in files), expected)
        yield ReplayJob(record_id, runs, (), tuple(problems), kind)


def _row(read: Callable[[str], bytes], names: Sequence[str], name: str) -> Any:
    if name not in names:
        return None
    try:
        return json.loads(read(name))
    except ValueError:
        return None  # a damaged row file is reported by the manifest check


class _Row:
    """An exported row's columns as attributes (what a record's workflow id is read from)."""

    def __init__(self, data: Any) -> None:
        self.__dict__.update(data if isinstance(data, dict) else {})
