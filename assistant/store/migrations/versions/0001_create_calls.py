"""Create the calls table.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("channel_id", sa.String(), nullable=False),
        sa.Column("parent_id", ID_TYPE, nullable=True),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("caller_number", sa.String(), nullable=False),
        sa.Column("caller_name", sa.String(), nullable=True),
        sa.Column("called_line", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("talk_s", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("hangup_cause", sa.String(), nullable=True),
        sa.Column("events", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["calls.id"], name=op.f("fk_calls_parent_id_calls"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_index(op.f("ix_calls_channel_id"), "calls", ["channel_id"], unique=True)
    op.create_index(op.f("ix_calls_parent_id"), "calls", ["parent_id"], unique=False)
    op.create_index("ix_calls_started_at_id", "calls", ["started_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_calls_started_at_id", table_name="calls")
    op.drop_index(op.f("ix_calls_parent_id"), table_name="calls")
    op.drop_index(op.f("ix_calls_channel_id"), table_name="calls")
    op.drop_table("calls")
