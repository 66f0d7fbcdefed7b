"""Accounts, owner settings and lines, contacts, voicemails, sessions and tokens; owner and kind on calls.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "owner_settings",
        sa.Column("user_id", ID_TYPE, nullable=False),
        sa.Column("smart_number", sa.String(), nullable=True),
        sa.Column("assistant_line", sa.String(), nullable=True),
        sa.Column("extra_lines", sa.JSON(), nullable=False),
        sa.Column("owner_name", sa.String(), nullable=False),
        sa.Column("mobile", sa.String(), nullable=True),
        sa.Column("extensions", sa.JSON(), nullable=False),
        sa.Column("screening", sa.Boolean(), nullable=False),
        sa.Column("vip_numbers", sa.JSON(), nullable=False),
        sa.Column("blocked_numbers", sa.JSON(), nullable=False),
        sa.Column("do_not_disturb", sa.Boolean(), nullable=False),
        sa.Column("ring_timeout_s", sa.Integer(), nullable=False),
        sa.Column("greeting_text", sa.Text(), nullable=True),
        sa.Column("notification_emails", sa.JSON(), nullable=False),
        sa.Column("importance_words", sa.JSON(), nullable=False),
        sa.Column("billing_increment_h", sa.String(), nullable=False),
        sa.Column("billing_rounding", sa.String(), nullable=False),
        sa.Column("billing_minimum_units", sa.Integer(), nullable=False),
        sa.Column("default_rate_cents", sa.BigInteger(), nullable=True),
        sa.Column("default_activity_code", sa.String(), nullable=False),
        sa.Column("timekeeper_id", sa.String(), nullable=False),
        sa.Column("time_zone", sa.String(), nullable=False),
        sa.Column("default_country", sa.String(), nullable=False),
        sa.Column("default_caller_id", sa.String(), nullable=True),
        sa.Column("voicemail_max_s", sa.Integer(), nullable=False),
        sa.Column("voicemail_min_s", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_owner_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_owner_settings")),
        sa.UniqueConstraint("smart_number", name=op.f("uq_owner_settings_smart_number")),
    )
    op.create_table(
        "owner_lines",
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("owner_id", ID_TYPE, nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_owner_lines_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_owner_lines")),
    )
    op.create_index(op.f("ix_owner_lines_owner_id"), "owner_lines", ["owner_id"], unique=False)
    op.create_table(
        "contacts",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("owner_id", ID_TYPE, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("nickname", sa.String(), nullable=True),
        sa.Column("client_code", sa.String(), nullable=True),
        sa.Column("matter_code", sa.String(), nullable=True),
        sa.Column("activity_code", sa.String(), nullable=True),
        sa.Column("rate_cents", sa.BigInteger(), nullable=True),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("avatar", sa.LargeBinary(), nullable=True),
        sa.Column("avatar_type", sa.String(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contacts_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("owner_id", "phone", name="uq_contacts_owner_id_phone"),
    )
    op.create_index("ix_contacts_owner_name", "contacts", ["owner_id", "name"], unique=False)
    op.create_table(
        "voicemails",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("owner_id", ID_TYPE, nullable=True),
        sa.Column("call_id", ID_TYPE, nullable=True),
        sa.Column("audio_path", sa.String(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("caller_number", sa.String(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS, nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_voicemails_call_id_calls"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_voicemails_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voicemails")),
    )
    op.create_index(op.f("ix_voicemails_call_id"), "voicemails", ["call_id"], unique=False)
    op.create_index(
        "ix_voicemails_owner_created", "voicemails", ["owner_id", "created_at", "id"], unique=False
    )
    for table in ("auth_sessions", "api_tokens"):
        extra = (
            [sa.Column("csrf_token", sa.String(), nullable=False)]
            if table == "auth_sessions"
            else [sa.Column("name", sa.String(), nullable=False)]
        )
        op.create_table(
            table,
            sa.Column("id", ID_TYPE, nullable=False),
            sa.Column("digest", sa.String(), nullable=False),
            sa.Column("user_id", ID_TYPE, nullable=False),
            *extra,
            sa.Column("created_at", TS, nullable=False),
            sa.Column("expires_at", TS, nullable=table == "api_tokens"),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("digest", name=op.f(f"uq_{table}_digest")),
        )
        op.create_index(op.f(f"ix_{table}_user_id"), table, ["user_id"], unique=False)
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", TS, nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("owner_id", ID_TYPE, nullable=True))
        batch.add_column(sa.Column("kind", sa.String(), nullable=True))
        batch.add_column(sa.Column("party_number", sa.String(), nullable=True))
        batch.add_column(sa.Column("screening_decision", sa.String(), nullable=True))
        batch.add_column(sa.Column("screening_reason", sa.String(), nullable=True))
        batch.add_column(sa.Column("transcript", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_calls_owner_id_users"), "users", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch.drop_index("ix_calls_parent_id")
        batch.create_index(
            "ix_calls_parent_id",
            ["parent_id"],
            unique=False,
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        )
        batch.create_index("ix_calls_owner_started", ["owner_id", "started_at", "id"], unique=False)
        batch.create_index(
            "ix_calls_owner_kind_started", ["owner_id", "kind", "started_at", "id"], unique=False
        )
        batch.create_index(
            "ix_calls_owner_party_started", ["owner_id", "party_number", "started_at", "id"], unique=False
        )
    op.execute(
        "UPDATE calls SET"
        " kind = CASE WHEN direction = 'outbound' THEN 'outbound'"
        " WHEN answered_at IS NOT NULL THEN 'inbound' ELSE 'missed' END,"
        " party_number = CASE WHEN direction = 'outbound' THEN called_line ELSE caller_number END"
    )


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_index("ix_calls_owner_party_started")
        batch.drop_index("ix_calls_owner_kind_started")
        batch.drop_index("ix_calls_owner_started")
        batch.drop_index("ix_calls_parent_id")
        batch.create_index("ix_calls_parent_id", ["parent_id"], unique=False)
        batch.drop_constraint(op.f("fk_calls_owner_id_users"), type_="foreignkey")
        for column in (
            "transcript",
            "screening_reason",
            "screening_decision",
            "party_number",
            "kind",
            "owner_id",
        ):
            batch.drop_column(column)
    op.drop_table("login_attempts")
    for table in ("api_tokens", "auth_sessions"):
        op.drop_index(op.f(f"ix_{table}_user_id"), table_name=table)
        op.drop_table(table)
    op.drop_index("ix_voicemails_owner_created", table_name="voicemails")
    op.drop_index(op.f("ix_voicemails_call_id"), table_name="voicemails")
    op.drop_table("voicemails")
    op.drop_index("ix_contacts_owner_name", table_name="contacts")
    op.drop_table("contacts")
    op.drop_index(op.f("ix_owner_lines_owner_id"), table_name="owner_lines")
    op.drop_table("owner_lines")
    op.drop_table("owner_settings")
    op.drop_table("users")
