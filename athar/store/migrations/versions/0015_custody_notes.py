"""custody notes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:10:00

A chain-of-custody step recorded on the body page carries a note (the seal number, the state of the
bag, why it moved) beside who holds it, when and where. Nullable: earlier steps have none. The table
stays append-only (its triggers refuse UPDATE and DELETE; adding a column is neither).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("custody_events", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("custody_events", "note")
