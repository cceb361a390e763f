"""local days off of a unit's subtree (calendar_day.org_id); the day of the step that started a
deadline (case_deadline.event_on)

Revision ID: b1c2d3e4f5a6
Revises: a9b8c7d6e5f4
Create Date: 2026-12-01 12:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f5a6'
down_revision = 'a9b8c7d6e5f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_on', sa.Date(), nullable=True))

    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_calendar_day_day', type_='unique')
        batch_op.create_unique_constraint('uq_calendar_day_day_org', ['day', 'org_id'])
        batch_op.create_foreign_key('fk_calendar_day_org_id_organisation', 'organisation',
                                    ['org_id'], ['id'])
        batch_op.create_index('ix_calendar_day_org_id', ['org_id'], unique=False)
    # One national entry a day: NULL org_ids are distinct in the constraint above.
    op.create_index('uq_calendar_day_national', 'calendar_day', ['day'], unique=True,
                    postgresql_where=sa.text('org_id IS NULL'),
                    sqlite_where=sa.text('org_id IS NULL'))


def downgrade():
    op.drop_index('uq_calendar_day_national', table_name='calendar_day')
    op.execute("DELETE FROM calendar_day WHERE org_id IS NOT NULL")
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_day_org_id')
        batch_op.drop_constraint('fk_calendar_day_org_id_organisation', type_='foreignkey')
        batch_op.drop_constraint('uq_calendar_day_day_org', type_='unique')
        batch_op.create_unique_constraint('uq_calendar_day_day', ['day'])
        batch_op.drop_column('org_id')

    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_column('event_on')
