"""curations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 13:40:00

Merges and splits of persons made in the web application: each is carried out as judgements on
record pairs (which `athar link` honours) and recorded here, append-only, so that it can be shown,
audited and undone.
"""

import sqlalchemy as sa
from alembic import op

from athar.store.append_only import allow_changes, forbid_changes

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "curations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("other_person_id", sa.String(length=40), nullable=True),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("undoes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["undoes"], ["curations.id"], name=op.f("fk_curations_undoes_curations")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_curations_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curations")),
    )
    op.create_index(op.f("ix_curations_person_id"), "curations", ["person_id"])
    op.create_index(op.f("ix_curations_other_person_id"), "curations", ["other_person_id"])
    forbid_changes(op, ("curations",))


def downgrade() -> None:
    allow_changes(op, ("curations",))
    op.drop_index(op.f("ix_curations_other_person_id"), table_name="curations")
    op.drop_index(op.f("ix_curations_person_id"), table_name="curations")
    op.drop_table("curations")
