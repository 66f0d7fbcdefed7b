"""The portal's own settings on each user: a picture, when the call log was last looked at (missed
calls after that are new), and browser notifications of calls (off until the owner turns them on).

Existing users have no picture and have never looked at the call log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_COLUMNS = ("avatar", "avatar_type", "calls_seen_at", "call_notifications")


def upgrade() -> None:
    op.add_column("users", sa.Column("avatar", sa.LargeBinary(), nullable=True))
    op.add_column("users", sa.Column("avatar_type", sa.String(), nullable=True))
    op.add_column("users", sa.Column("calls_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users", sa.Column("call_notifications", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    # Not batch mode: on SQLite that copies and drops the users table, and the drop would delete every
    # row that refers to a user (settings, contacts, ...) by cascade. SQLite 3.35+ drops a column itself.
    for column in reversed(NEW_COLUMNS):
        op.execute(sa.text(f"ALTER TABLE users DROP COLUMN {column}"))
