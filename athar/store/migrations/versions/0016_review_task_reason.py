"""why a review task waits

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:40:00

A pair waits for a reviewer because the model is unsure of it, because it is sure but the pair may
be brother and sister, or because one of its records fits another record of the other's list
better (`athar.linkage.rivals`). The last two both wait above the review band, so the reason can
no longer be read from the probability: it is written with the task. Nullable: earlier runs' tasks
have none and are read as before (above the band: siblings; else unsure).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_tasks", sa.Column("reason", sa.String(20), nullable=True))


def downgrade() -> None:
    op.drop_column("review_tasks", "reason")
