"""Outbound rules of the owner: a monthly usage limit and passcodes on destinations.

Existing owners are unlimited and have no passcode and no passcode destinations.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(sa.Column("monthly_limit_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outbound_passcode_hash", sa.String(), nullable=True))
        batch.add_column(
            sa.Column("passcode_destinations", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("passcode_destinations")
        batch.drop_column("outbound_passcode_hash")
        batch.drop_column("monthly_limit_minutes")
