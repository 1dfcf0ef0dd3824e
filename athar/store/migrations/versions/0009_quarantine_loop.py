"""quarantine loop

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 14:10:00

Closing the quarantine loop: a quarantined row keeps the record id it was read with (when it had a
readable one), so that a corrected row arriving later for the same source and record id marks it
resolved (when, and by which import). Rows kept with bad field values blanked (`--bad-field blank`)
get a note against the stored record in `record_flags`, and each import counts them.
Quarantined rows from before this revision have no record id and stay open until resolved by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_quarantine_resolved_by_import_id_imports"), "imports", ["resolved_by_import_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_quarantine_source_record"), ["source_id", "record_id"])
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_kept_blank", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "record_flags",
        sa.Column("id", BigId, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_values", sa.JSON(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_record_flags_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_record_flags_import_id_imports")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_import_id"],
            ["imports.id"],
            name=op.f("fk_record_flags_resolved_by_import_id_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_flags")),
    )
    op.create_index(op.f("ix_record_flags_source_record"), "record_flags", ["source_id", "record_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_record_flags_source_record"), table_name="record_flags")
    op.drop_table("record_flags")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("rows_kept_blank")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_quarantine_source_record"))
        batch_op.drop_constraint(op.f("fk_quarantine_resolved_by_import_id_imports"), type_="foreignkey")
        batch_op.drop_column("resolved_by_import_id")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("record_id")
