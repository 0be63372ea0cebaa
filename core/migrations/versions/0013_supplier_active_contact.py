"""suppliers.active and suppliers.contact: a supplier can be retired and has a contact line

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suppliers") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("contact", sa.String(length=128), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("suppliers") as batch:
        batch.drop_column("contact")
        batch.drop_column("active")
