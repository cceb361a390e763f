"""summary tables for the dashboard and the periodic report

A case's state at a moment is read from an index of its transitions (partial and covering on
PostgreSQL), and the figures of units with units below them are kept as snapshots.

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2026-11-30 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'b2c3d4e5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_event_state_at", "case_event", ["case_id", "created_at", "id"],
                    postgresql_where=sa.text("to_state IS NOT NULL"),
                    postgresql_include=["to_state"])
    op.create_table(
        "stats_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_final", sa.Boolean(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"],
                                name="fk_stats_snapshot_org_id_organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_stats_snapshot"),
        sa.UniqueConstraint("org_id", "period_start", "period_end",
                            name="uq_stats_snapshot_org_id"),
    )


def downgrade():
    op.drop_table("stats_snapshot")
    op.drop_index("ix_case_event_state_at", table_name="case_event")
