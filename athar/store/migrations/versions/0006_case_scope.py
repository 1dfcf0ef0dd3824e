"""case events scoped by organisation; inquiry contacts sealed apart; family-search sources

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 13:30:00

* `case_events.organisation_id` (who recorded the event, and so owns its reasons, evidence and
  inquiry) and `case_events.shared` (that organisation's choice to show them to the others; false).
  Events recorded before are given their recorder's organisation where the recorder is a user.
* `inquiry_contacts`: a family's inquiry as given, sealed with `athar.protect`, one row per inquiry
  event, deleted on erasure (the event stays as the tombstone). Inquiries recorded before had their
  details in `case_events.detail` in the clear: they are sealed into the new table and the detail is
  cleared. That needs the data key (ATHAR_DATA_KEY, or the key file beside a SQLite store) only when
  such inquiries exist.
* `sources.family_search`: whether the public family search may answer from the list (false).

Case events are append-only by trigger: the triggers are lifted for the backfill and put back.
"""

import json

import sqlalchemy as sa
from alembic import op

from athar.store.append_only import allow_changes, forbid_changes

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): on SQLite a batch would recreate case_events and lose its triggers,
    # and SQLite takes a column's foreign key only inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE case_events ADD COLUMN organisation_id INTEGER REFERENCES organisations (id)")
    else:
        op.add_column("case_events", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_case_events_organisation_id_organisations"),
            "case_events",
            "organisations",
            ["organisation_id"],
            ["id"],
        )
    op.add_column("case_events", sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column(
        "sources", sa.Column("family_search", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "inquiry_contacts",
        sa.Column("case_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_event_id"], ["case_events.id"], name=op.f("fk_inquiry_contacts_case_event_id_case_events")
        ),
        sa.PrimaryKeyConstraint("case_event_id", name=op.f("pk_inquiry_contacts")),
    )
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    legacy = conn.execute(
        sa.text("SELECT id, detail FROM case_events WHERE kind = 'inquiry' AND detail IS NOT NULL")
    ).all()
    allow_changes(op, ("case_events",))
    conn.execute(
        sa.text(
            "UPDATE case_events SET organisation_id = "
            "(SELECT users.organisation_id FROM users WHERE users.name = case_events.user_name) "
            "WHERE organisation_id IS NULL"
        )
    )
    if legacy:
        from athar.cases.contacts import seal_inquiry, store_cipher

        cipher = store_cipher(conn.engine)
        for event_id, detail in legacy:
            values = detail if isinstance(detail, dict) else json.loads(detail)
            conn.execute(
                sa.text("INSERT INTO inquiry_contacts (case_event_id, sealed) VALUES (:id, :sealed)"),
                {"id": event_id, "sealed": seal_inquiry(cipher, event_id, values)},
            )
            conn.execute(sa.text("UPDATE case_events SET detail = NULL WHERE id = :id"), {"id": event_id})
    forbid_changes(op, ("case_events",))


def downgrade() -> None:
    op.drop_table("inquiry_contacts")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("family_search")
    allow_changes(op, ("case_events",))
    op.drop_column("case_events", "shared")
    op.drop_column("case_events", "organisation_id")
    forbid_changes(op, ("case_events",))
