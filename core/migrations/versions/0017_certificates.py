"""certificates and hallmarks: the register of lab certificates and hallmarks per piece or lot

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 04:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_ONE_TARGET = "(serial_id IS NULL) <> (lot_id IS NULL)"


def _targets(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("serial_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["serial_id"], ["serials.id"], name=op.f(f"fk_{table}_serial_id_serials")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f(f"fk_{table}_lot_id_lots")),
        sa.CheckConstraint(_ONE_TARGET, name=op.f(f"ck_{table}_one_target")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.Column("carat", sa.Double(), nullable=True),
        sa.Column("colour", sa.String(length=32), nullable=True),
        sa.Column("clarity", sa.String(length=8), nullable=True),
        sa.Column("cut", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=256), server_default="", nullable=False),
        *_targets("certificates"),
        sa.UniqueConstraint("lab", "number", name=op.f("uq_certificates_lab_number")),
    )
    op.create_index(op.f("ix_certificates_number"), "certificates", ["number"])
    op.create_index(op.f("ix_certificates_batch"), "certificates", ["batch"])
    op.create_index(op.f("ix_certificates_serial_id"), "certificates", ["serial_id"])
    op.create_index(op.f("ix_certificates_lot_id"), "certificates", ["lot_id"])
    op.create_table(
        "hallmarks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=16), nullable=False),
        sa.Column("fineness", sa.Integer(), nullable=False),
        sa.Column("sponsor", sa.String(length=16), nullable=False),
        sa.Column("date_letter", sa.String(length=4), nullable=False),
        *_targets("hallmarks"),
    )
    op.create_index(op.f("ix_hallmarks_mark"), "hallmarks", ["mark"])
    op.create_index("ix_hallmarks_serial", "hallmarks", ["serial_id"], unique=True)
    op.create_index("ix_hallmarks_lot", "hallmarks", ["lot_id"], unique=True)


def downgrade() -> None:
    op.drop_table("hallmarks")
    op.drop_table("certificates")
