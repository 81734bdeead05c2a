"""`duban`: operations on the read model (migrate, accounts, reference data)."""

import argparse
import getpass
import json
import os
import sys
import uuid
from pathlib import Path

from core.db import make_engine, migrate, session_scope
from core.security import hash_password
from core.settings import get_settings
from domain.uscc import uscc_problem
from models.enums import JurisdictionLevel, Role
from models.tables import Enterprise, Jurisdiction, User
from store.reference import add_jurisdiction, user_by_name


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
    reference = commands.add_parser("load-reference", help="load jurisdictions and enterprises from JSON")
    reference.add_argument("file", type=Path)
    args = parser.parse_args(argv)

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


def create_user(engine, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    role = Role(args.role)
    if role == Role.ENTERPRISE and not args.enterprise:
        raise ValueError("an enterprise user needs --enterprise USCC")
    if role not in (Role.ENTERPRISE, Role.ADMIN) and not args.jurisdiction:
        raise ValueError(f"a {role.value} needs --jurisdiction CODE")
    password = os.environ.get("DUBAN_NEW_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    if len(password) < 10:
        raise ValueError("the password must have at least 10 characters")
    with session_scope(engine) as session:
        if user_by_name(session=session, username=args.username) is not None:
            raise ValueError(f"user {args.username} exists already")
        if args.jurisdiction and session.get(Jurisdiction, args.jurisdiction) is None:
            raise ValueError(f"no jurisdiction {args.jurisdiction}: load the reference data first")
        if args.enterprise and session.get(Enterprise, args.enterprise) is None:
            raise ValueError(f"no enterprise {args.enterprise}: load the reference data first")
        session.add(
            User(
                id=str(uuid.uuid4()),
                username=args.username,
                display_name=args.name,
                password_hash=hash_password(password),
                role=role.value,
                jurisdiction_code=args.jurisdiction if role != Role.ENTERPRISE else None,
                enterprise_uscc=args.enterprise if role == Role.ENTERPRISE else None,
            )
        )
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
