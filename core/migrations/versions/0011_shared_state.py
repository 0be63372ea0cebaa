"""shared_state: JSON values every process sees (chat follow-ups, picker positions);
idempotency_keys.created_at indexed for the retention job

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_state",
        sa.Column("namespace", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("namespace", "key", name=op.f("pk_shared_state")),
    )
    op.create_index(
        op.f("ix_shared_state_expires_at"), "shared_state", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_index(op.f("ix_shared_state_expires_at"), table_name="shared_state")
    op.drop_table("shared_state")
