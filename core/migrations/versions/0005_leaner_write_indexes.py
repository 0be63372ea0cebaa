"""leaner indexes on the tables every pick writes

Each index is one more page written per commit. Dropped: indexes nothing searches
(stock_moves.actor_id, the unique index on audit_log.hash, whose random keys dirty a page per
append), and indexes another one already covers as its prefix (document_lines.document_id,
reservations.order_line_id). reservations.status alone is only searched by `facet ledger
verify`. stock_moves.document_id and .document_line_id become one composite index, and
stock_moves.reverses_move_id is indexed only where it is set (reversals).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 18:10:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_REVERSAL = sa.text('reverses_move_id IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_stock_moves_actor_id', table_name='stock_moves')
    op.drop_index('ix_stock_moves_document_id', table_name='stock_moves')
    op.drop_index('ix_stock_moves_document_line_id', table_name='stock_moves')
    op.create_index('ix_stock_moves_document_line', 'stock_moves',
                    ['document_id', 'document_line_id'], unique=False)
    op.drop_index('ix_stock_moves_reverses_move_id', table_name='stock_moves')
    op.create_index('ix_stock_moves_reverses', 'stock_moves', ['reverses_move_id'],
                    unique=False, sqlite_where=_REVERSAL, postgresql_where=_REVERSAL)
    op.drop_index('ix_reservations_status', table_name='reservations')
    op.drop_index('ix_reservations_order_line_id', table_name='reservations')
    op.drop_index('ix_document_lines_document_id', table_name='document_lines')
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_constraint('uq_audit_log_hash', type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('audit_log') as batch:
        batch.create_unique_constraint('uq_audit_log_hash', ['hash'])
    op.create_index('ix_document_lines_document_id', 'document_lines', ['document_id'])
    op.create_index('ix_reservations_order_line_id', 'reservations', ['order_line_id'])
    op.create_index('ix_reservations_status', 'reservations', ['status'])
    op.drop_index('ix_stock_moves_reverses', table_name='stock_moves')
    op.create_index('ix_stock_moves_reverses_move_id', 'stock_moves', ['reverses_move_id'])
    op.drop_index('ix_stock_moves_document_line', table_name='stock_moves')
    op.create_index('ix_stock_moves_document_line_id', 'stock_moves', ['document_line_id'])
    op.create_index('ix_stock_moves_document_id', 'stock_moves', ['document_id'])
    op.create_index('ix_stock_moves_actor_id', 'stock_moves', ['actor_id'])
