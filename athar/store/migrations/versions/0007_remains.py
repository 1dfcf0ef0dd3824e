"""remains and identification

Revision ID: 0007
Revises: 0006

Sites, remains cases (post-mortem records, with part-of for commingled remains and its append-only
history), ante-mortem columns on records, families' reference DNA donors, laboratories' DNA reports,
identification steps and chain of custody (docs/remains.md). History tables refuse UPDATE and DELETE
by trigger, as the other history tables do.
"""

import sqlalchemy as sa
from alembic import op

from athar.store.append_only import allow_changes, forbid_changes

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("remains_case_events", "dna_reports", "identification_steps", "custody_events")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column:
    return sa.Column("id", BIG_ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("height_cm", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dental", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("marks", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("clothing", sa.Text(), nullable=True))

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("governorate", sa.String(length=100), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("used_from", sa.Integer(), nullable=True),
        sa.Column("used_to", sa.Integer(), nullable=True),
        sa.Column("discovered_on", sa.String(length=10), nullable=True),
        sa.Column("excavation_status", sa.String(length=30), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_sites_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name=op.f("fk_sites_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )
    op.create_table(
        "remains_cases",
        _id(),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("recovery_date", sa.String(length=10), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("stature_min_cm", sa.Integer(), nullable=True),
        sa.Column("stature_max_cm", sa.Integer(), nullable=True),
        sa.Column("dental", sa.Text(), nullable=True),
        sa.Column("skeletal_marks", sa.Text(), nullable=True),
        sa.Column("clothing", sa.Text(), nullable=True),
        sa.Column("effects", sa.Text(), nullable=True),
        sa.Column("dna_sample_id", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("part_of_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_remains_cases_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_remains_cases_import_id_imports")
        ),
        sa.ForeignKeyConstraint(
            ["part_of_id"], ["remains_cases.id"], name=op.f("fk_remains_cases_part_of_id_remains_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remains_cases")),
        sa.UniqueConstraint("case_id", name=op.f("uq_remains_cases_case_id")),
    )
    op.create_index(op.f("ix_remains_cases_site_id"), "remains_cases", ["site_id"])
    op.create_index(op.f("ix_remains_cases_dna_sample_id"), "remains_cases", ["dna_sample_id"])

    op.create_table(
        "remains_case_events",
        _id(),
        sa.Column("remains_case_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("other_case_id", BIG_ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["remains_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_remains_case_events_remains_case_id_remains_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_remains_case_events_other_case_id_remains_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remains_case_events")),
    )
    op.create_index(
        op.f("ix_remains_case_events_remains_case_id"), "remains_case_events", ["remains_case_id"]
    )

    op.create_table(
        "reference_donors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=40), nullable=False),
        sa.Column("laboratory", sa.String(length=200), nullable=True),
        sa.Column("collected_on", sa.String(length=10), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_reference_donors_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_donors")),
        sa.UniqueConstraint("sample_id", name=op.f("uq_reference_donors_sample_id")),
    )

    op.create_table(
        "dna_reports",
        _id(),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("remains_case_id", BIG_ID, nullable=False),
        sa.Column("dna_sample_id", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=40), nullable=True),
        sa.Column("likelihood_ratio", sa.Float(), nullable=True),
        sa.Column("posterior", sa.Float(), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=True),
        sa.Column("report_date", sa.String(length=10), nullable=True),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_dna_reports_import_id_imports")),
        sa.ForeignKeyConstraint(
            ["remains_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_dna_reports_remains_case_id_remains_cases"),
        ),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name=op.f("fk_dna_reports_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dna_reports")),
    )
    op.create_index(op.f("ix_dna_reports_remains_case_id"), "dna_reports", ["remains_case_id"])
    op.create_index(op.f("ix_dna_reports_content_hash"), "dna_reports", ["content_hash"])

    op.create_table(
        "identification_steps",
        _id(),
        sa.Column("remains_case_id", BIG_ID, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=True),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["remains_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_identification_steps_remains_case_id_remains_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_identification_steps_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_steps")),
    )
    op.create_index(
        "ix_identification_steps_pair", "identification_steps", ["remains_case_id", "source_id", "record_id"]
    )

    op.create_table(
        "custody_events",
        _id(),
        sa.Column("remains_case_id", BIG_ID, nullable=True),
        sa.Column("sample_id", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["remains_case_id"],
            ["remains_cases.id"],
            name=op.f("fk_custody_events_remains_case_id_remains_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_events")),
    )
    op.create_index(op.f("ix_custody_events_remains_case_id"), "custody_events", ["remains_case_id"])
    op.create_index(op.f("ix_custody_events_sample_id"), "custody_events", ["sample_id"])

    forbid_changes(op, APPEND_ONLY)


def downgrade() -> None:
    allow_changes(op, APPEND_ONLY)
    for table in (
        "custody_events",
        "identification_steps",
        "dna_reports",
        "reference_donors",
        "remains_case_events",
        "remains_cases",
        "sites",
    ):
        op.drop_table(table)
    with op.batch_alter_table("records", schema=None) as batch_op:
        for column in ("clothing", "marks", "dental", "height_cm"):
            batch_op.drop_column(column)
