"""One audit trail for every process: `audit_entry` keyed by (`record_kind`, `record_id`), one hash chain per record.

The rows already on the trail keep the hashes they were sealed with (`chain_version` 1: the record's id hashed
as the hazard code); the circulars' and periodic reports' rows, which used the hazard's column for their own
ids, are labelled with their kind. The steps of interviews, campaigns and tours, kept until now in
`interview_event`, `campaign_event` and `tour_event` outside any chain, move in, each record's steps sealed into
a chain of their own (version 2), and those tables go.

`notification` and `document` are keyed the same way (`record_kind`, `record_id`): the rows that used the hazard's
column for a tour's, a campaign's, a circular's or a report's id are labelled by the table that holds that id.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:30:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from domain.audit_chain import GENESIS, row_hash
from store.audit import chain_fields

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
OLD_INDEXES = ("ix_audit_hazard_status_at", "ix_audit_hazard_action", "ix_audit_status_hazard_at", "ix_audit_action_hazard")
NEW_INDEXES = {
    "ix_audit_record_id_status_at": ["record_id", "to_status", "at"],
    "ix_audit_record_id_action": ["record_id", "action"],
    "ix_audit_status_record_at": ["to_status", "record_id", "at"],
    "ix_audit_action_record": ["action", "record_id"],
}
# kind → (the old table, its record id column, whether it has `reason`, its document column)
EVENT_TABLES = {
    "interview": ("interview_event", "interview_id", False, None),
    "campaign": ("campaign_event", "campaign_id", False, "document_hash"),
    "tour": ("tour_event", "tour_id", True, "document_hashes"),
}


def upgrade() -> None:
    for name in OLD_INDEXES:
        op.drop_index(name, table_name="audit_entry")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_hazard_code")
        batch_op.drop_constraint("uq_audit_hazard_seq", type_="unique")
        batch_op.alter_column("hazard_code", new_column_name="record_id", existing_type=sa.String(length=40), type_=sa.String(length=80),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("record_kind", S(length=20), nullable=False, server_default="hazard"))
        batch_op.add_column(sa.Column("chain_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_audit_record_seq", ["record_kind", "record_id", "seq"])
        batch_op.create_index("ix_audit_entry_record_id", ["record_id"], unique=False)
        batch_op.create_index("ix_audit_entry_record_kind", ["record_kind"], unique=False)
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, "audit_entry", columns)
    op.execute("UPDATE audit_entry SET record_kind = 'circular' WHERE record_id IN (SELECT id FROM circular)")
    op.execute("UPDATE audit_entry SET record_kind = 'report' WHERE record_id IN (SELECT id FROM periodic_report)")
    for kind in EVENT_TABLES:
        _move_in(kind)
    _key_by_record("notification", "uq_notification_target", ["seq", "target_kind", "target_code"])
    _key_by_record("document", None, [])


# the tables that hold each kind's ids (a row's owner is found by its id in them, never by the id's shape)
OWNER_TABLES = {"tour": "tour", "campaign": "campaign", "circular": "circular", "report": "periodic_report"}


def _key_by_record(table: str, unique: str | None, rest: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{table}_hazard_code")
        if unique:
            batch_op.drop_constraint(unique, type_="unique")
        batch_op.alter_column("hazard_code", new_column_name="record_id", existing_type=sa.String(length=40),
                              type_=sa.String(length=80), existing_nullable=False)
        batch_op.add_column(sa.Column("record_kind", S(length=20), nullable=False, server_default="hazard"))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(f"ix_{table}_record_id", ["record_id"], unique=False)
        if unique:
            batch_op.create_unique_constraint(unique, ["record_kind", "record_id", *rest])
    for kind, owner in OWNER_TABLES.items():
        op.execute(f"UPDATE {table} SET record_kind = '{kind}' WHERE record_id IN (SELECT id FROM {owner})")


def _key_by_hazard(table: str, unique: str | None, rest: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{table}_record_id")
        if unique:
            batch_op.drop_constraint(unique, type_="unique")
        batch_op.drop_column("record_kind")
        batch_op.alter_column("record_id", new_column_name="hazard_code", existing_type=sa.String(length=80),
                              type_=sa.String(length=40), existing_nullable=False)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(f"ix_{table}_hazard_code", ["hazard_code"], unique=False)
        if unique:
            batch_op.create_unique_constraint(unique, ["hazard_code", *rest])


AUDIT = sa.table(
    "audit_entry", sa.column("at", sa.DateTime(timezone=True)), *(sa.column(name) for name in (
        "record_kind", "record_id", "chain_version", "seq", "actor_id", "actor_name", "actor_role", "action",
        "from_status", "to_status", "comment", "transition_json", "document_hash", "policy", "reason", "prev_hash",
        "row_hash",
    ))
)


def _move_in(kind: str) -> None:
    """Seal each record's steps into a chain of its own, in step order, and drop the old table."""
    table, key, has_reason, documents = EVENT_TABLES[kind]
    bind = op.get_bind()
    names = ["seq", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status", "comment", key]
    names += ["reason"] if has_reason else []
    names += [documents] if documents else []
    events = sa.table(table, sa.column("at", sa.DateTime(timezone=True)), *(sa.column(name) for name in names))
    query = sa.select(events).order_by(events.c[key], events.c.seq)
    rows = bind.execute(query).mappings().all()
    previous: dict[str, str] = {}
    for row in rows:
        record_id = row[key]
        hashes = _hashes(row[documents]) if documents else []
        entry: dict[str, Any] = {
            "record_kind": kind, "record_id": record_id, "chain_version": 2, "seq": row["seq"], "at": row["at"],
            "actor_id": row["actor_id"], "actor_name": row["actor_name"], "actor_role": row["actor_role"],
            "action": row["action"], "from_status": row["from_status"], "to_status": row["to_status"],
            "comment": row["comment"], "reason": row["reason"] if has_reason else None,
            "document_hash": hashes[0] if hashes else None, "policy": None,
            "transition_json": json.dumps({"kind": kind, "action": row["action"], "document_hashes": hashes},
                                          sort_keys=True, ensure_ascii=False),
        }
        prev = previous.get(record_id, GENESIS)
        entry["prev_hash"] = prev
        entry["row_hash"] = row_hash(chain_fields(entry, prev))
        previous[record_id] = entry["row_hash"]
        bind.execute(AUDIT.insert().values(**entry))
    op.drop_table(table)


def _hashes(value: str | None) -> list[str]:
    return [h for h in (value or "").split() if h]


def downgrade() -> None:
    _key_by_hazard("notification", "uq_notification_target", ["seq", "target_kind", "target_code"])
    _key_by_hazard("document", None, [])
    bind = op.get_bind()
    _recreate_event_tables()
    for kind, (table, key, has_reason, documents) in EVENT_TABLES.items():
        query = sa.select(AUDIT).where(AUDIT.c.record_kind == kind).order_by(AUDIT.c.record_id, AUDIT.c.seq)
        for row in bind.execute(query).mappings().all():
            values = {name: row[name] for name in (
                "seq", "at", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status", "comment")}
            values[key] = row["record_id"]
            if has_reason:
                values["reason"] = row["reason"]
            if documents == "document_hashes":
                values[documents] = " ".join(json.loads(row["transition_json"]).get("document_hashes", []))
            elif documents:
                values[documents] = row["document_hash"]
            columns = (sa.column(n, sa.DateTime(timezone=True)) if n == "at" else sa.column(n) for n in values)
            bind.execute(sa.table(table, *columns).insert().values(**values))
    op.execute("DELETE FROM audit_entry WHERE record_kind IN ('interview', 'campaign', 'tour')")
    for name in NEW_INDEXES:
        op.drop_index(name, table_name="audit_entry")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_record_kind")
        batch_op.drop_index("ix_audit_entry_record_id")
        batch_op.drop_constraint("uq_audit_record_seq", type_="unique")
        batch_op.drop_column("chain_version")
        batch_op.drop_column("record_kind")
        batch_op.alter_column("record_id", new_column_name="hazard_code", existing_type=sa.String(length=80), type_=sa.String(length=40),
                              existing_nullable=False)
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_audit_hazard_seq", ["hazard_code", "seq"])
        batch_op.create_index("ix_audit_entry_hazard_code", ["hazard_code"], unique=False)
    op.create_index("ix_audit_hazard_status_at", "audit_entry", ["hazard_code", "to_status", "at"])
    op.create_index("ix_audit_hazard_action", "audit_entry", ["hazard_code", "action"])
    op.create_index("ix_audit_status_hazard_at", "audit_entry", ["to_status", "hazard_code", "at"])
    op.create_index("ix_audit_action_hazard", "audit_entry", ["action", "hazard_code"])


def _recreate_event_tables() -> None:
    def columns(key: str, length: int) -> list[sa.Column[Any]]:
        return [
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column(key, S(length=length), nullable=False, index=True),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor_id", S(length=36), nullable=False),
            sa.Column("actor_name", S(length=100), nullable=False),
            sa.Column("actor_role", S(length=30), nullable=False),
            sa.Column("action", S(length=40), nullable=False),
            sa.Column("from_status", S(length=20), nullable=True),
            sa.Column("to_status", S(length=20), nullable=False),
            sa.Column("comment", sa.Text(), nullable=True),
        ]

    op.create_table("interview_event", *columns("interview_id", 80),
                    sa.UniqueConstraint("interview_id", "seq", name="uq_interview_event_seq"))
    op.create_table("campaign_event", *columns("campaign_id", 40), sa.Column("document_hash", S(length=64), nullable=True),
                    sa.UniqueConstraint("campaign_id", "seq", name="uq_campaign_event_seq"))
    op.create_table("tour_event", *columns("tour_id", 40), sa.Column("reason", S(length=100), nullable=True),
                    sa.Column("document_hashes", S(length=2000), nullable=False, server_default=""),
                    sa.UniqueConstraint("tour_id", "seq", name="uq_tour_event_seq"))
