"""Call waiting: while the owner talks through the assistant, other callers ring the owner's phones
(on) or leave a message at once (off).

Existing owners keep call waiting on, as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(sa.Column("call_waiting", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("call_waiting")
