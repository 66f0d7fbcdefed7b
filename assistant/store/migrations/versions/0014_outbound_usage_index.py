"""An index for the monthly limit's sum: the owner's outbound calls by the time they were answered.

The sum of this month's outbound talk (``assistant.store.usage``) is read before every call out and
on the settings page; without this index it walked every call of the owner (docs/PERFORMANCE.md).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_calls_owner_direction_answered", "calls", ["owner_id", "direction", "answered_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_calls_owner_direction_answered", table_name="calls")
