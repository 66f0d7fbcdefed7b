"""Extension virtualization: extensions with a secret code, where each is now (its base), and the
log of virtualization events.

Existing extensions have no secret code: none can be virtualized until its owner sets one.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "virtual_extensions",
        sa.Column("extension", sa.String(), nullable=False),
        sa.Column("owner_id", ID_TYPE, nullable=False),
        sa.Column("code_hash", sa.String(), nullable=False),
        sa.Column("base", sa.String(), nullable=True),
        sa.Column("since", TS, nullable=True),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_failure_at", TS, nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_virtual_extensions_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("extension", name=op.f("pk_virtual_extensions")),
        sa.UniqueConstraint("base", name=op.f("uq_virtual_extensions_base")),
    )
    op.create_index(op.f("ix_virtual_extensions_owner_id"), "virtual_extensions", ["owner_id"])
    op.create_table(
        "virtualization_events",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("extension", sa.String(), nullable=False),
        sa.Column("base", sa.String(), nullable=True),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_virtualization_events")),
    )
    op.create_index(op.f("ix_virtualization_events_extension"), "virtualization_events", ["extension"])
    op.create_index(op.f("ix_virtualization_events_at"), "virtualization_events", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_virtualization_events_at"), table_name="virtualization_events")
    op.drop_index(op.f("ix_virtualization_events_extension"), table_name="virtualization_events")
    op.drop_table("virtualization_events")
    op.drop_index(op.f("ix_virtual_extensions_owner_id"), table_name="virtual_extensions")
    op.drop_table("virtual_extensions")
