"""The owner's greeting by text to speech: the words the Smart Number answers with, and the voice,
rate and pitch of the owner's greetings.

Existing owners keep the standard greeting in the standard voice (joe, rate 5, pitch 5).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(sa.Column("welcome_text", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("greeting_voice", sa.String(), server_default=sa.text("'joe'"), nullable=False)
        )
        batch.add_column(
            sa.Column("greeting_rate", sa.Integer(), server_default=sa.text("5"), nullable=False)
        )
        batch.add_column(
            sa.Column("greeting_pitch", sa.Integer(), server_default=sa.text("5"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        for column in ("greeting_pitch", "greeting_rate", "greeting_voice", "welcome_text"):
            batch.drop_column(column)
