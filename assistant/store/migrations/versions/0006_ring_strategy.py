"""Ring strategy: the owner's devices rung all together or one after another by priority, each for
its own seconds.

Existing owners keep today's behaviour: every device together for the ring timeout, no device with
seconds of its own.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(
            sa.Column("ring_strategy", sa.String(), server_default=sa.text("'together'"), nullable=False)
        )
        batch.add_column(sa.Column("ring_seconds", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("ring_seconds")
        batch.drop_column("ring_strategy")
