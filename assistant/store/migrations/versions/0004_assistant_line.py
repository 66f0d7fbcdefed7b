"""The owner's assistant line: registered phones, PIN and lock time; contact labels; wrong-PIN counts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(
            sa.Column("registered_phones", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch.add_column(sa.Column("pin_hash", sa.String(), nullable=True))
        batch.add_column(
            sa.Column("pin_lock_minutes", sa.Integer(), server_default=sa.text("15"), nullable=False)
        )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("label", sa.String(), nullable=True))
    op.create_table(
        "line_attempts",
        sa.Column("owner_id", ID_TYPE, nullable=False),
        sa.Column("caller_number", sa.String(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", TS, nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_line_attempts_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", "caller_number", name=op.f("pk_line_attempts")),
    )


def downgrade() -> None:
    op.drop_table("line_attempts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("label")
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("pin_lock_minutes")
        batch.drop_column("pin_hash")
        batch.drop_column("registered_phones")
