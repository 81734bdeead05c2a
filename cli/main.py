"""`duban`: operations on the read model (migrate, accounts, reference data) and audit (export, replay)."""

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from audit.archive import ExportError, ExportSummary, export_audit, jobs_from_export
from audit.records import RECORDS
from audit.replay import (
    ReplayJob,
    hazard_codes_from_query,
    jobs_from_server,
    records_from_server,
    replay_jobs,
)
from core.db import make_engine, migrate, session_scope
from core.settings import get_settings
from core.temporal import connect_with_retry
from domain.uscc import uscc_problem
from models.enums import JurisdictionLevel, Role
from models.tables import AuditCheckpoint, Enterprise, Jurisdiction
from security import signing
from store import audit as audit_store
from store import users
from store.archive import hazard_codes
from store.reference import add_jurisdiction


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="duban", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the read model's schema up to date")
    user = commands.add_parser("create-user", help="create an account")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=[r.value for r in Role if r != Role.SYSTEM])
    user.add_argument("--jurisdiction", help="division code, for every role but enterprise and admin")
    user.add_argument("--enterprise", help="credit code, for enterprise users")
    user.add_argument("--name", default="", help="display name")
    user.add_argument("--email", default=None, help="where notifications are mailed (optional)")
    user.add_argument("--unit", default=None, help="work unit (工作单位), for the inspection tours' 回避 rules")
    reference = commands.add_parser("load-reference", help="load jurisdictions and enterprises from JSON")
    reference.add_argument("file", type=Path)
    add_audit_commands(commands)
    add_simulate_command(commands)
    args = parser.parse_args(argv)

    if args.command == "simulate":  # needs no read model: the time-skipping server and an in-memory stand-in
        return simulate_command(args)

    if args.command == "audit":  # each audit command opens what it needs: a replay from files needs nothing
        return AUDIT_COMMANDS[args.audit_command](args)
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.sqlalchemy_url)
    if args.command == "migrate":
        print("read model is up to date")
        return 0
    engine = make_engine(settings.sqlalchemy_url)
    try:
        if args.command == "create-user":
            return create_user(engine, args)
        return load_reference(engine, args.file)
    except ValueError as problem:
        print(f"duban: {problem}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


# --- duban simulate ------------------------------------------------------------------------------------


def add_simulate_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from simulation.model import DEFAULT_MONTHLY, Model

    d = Model()
    sim = commands.add_parser("simulate", help="a city's year of hazards on the time-skipping server, per policy profile")
    sim.add_argument("--seed", type=int, default=d.seed)
    sim.add_argument("--hazards", type=int, default=d.hazards, help="hazards reported in the year")
    sim.add_argument("--policy", action="append", metavar="NAME[@VERSION]", help="repeat to compare profiles side by side")
    sim.add_argument("--year", type=int, default=d.year)
    sim.add_argument("--major", type=float, default=d.major, help="share of major hazards")
    sim.add_argument("--late", type=float, default=d.late, help="share of enterprises finishing late")
    sim.add_argument("--extension", type=float, default=d.extension, help="share of listed enterprises asking for an extension")
    sim.add_argument("--failed-verification", type=float, default=d.failed_verification, help="share failing the first verification")
    sim.add_argument("--no-show", type=float, default=d.no_show, help="share of interviewees not coming")
    sim.add_argument("--late-government", type=float, default=d.late_government, help="share of hazards whose supervisors act late")
    sim.add_argument("--monthly", default=",".join(str(w) for w in DEFAULT_MONTHLY), help="12 arrival weights, January first")
    sim.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    sim.add_argument("--concurrency", type=int, default=32, help="Updates in flight at once within a simulated day (per process, shared by its servers)")
    sim.add_argument("--shards", type=int, default=1,
                     help="time-skipping servers run side by side, the hazards dealt over them (same figures, less time)")
    sim.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                     help="Python processes running the servers' workflow code (default: one per core, at most one per server)")


def simulate_command(args: argparse.Namespace) -> int:
    from simulation.model import Model
    from simulation.report import resolve_policy, run

    if args.shards < 1 or args.processes < 1 or args.concurrency < 1:
        print("duban: --shards, --processes and --concurrency need a whole number of 1 or more", file=sys.stderr)
        return 2
    monthly = tuple(float(w) for w in args.monthly.split(","))
    if len(monthly) != 12:
        print("duban: --monthly needs 12 weights", file=sys.stderr)
        return 2
    try:
        policies = [resolve_policy(spec) for spec in (args.policy or ["default"])]
    except (KeyError, ValueError) as problem:
        print(f"duban: {problem}", file=sys.stderr)
        return 2
    model = Model(
        seed=args.seed, hazards=args.hazards, year=args.year, major=args.major, late=args.late,
        extension=args.extension, failed_verification=args.failed_verification, no_show=args.no_show,
        late_government=args.late_government, monthly=monthly,
    )
    results = asyncio.run(run(model, policies, concurrency=args.concurrency, shards=args.shards,
                              processes=args.processes))
    if args.json:
        args.json.write_text(json.dumps([{"policy": m.policy, "seconds": m.seconds, **m.figures()} for m in results],
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


# --- duban audit ---------------------------------------------------------------------------------------


def add_audit_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    audit = commands.add_parser("audit", help="histories, exports and replay for auditors")
    sub = audit.add_subparsers(dest="audit_command", required=True)
    export = sub.add_parser("export", help="write histories, audit rows and read-model rows to a directory or zip")
    export.add_argument("--since", required=True, type=date.fromisoformat, help="YYYY-MM-DD: hazards reported or updated since")
    export.add_argument("--out", required=True, type=Path, help="a directory, or a FILE.zip")
    replay = sub.add_parser("replay", help="replay histories against today's workflow code")
    source = replay.add_mutually_exclusive_group(required=True)
    source.add_argument("--hazard", action="append", metavar="CODE", help="a hazard's code (repeatable)")
    source.add_argument("--record", action="append", type=_record, metavar="KIND:ID",
                        help=f"a record of any kind ({', '.join(RECORDS)}), e.g. tour:TR-… (repeatable)")
    source.add_argument("--all", action="store_true", help="every hazard in the read model")
    source.add_argument("--query", metavar="Q", help='a Temporal visibility query, e.g. "WorkflowType=\'HazardWorkflow\'"')
    source.add_argument("--from", dest="from_path", type=Path, metavar="PATH", help="an export directory or zip")
    replay.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: every core)")
    verify = sub.add_parser("verify", help="recompute the audit trail's hash chain (and check the checkpoints)")
    one = verify.add_mutually_exclusive_group()
    one.add_argument("--hazard", metavar="CODE", help="one hazard's entries only")
    one.add_argument("--record", type=_record, metavar="KIND:ID", help="one record's entries only, e.g. campaign:…")
    sub.add_parser("checkpoint", help="sign the chain heads (Ed25519, DUBAN_AUDIT_SIGNING_KEY) and print the checkpoint")


def _record(text: str) -> tuple[str, str]:
    """`KIND:ID` (a record of any kind) as (kind, id)."""
    kind, _, key = text.partition(":")
    if kind not in RECORDS or not key:
        raise argparse.ArgumentTypeError(f"give KIND:ID with KIND one of {', '.join(RECORDS)}")
    return kind, key


def audit_export(args: argparse.Namespace) -> int:
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)

    async def run() -> ExportSummary:
        return await export_audit(await connect_with_retry(settings), engine, args.since, args.out)

    try:
        summary = asyncio.run(run())
    finally:
        engine.dispose()
    print(f"exported {summary.hazards} hazards, {summary.records} other records, {summary.histories} histories, "
          f"{summary.files} files to {summary.out}")
    for code in summary.missing_histories:
        print(f"warning: no history of {code} on the server (past retention?): its rows were exported", file=sys.stderr)
    return 0


def audit_replay(args: argparse.Namespace, workflows: list[type] | None = None) -> int:
    """Replay and report; `workflows` replaces today's workflow classes (a test's deliberately changed copy)."""
    try:
        jobs = jobs_from_export(args.from_path) if args.from_path else _jobs_from_server(args)
    except ExportError as problem:
        print(f"duban: {problem}", file=sys.stderr)
        return 2
    report = replay_jobs(jobs, workers=args.workers, workflows=workflows)
    for result in report.results:
        print(f"{result.record_kind} {result.record_id} {'ok' if result.ok else 'FAIL ' + str(result.error)}")
    failed = len(report.failures)
    print(f"replayed {len(report.results)} record(s), {report.histories} histories: {len(report.results) - failed} ok, {failed} failed")
    print(f"{report.per_second:.1f} histories/s ({report.seconds:.2f} s, {report.workers} process(es))")
    return 1 if failed else 0


def _jobs_from_server(args: argparse.Namespace) -> list[ReplayJob]:
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)

    async def run() -> list[ReplayJob]:
        client = await connect_with_retry(settings)
        if args.all:
            with session_scope(engine) as session:
                codes = hazard_codes(session=session)
        elif args.record:
            return await records_from_server(client, args.record, engine)
        else:
            codes = args.hazard or await hazard_codes_from_query(client, args.query)
        return await jobs_from_server(client, codes, engine)

    try:
        return asyncio.run(run())
    finally:
        engine.dispose()


def audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain holds and every checkpoint still matches, 1 otherwise."""
    settings = get_settings()
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            kind, key = ("hazard", args.hazard) if args.hazard else (args.record or (None, None))
            chain = audit_store.verify(session=session, record_kind=kind, record_id=key)
            print(json.dumps({"ok": chain.ok, "checked": chain.checked, "first_broken": chain.first_broken}, ensure_ascii=False))
            holds = chain.ok
            if kind is None:
                trusted = signing.trusted_keys(settings)  # the configured keys, never the one a row names
                for checkpoint in session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id))):
                    ok, reason = audit_store.check_checkpoint(session=session, checkpoint=checkpoint, public_keys=trusted)
                    print(f"checkpoint {checkpoint.id} ({checkpoint.at:%Y-%m-%d %H:%M}, {checkpoint.rows} rows): {'ok' if ok else 'FAIL'} - {reason}")
                    holds = holds and ok
    finally:
        engine.dispose()
    return 0 if holds else 1


def audit_checkpoint(args: argparse.Namespace) -> int:
    settings = get_settings()
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        key = signing.signer(settings)
        with session_scope(engine) as session:
            checkpoint = audit_store.new_checkpoint(session=session, signed_by="cli", sign=key.sign, public_key=key.public_key)
            print(json.dumps(checkpoint.model_dump(mode="json"), ensure_ascii=False, indent=2))
    except signing.NoSigningKey as missing:
        print(f"duban: {missing}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


AUDIT_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "export": audit_export,
    "replay": audit_replay,
    "verify": audit_verify,
    "checkpoint": audit_checkpoint,
}


def create_user(engine, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """The same rules as the admin API (store.users); the password is read from the terminal."""
    password = os.environ.get("DUBAN_NEW_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    role = Role(args.role)
    try:
        with session_scope(engine) as session:
            users.create_user(
                session=session, username=args.username, password=password, role=role, display_name=args.name,
                jurisdiction_code=args.jurisdiction if role != Role.ENTERPRISE else None,
                enterprise_uscc=args.enterprise if role == Role.ENTERPRISE else None, by="cli",
                email=args.email, unit=args.unit,
            )
    except users.AccountProblem as problem:
        raise ValueError(problem.en) from None
    print(f"created {role.value} {args.username}")
    return 0


def load_reference(engine, file: Path) -> int:  # type: ignore[no-untyped-def]
    data = json.loads(file.read_text(encoding="utf-8"))
    added = 0
    with session_scope(engine) as session:
        # Parents first: sort by the number of ancestors the file gives each code.
        pending = {j["code"]: j for j in data.get("jurisdictions", [])}
        while pending:
            ready = [j for j in pending.values() if _parent_known(session, j.get("parent_code"))]
            if not ready:
                raise ValueError(f"jurisdictions with unknown parents: {', '.join(sorted(pending))}")
            for item in ready:
                if session.get(Jurisdiction, item["code"]) is None:
                    add_jurisdiction(session=session, code=item["code"], name=item["name"],
                                     level=JurisdictionLevel(item["level"]), parent_code=item.get("parent_code"))
                    added += 1
                del pending[item["code"]]
        for item in data.get("enterprises", []):
            problem = uscc_problem(item["uscc"])
            if problem:
                raise ValueError(f"enterprise {item['uscc']}: {problem}")
            if session.get(Jurisdiction, item["region_code"]) is None:
                raise ValueError(f"enterprise {item['uscc']}: no region {item['region_code']}")
            if session.get(Enterprise, item["uscc"]) is None:
                session.add(Enterprise(uscc=item["uscc"], name=item["name"], region_code=item["region_code"],
                                       principal=item["principal"], industry=item.get("industry", "")))
                added += 1
    print(f"loaded {added} new records")
    return 0


def _parent_known(session, parent_code: str | None) -> bool:  # type: ignore[no-untyped-def]
    return parent_code is None or session.get(Jurisdiction, parent_code) is not None


if __name__ == "__main__":
    sys.exit(main())
