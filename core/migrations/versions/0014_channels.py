"""channels, channel_skus, channel_messages, channel_stock; sales_orders.paid_at and refund_ref

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("safety_buffer", sa.Integer(), nullable=False),
        sa.Column("share_pct", sa.Integer(), nullable=False),
        sa.Column("poll_cursor", sa.String(length=256), nullable=True),
        _at("last_message_at"), _at("last_push_at"),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        _at("last_error_at"), _at("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("code", name=op.f("uq_channels_code")),
    )
    op.create_table(
        "channel_skus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("external_sku", sa.String(length=64), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("buffer", sa.Integer(), nullable=True),
        _at("created_at", nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_channel_skus_channel_id_channels")),
        sa.ForeignKeyConstraint(["sku_id"], ["skus.id"], name=op.f("fk_channel_skus_sku_id_skus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_skus")),
        sa.UniqueConstraint("channel_id", "external_sku",
                            name=op.f("uq_channel_skus_channel_id_external_sku")),
        sa.UniqueConstraint("channel_id", "sku_id", name=op.f("uq_channel_skus_channel_id_sku_id")),
    )
    op.create_index(op.f("ix_channel_skus_sku_id"), "channel_skus", ["sku_id"])
    op.create_table(
        "channel_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("external_order_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        _at("occurred_at"), _at("received_at", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.Column("error_code", sa.String(length=48), nullable=True),
        _at("processed_at"),
        sa.Column("outcome", sa.String(length=48), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_channel_messages_channel_id_channels")),
        sa.ForeignKeyConstraint(["order_id"], ["sales_orders.id"],
                                name=op.f("fk_channel_messages_order_id_sales_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_messages")),
        sa.UniqueConstraint("channel_id", "message_key",
                            name=op.f("uq_channel_messages_channel_id_message_key")),
    )
    op.create_index("ix_channel_messages_status_next", "channel_messages",
                    ["status", "next_attempt_at"])
    op.create_index("ix_channel_messages_order", "channel_messages",
                    ["channel_id", "external_order_id"])
    op.create_index(op.f("ix_channel_messages_order_id"), "channel_messages", ["order_id"])
    op.create_table(
        "channel_stock",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("pushed_quantity", sa.Integer(), nullable=True),
        _at("pushed_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_channel_stock_channel_id_channels")),
        sa.ForeignKeyConstraint(["sku_id"], ["skus.id"], name=op.f("fk_channel_stock_sku_id_skus")),
        sa.PrimaryKeyConstraint("channel_id", "sku_id", name=op.f("pk_channel_stock")),
    )
    with op.batch_alter_table("sales_orders") as batch:
        batch.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("refund_ref", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales_orders") as batch:
        batch.drop_column("refund_ref")
        batch.drop_column("paid_at")
    op.drop_table("channel_stock")
    op.drop_index(op.f("ix_channel_messages_order_id"), table_name="channel_messages")
    op.drop_index("ix_channel_messages_order", table_name="channel_messages")
    op.drop_index("ix_channel_messages_status_next", table_name="channel_messages")
    op.drop_table("channel_messages")
    op.drop_index(op.f("ix_channel_skus_sku_id"), table_name="channel_skus")
    op.drop_table("channel_skus")
    op.drop_table("channels")
