"""The no-answer action: after the ring time with nobody taking the call, a message (as before),
forwarding to one number, a polite goodbye, or a goodbye and a missed-call mail.

Existing owners keep voicemail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(
            sa.Column("no_answer_action", sa.String(), server_default=sa.text("'voicemail'"), nullable=False)
        )
        batch.add_column(sa.Column("no_answer_forward_to", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("no_answer_forward_to")
        batch.drop_column("no_answer_action")
