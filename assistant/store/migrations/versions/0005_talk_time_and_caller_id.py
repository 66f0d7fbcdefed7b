"""Billable talk time and caller ID: the flow of each call; caller ID, Local ID and forwarding choices.

Existing rows are brought under the new rules (decision 0008): the owner's calls to the assistant
line are marked as such, inbound conversations the owner never took (no accepted leg) are missed,
not inbound, and a default caller ID that is not one of the owner's numbers is cleared (the Smart
Number is shown instead).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("flow", sa.String(), nullable=True))
    with op.batch_alter_table("owner_settings") as batch:
        batch.add_column(
            sa.Column("local_numbers", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch.add_column(sa.Column("local_id", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("show_caller_id", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(
            sa.Column("forward_caller_id", sa.String(), server_default=sa.text("'caller'"), nullable=False)
        )
    op.execute(
        "UPDATE calls SET flow = 'line'"
        " WHERE parent_id IS NULL AND direction = 'inbound'"
        " AND called_line IN (SELECT number FROM owner_lines WHERE role = 'assistant')"
    )
    op.execute(
        "UPDATE calls SET kind = 'missed'"
        " WHERE parent_id IS NULL AND direction = 'inbound' AND kind = 'inbound'"
        " AND (flow IS NULL OR flow <> 'line')"
        " AND NOT EXISTS (SELECT 1 FROM calls AS leg WHERE leg.parent_id = calls.id"
        " AND leg.answered_at IS NOT NULL)"
    )

    _clear_caller_ids_not_owned()


def _clear_caller_ids_not_owned() -> None:
    settings = sa.table(
        "owner_settings",
        sa.column("user_id", sa.Integer()),
        sa.column("smart_number", sa.String()),
        sa.column("mobile", sa.String()),
        sa.column("extra_lines", sa.JSON()),
        sa.column("registered_phones", sa.JSON()),
        sa.column("default_caller_id", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(settings).where(settings.c.default_caller_id.is_not(None))).all()
    for row in rows:
        owned = {row.smart_number, row.mobile, *(row.extra_lines or ()), *(row.registered_phones or ())}
        if row.default_caller_id not in owned:
            bind.execute(
                settings.update().where(settings.c.user_id == row.user_id).values(default_caller_id=None)
            )


def downgrade() -> None:
    with op.batch_alter_table("owner_settings") as batch:
        batch.drop_column("forward_caller_id")
        batch.drop_column("show_caller_id")
        batch.drop_column("local_id")
        batch.drop_column("local_numbers")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("flow")
