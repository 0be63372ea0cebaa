"""voice profiles: each operator's stored voice enrolment, one per speech engine

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The unique constraint leads with user_id, so it is also the index on user_id.
    op.create_table('voice_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('engine', sa.String(length=32), nullable=False),
    sa.Column('sample_rate', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('utterances', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_voice_profiles_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voice_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_profiles')),
    sa.UniqueConstraint('user_id', 'engine', name=op.f('uq_voice_profiles_user_id_engine'))
    )


def downgrade() -> None:
    op.drop_table('voice_profiles')
