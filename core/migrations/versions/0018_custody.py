"""custody: partners with their custody locations, memo/consignment/repair documents, pieces

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "custody_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at", nullable=False),
        _fk("custody_partners", "supplier_id", "suppliers"),
        _fk("custody_partners", "location_id", "locations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_partners")),
        sa.UniqueConstraint("code", name=op.f("uq_custody_partners_code")),
    )
    op.create_table(
        "custody_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("terms", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("alerted_on", sa.Date(), nullable=True),
        _at("created_at", nullable=False),
        _fk("custody_docs", "document_id", "documents"),
        _fk("custody_docs", "partner_id", "custody_partners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_docs")),
        sa.UniqueConstraint("document_id", name=op.f("uq_custody_docs_document_id")),
    )
    op.create_index(op.f("ix_custody_docs_partner_id"), "custody_docs", ["partner_id"])
    op.create_index(op.f("ix_custody_docs_due_on"), "custody_docs", ["due_on"])
    op.create_index(op.f("ix_custody_docs_status"), "custody_docs", ["status"])
    op.create_table(
        "custody_pieces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("custody_doc_id", sa.Integer(), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("settled_document_id", sa.Integer(), nullable=True),
        _at("settled_at"),
        _fk("custody_pieces", "custody_doc_id", "custody_docs"),
        _fk("custody_pieces", "serial_id", "serials"),
        _fk("custody_pieces", "sku_id", "skus"),
        _fk("custody_pieces", "lot_id", "lots"),
        _fk("custody_pieces", "bin_id", "locations"),
        _fk("custody_pieces", "settled_document_id", "documents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_pieces")),
    )
    op.create_index(
        op.f("ix_custody_pieces_custody_doc_id"), "custody_pieces", ["custody_doc_id"]
    )
    op.create_index(op.f("ix_custody_pieces_serial_id"), "custody_pieces", ["serial_id"])
    op.create_index(op.f("ix_custody_pieces_state"), "custody_pieces", ["state"])


def downgrade() -> None:
    for name in ("state", "serial_id", "custody_doc_id"):
        op.drop_index(op.f(f"ix_custody_pieces_{name}"), table_name="custody_pieces")
    op.drop_table("custody_pieces")
    for name in ("status", "due_on", "partner_id"):
        op.drop_index(op.f(f"ix_custody_docs_{name}"), table_name="custody_docs")
    op.drop_table("custody_docs")
    op.drop_table("custody_partners")
