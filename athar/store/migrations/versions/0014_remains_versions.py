"""remains versions

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-05 20:25:00

A corrected post-mortem row (a case id imported again with other values) makes a new version of the
case instead of being quarantined: `remains_cases.version` counts them, and each superseded version is
kept, as read and as stored, in the append-only `remains_case_versions`. The case keeps its id, so its
identification steps, DNA reports and custody stay with it.
"""

import sqlalchemy as sa
from alembic import op

from athar.store.append_only import allow_changes, forbid_changes

revision = "0014"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("remains_case_versions",)


def upgrade() -> None:
    with op.batch_alter_table("remains_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "remains_case_versions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("remains_case_id", BigId, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("stored", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("superseded_by_import_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["remains_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_remains_case_versions_remains_case_id_remains_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_remains_case_versions_import_id_imports")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_import_id"],
            ["imports.id"],
            name=op.f("fk_remains_case_versions_superseded_by_import_id_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remains_case_versions")),
        sa.UniqueConstraint("remains_case_id", "version", name="uq_remains_case_versions_case_version"),
    )
    forbid_changes(op, APPEND_ONLY)


def downgrade() -> None:
    allow_changes(op, APPEND_ONLY)
    op.drop_table("remains_case_versions")
    with op.batch_alter_table("remains_cases", schema=None) as batch_op:
        batch_op.drop_column("version")
