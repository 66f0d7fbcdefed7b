"""Queues and their members' presence.

A queue is a number whose calls ring every present member together; each member turns their
presence in each queue on or off. Existing accounts are in no queue.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "queues",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("ring_s", sa.Integer(), server_default=sa.text("30"), nullable=False),
        sa.Column("mailbox_owner_id", ID_TYPE, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["mailbox_owner_id"],
            ["users.id"],
            name=op.f("fk_queues_mailbox_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queues")),
        sa.UniqueConstraint("number", name=op.f("uq_queues_number")),
    )
    op.create_table(
        "queue_members",
        sa.Column("queue_id", ID_TYPE, nullable=False),
        sa.Column("user_id", ID_TYPE, nullable=False),
        sa.Column("present", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_queue_members_queue_id_queues"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_queue_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("queue_id", "user_id", name=op.f("pk_queue_members")),
    )
    op.create_index(op.f("ix_queue_members_user_id"), "queue_members", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_queue_members_user_id"), table_name="queue_members")
    op.drop_table("queue_members")
    op.drop_table("queues")
