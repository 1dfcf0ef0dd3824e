"""source kind

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

What kind of list each source is (family_report, detention_register, hospital_or_morgue,
returnee_registration, other). Sources that existed before get "other" from the column's default;
`athar import --kind`, a mapping file's [options] kind or an admin can set the right one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=40), server_default="other", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("kind")
