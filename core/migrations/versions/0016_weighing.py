"""weighing: serials.gross_weight_g/net_weight_g, weighings, weight_holds, weight_tolerances

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 04:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("serials") as batch:
        batch.add_column(sa.Column("gross_weight_g", sa.Double(), nullable=True))
        batch.add_column(sa.Column("net_weight_g", sa.Double(), nullable=True))
    op.create_table(
        "weight_tolerances",
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("tolerance_g", sa.Double(), nullable=False),
        _at("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_weight_tolerances")),
    )
    op.create_table(
        "weighings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("measured_g", sa.Double(), nullable=False),
        sa.Column("expected_g", sa.Double(), nullable=True),
        sa.Column("tolerance_g", sa.Double(), nullable=False),
        sa.Column("within", sa.Boolean(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        _at("at", nullable=False),
        _fk("weighings", "serial_id", "serials"),
        _fk("weighings", "location_id", "locations"),
        _fk("weighings", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weighings")),
    )
    op.create_index(op.f("ix_weighings_serial_id"), "weighings", ["serial_id"])
    op.create_index(op.f("ix_weighings_at"), "weighings", ["at"])
    op.create_table(
        "weight_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=False),
        sa.Column("weighing_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        _at("held_at", nullable=False),
        sa.Column("held_by", sa.String(length=64), nullable=False),
        _at("released_at"),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.Column("release_reason", sa.String(length=512), nullable=True),
        _fk("weight_holds", "serial_id", "serials"),
        _fk("weight_holds", "weighing_id", "weighings"),
        _fk("weight_holds", "released_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weight_holds")),
    )
    op.create_index(op.f("ix_weight_holds_serial_id"), "weight_holds", ["serial_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_weight_holds_serial_id"), table_name="weight_holds")
    op.drop_table("weight_holds")
    op.drop_index(op.f("ix_weighings_at"), table_name="weighings")
    op.drop_index(op.f("ix_weighings_serial_id"), table_name="weighings")
    op.drop_table("weighings")
    op.drop_table("weight_tolerances")
    with op.batch_alter_table("serials") as batch:
        batch.drop_column("net_weight_g")
        batch.drop_column("gross_weight_g")
