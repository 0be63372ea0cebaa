"""pick exceptions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:20:42.256644
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pick_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pick_line_id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('given', sa.String(length=128), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('request_key', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_pick_exceptions_location_id_locations')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_pick_exceptions_lot_id_lots')),
    sa.ForeignKeyConstraint(['pick_line_id'], ['document_lines.id'], name=op.f('fk_pick_exceptions_pick_line_id_document_lines')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['documents.id'], name=op.f('fk_pick_exceptions_pick_list_id_documents')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_pick_exceptions_sku_id_skus')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pick_exceptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_exceptions')),
    sa.UniqueConstraint('user_id', 'request_key', name=op.f('uq_pick_exceptions_user_id_request_key'))
    )
    with op.batch_alter_table('pick_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_exceptions_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_exceptions_pick_line_id'), ['pick_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_exceptions_pick_list_id'), ['pick_list_id'], unique=False)
        batch_op.create_index('ix_pick_exceptions_user_at', ['user_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pick_exceptions', schema=None) as batch_op:
        batch_op.drop_index('ix_pick_exceptions_user_at')
        batch_op.drop_index(batch_op.f('ix_pick_exceptions_pick_list_id'))
        batch_op.drop_index(batch_op.f('ix_pick_exceptions_pick_line_id'))
        batch_op.drop_index(batch_op.f('ix_pick_exceptions_at'))

    op.drop_table('pick_exceptions')
