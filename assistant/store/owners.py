"""Owners as the call flows and the API see them: settings per owner, lines, and phonebook look-ups.

``OwnerDirectory`` is what the call handler uses: which owner a dialed line belongs to (with all
their settings), who a caller is in that owner's phonebook, and blocking a number. ``OwnerSettingsStore``
reads and writes the settings for the API; it keeps the ``owner_lines`` index (each number belongs
to at most one owner) in step with them.

The assistant-line PIN is write-only: ``update`` takes ``pin`` (hashed with scrypt like passwords,
``None`` removes it) and the view only says ``pin_set``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.domain.billing import BillingRule
from assistant.domain.credentials import hash_password
from assistant.domain.outbound_rules import check_passcode
from assistant.domain.owner_settings import check_pin
from assistant.domain.phone import normalize_or_raw
from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.models import Contact, LineAttempt, OwnerLine, OwnerSettings, User

logger = logging.getLogger(__name__)

#: Settings the API exposes, in the order the portal shows them.
SETTING_FIELDS = (
    "owner_name",
    "smart_number",
    "assistant_line",
    "registered_phones",
    "pin_lock_minutes",
    "extra_lines",
    "mobile",
    "extensions",
    "screening",
    "vip_numbers",
    "blocked_numbers",
    "do_not_disturb",
    "ring_timeout_s",
    "ring_strategy",
    "ring_seconds",
    "greeting_text",
    "welcome_text",
    "greeting_voice",
    "greeting_rate",
    "greeting_pitch",
    "notification_emails",
    "importance_words",
    "billing_increment_h",
    "billing_rounding",
    "billing_minimum_units",
    "default_hourly_rate",
    "default_activity_code",
    "timekeeper_id",
    "time_zone",
    "default_country",
    "default_caller_id",
    "show_caller_id",
    "local_id",
    "local_numbers",
    "forward_caller_id",
    "voicemail_max_s",
    "voicemail_min_s",
    "no_answer_action",
    "no_answer_forward_to",
    "call_waiting",
    "monthly_limit_minutes",
    "passcode_destinations",
)
#: Shown by the API but not set through it (whether a PIN is set).
READ_ONLY_FIELDS = ("pin_set", "outbound_passcode_set")
#: Set through the API but never shown (the PIN itself).
WRITE_ONLY_FIELDS = ("pin", "outbound_passcode")


@dataclass(frozen=True)
class OwnerSettingsView:
    """One owner's settings, as plain values (lists are tuples; the rate is a Decimal or None)."""

    owner_id: int
    owner_name: str
    email: str
    smart_number: str | None
    assistant_line: str | None
    extra_lines: tuple[str, ...]
    mobile: str | None
    extensions: tuple[str, ...]
    screening: bool
    vip_numbers: tuple[str, ...]
    blocked_numbers: tuple[str, ...]
    do_not_disturb: bool
    ring_timeout_s: int
    greeting_text: str | None
    notification_emails: tuple[str, ...]
    importance_words: tuple[str, ...]
    billing_increment_h: Decimal
    billing_rounding: str
    billing_minimum_units: int
    default_hourly_rate: Decimal | None
    default_activity_code: str
    timekeeper_id: str
    time_zone: str
    default_country: str
    default_caller_id: str | None
    voicemail_max_s: int
    voicemail_min_s: int
    #: The greeting the Smart Number answers with (None: the standard one), and the voice, rate and
    #: pitch of the owner's greetings (that one and the voicemail greeting).
    welcome_text: str | None = None
    greeting_voice: str = "joe"
    greeting_rate: int = 5
    greeting_pitch: int = 5
    #: Phones whose caller ID is the owner on the assistant line (E.164; see LineAccess).
    registered_phones: tuple[str, ...] = ()
    #: Whether the owner has a PIN for the assistant line (the PIN itself is never shown).
    pin_set: bool = False
    #: How long a caller is locked out of the assistant line after too many wrong PINs.
    pin_lock_minutes: int = 15
    #: Caller ID: local numbers by area code (Local ID), whether it is on, whether outbound calls
    #: show a number at all, and what forwarded calls show ("caller" or "smart_number").
    local_numbers: tuple[str, ...] = ()
    local_id: bool = False
    show_caller_id: bool = True
    forward_caller_id: str = "caller"
    #: Ringing: "together" or "priority" (the mobile, then the extensions in order), and the seconds
    #: each device rings ("mobile" or an extension; a device without any rings for ring_timeout_s).
    ring_strategy: str = "together"
    ring_seconds: dict[str, int] = field(default_factory=dict)
    #: After the ring time with nobody taking the call: "voicemail", "forward" (to the number),
    #: "hangup" or "notice".
    no_answer_action: str = "voicemail"
    no_answer_forward_to: str | None = None
    #: Call waiting: while the owner talks through the assistant, other callers ring (True) or leave
    #: a message.
    call_waiting: bool = True
    #: Calls out: minutes of outbound talk a month (None: unlimited), the prefixes whose numbers
    #: ask for the passcode, whether there is one, and its hash (never shown by the API).
    monthly_limit_minutes: int | None = None
    passcode_destinations: tuple[str, ...] = ()
    outbound_passcode_set: bool = False
    outbound_passcode_hash: str | None = field(default=None, repr=False)

    @property
    def caller_id(self) -> str | None:
        """The caller ID to show on outbound calls: the default one, else the Smart Number."""
        return self.default_caller_id or self.smart_number

    @property
    def billing_rule(self) -> BillingRule:
        """The owner's increment, rounding and minimum as a BillingRule."""
        return BillingRule(self.billing_increment_h, self.billing_rounding, self.billing_minimum_units)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings the API shows (lists as lists), with ``pin_set`` but never a PIN."""
        out = {name: getattr(self, name) for name in (*SETTING_FIELDS, *READ_ONLY_FIELDS)}
        out["ring_seconds"] = dict(self.ring_seconds)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in out.items()}


@dataclass(frozen=True)
class ContactView:
    """A phonebook entry as the call flows need it."""

    id: int
    owner_id: int
    name: str
    phone: str
    nickname: str | None
    important: bool
    client_code: str | None
    matter_code: str | None
    label: str | None = None  # which of the person's phones this is: "mobile", "office", ...


def settings_view(row: OwnerSettings, user: User) -> OwnerSettingsView:
    """Build the view of a settings row (with its user)."""
    return OwnerSettingsView(
        owner_id=row.user_id,
        owner_name=row.owner_name,
        email=user.email,
        smart_number=row.smart_number,
        assistant_line=row.assistant_line,
        extra_lines=tuple(row.extra_lines or ()),
        mobile=row.mobile,
        extensions=tuple(row.extensions or ()),
        screening=row.screening,
        vip_numbers=tuple(row.vip_numbers or ()),
        blocked_numbers=tuple(row.blocked_numbers or ()),
        do_not_disturb=row.do_not_disturb,
        ring_timeout_s=row.ring_timeout_s,
        greeting_text=row.greeting_text,
        notification_emails=tuple(row.notification_emails or ()),
        importance_words=tuple(row.importance_words or ()),
        billing_increment_h=Decimal(row.billing_increment_h),
        billing_rounding=row.billing_rounding,
        billing_minimum_units=row.billing_minimum_units,
        default_hourly_rate=cents_to_rate(row.default_rate_cents),
        default_activity_code=row.default_activity_code,
        timekeeper_id=row.timekeeper_id,
        time_zone=row.time_zone,
        welcome_text=row.welcome_text,
        greeting_voice=row.greeting_voice,
        greeting_rate=row.greeting_rate,
        greeting_pitch=row.greeting_pitch,
        default_country=row.default_country,
        default_caller_id=row.default_caller_id,
        voicemail_max_s=row.voicemail_max_s,
        voicemail_min_s=row.voicemail_min_s,
        registered_phones=tuple(row.registered_phones or ()),
        pin_set=bool(row.pin_hash),
        pin_lock_minutes=row.pin_lock_minutes,
        local_numbers=tuple(row.local_numbers or ()),
        local_id=row.local_id,
        show_caller_id=row.show_caller_id,
        forward_caller_id=row.forward_caller_id,
        ring_strategy=row.ring_strategy,
        ring_seconds=dict(row.ring_seconds or {}),
        no_answer_action=row.no_answer_action,
        no_answer_forward_to=row.no_answer_forward_to,
        call_waiting=row.call_waiting,
        monthly_limit_minutes=row.monthly_limit_minutes,
        passcode_destinations=tuple(row.passcode_destinations or ()),
        outbound_passcode_set=bool(row.outbound_passcode_hash),
        outbound_passcode_hash=row.outbound_passcode_hash,
    )


def cents_to_rate(cents: int | None) -> Decimal | None:
    """Return a rate stored in cents as a Decimal with two places."""
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def rate_to_cents(rate: Decimal | None) -> int | None:
    """Return a Decimal rate as whole cents for storage."""
    return None if rate is None else int((rate * 100).to_integral_value())


def contact_view(row: Contact) -> ContactView:
    """Build the flows' view of a contact row."""
    return ContactView(
        id=row.id,
        owner_id=row.owner_id,
        name=row.name,
        phone=row.phone,
        nickname=row.nickname,
        important=row.important,
        client_code=row.client_code,
        matter_code=row.matter_code,
        label=row.label,
    )


class OwnerDirectory:
    """The call handler's way to the owners: settings by line, callers by number, blocking.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def owner_for_line(self, number: str) -> OwnerSettingsView | None:
        """Return the settings of the owner whose Smart Number, assistant line or other line is ``number``.

        The number is matched as given and in its E.164 form; None when no owner has it.
        """
        if not number:
            return None
        candidates = {number, normalize_or_raw(number)}
        with self._store.session() as session:
            row = session.execute(
                select(OwnerSettings, User)
                .join(OwnerLine, OwnerLine.owner_id == OwnerSettings.user_id)
                .join(User, User.id == OwnerSettings.user_id)
                .where(OwnerLine.number.in_(candidates), User.disabled.is_(False))
                .limit(1)
            ).first()
            return None if row is None else settings_view(row[0], row[1])

    def owner_for_extension(self, extension: str) -> OwnerSettingsView | None:
        """Return the settings of the owner whose desk extensions include ``extension`` (``101``), or None."""
        if not extension:
            return None
        wanted = {extension, f"PJSIP/{extension}"}
        with self._store.session() as session:
            for row, user in session.execute(
                select(OwnerSettings, User)
                .join(User, User.id == OwnerSettings.user_id)
                .where(User.disabled.is_(False))
                .order_by(OwnerSettings.user_id)
            ):
                if wanted & set(row.extensions or ()):
                    return settings_view(row, user)
        return None

    def settings(self, owner_id: int) -> OwnerSettingsView | None:
        """Return one owner's settings, or None for an unknown owner."""
        with self._store.session() as session:
            return load_settings(session, owner_id)

    def contact_for(self, owner_id: int, number: str) -> ContactView | None:
        """Return the owner's phonebook entry for ``number`` (matched in E.164), or None."""
        if not number:
            return None
        with self._store.session() as session:
            country = _country(session, owner_id)
            candidates = {number, normalize_or_raw(number, country)}
            row = session.scalar(
                select(Contact).where(Contact.owner_id == owner_id, Contact.phone.in_(candidates)).limit(1)
            )
            return None if row is None else contact_view(row)

    def phonebook(self, owner_id: int) -> list[ContactView]:
        """Return all the owner's contacts in name order (for dialing by name: names, nicknames, labels).

        One person with several phones is several contacts with the same name and different
        labels ("mobile", "office"); an unknown owner has an empty phonebook.
        """
        stmt = select(Contact).where(Contact.owner_id == owner_id).order_by(Contact.name, Contact.id)
        with self._store.session() as session:
            return [contact_view(row) for row in session.scalars(stmt)]

    def block_number(self, owner_id: int, number: str) -> bool:
        """Add ``number`` (normalized when possible) to the owner's blocked numbers.

        Returns:
            True if it was added, False if it was already blocked or the owner is unknown.
        """
        with self._store.write() as session:
            row = session.get(OwnerSettings, owner_id, with_for_update=True)
            if row is None:
                logger.warning("block_number for unknown owner %s ignored", owner_id)
                return False
            normalized = normalize_or_raw(number, row.default_country)
            blocked = list(row.blocked_numbers or [])
            if normalized in blocked:
                return False
            row.blocked_numbers = [*blocked, normalized]
            logger.info("owner %s blocked %s", owner_id, normalized)
            return True


class OwnerSettingsStore:
    """Reading and changing an owner's settings (validated beforehand by the caller).

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, owner_id: int) -> OwnerSettingsView | None:
        """Return the owner's settings, or None."""
        with self._store.session() as session:
            return load_settings(session, owner_id)

    def update(self, owner_id: int, changes: dict[str, Any]) -> OwnerSettingsView:
        """Apply validated ``changes`` (names from :data:`SETTING_FIELDS`) and return the result.

        ``changes`` may also hold ``pin`` (validated digits, or None to remove the PIN): it is
        stored as a scrypt hash, and a new or removed PIN clears the assistant line's lockouts.
        ``outbound_passcode`` (the same, for passcode destinations) is stored as a scrypt hash too.

        Raises:
            AssistantError: ``not-found`` for an unknown owner; ``line-taken`` when a number in
                the changes already belongs to another owner.
        """
        unknown = set(changes) - set(SETTING_FIELDS) - set(WRITE_ONLY_FIELDS)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        changes = dict(changes)
        pin_changed = "pin" in changes
        pin = changes.pop("pin", None)
        pin = None if pin is None else check_pin(pin)
        pin_hash = hash_password(pin) if pin else None
        passcode_changed = "outbound_passcode" in changes
        passcode = changes.pop("outbound_passcode", None)
        passcode_hash = hash_password(check_passcode(passcode)) if passcode is not None else None
        try:
            with self._store.write() as session:
                row = session.get(OwnerSettings, owner_id, with_for_update=True)
                if row is None:
                    raise AssistantError("not-found", "no settings for this account")
                apply_changes(row, changes)
                if pin_changed:
                    row.pin_hash = pin_hash
                    session.execute(delete(LineAttempt).where(LineAttempt.owner_id == owner_id))
                    logger.info("owner %s %s the assistant line PIN", owner_id, "set" if pin else "removed")
                if passcode_changed:
                    row.outbound_passcode_hash = passcode_hash
                    logger.info(
                        "owner %s %s the outbound passcode", owner_id, "set" if passcode else "removed"
                    )
                session.flush()
                sync_lines(session, row)
                session.flush()
                user = session.get(User, owner_id)
                assert user is not None
                return settings_view(row, user)
        except IntegrityError as exc:
            raise AssistantError(
                "line-taken",
                "one of these numbers (Smart Number, assistant line, other lines or local numbers) already "
                "belongs to another account",
            ) from exc


def apply_changes(row: OwnerSettings, changes: dict[str, Any]) -> None:
    """Copy validated setting values onto a row (converting the rate and increment for storage)."""
    for name, value in changes.items():
        if name == "default_hourly_rate":
            row.default_rate_cents = rate_to_cents(value)
        elif name == "billing_increment_h":
            row.billing_increment_h = str(value)
        elif isinstance(value, tuple):
            setattr(row, name, list(value))
        else:
            setattr(row, name, value)


def sync_lines(session: Session, row: OwnerSettings) -> None:
    """Make ``owner_lines`` hold exactly the owner's Smart Number, assistant line, other and local lines."""
    wanted: dict[str, str] = {}
    if row.smart_number:
        wanted[row.smart_number] = "smart"
    if row.assistant_line:
        wanted.setdefault(row.assistant_line, "assistant")
    for number in row.extra_lines or ():
        wanted.setdefault(number, "extra")
    for number in row.local_numbers or ():
        wanted.setdefault(number, "local")
    session.execute(delete(OwnerLine).where(OwnerLine.owner_id == row.user_id))
    session.flush()
    for number, role in wanted.items():
        session.add(OwnerLine(number=number, owner_id=row.user_id, role=role))


def load_settings(session: Session, owner_id: int) -> OwnerSettingsView | None:
    """Return one owner's settings view inside an open session, or None."""
    row = session.execute(
        select(OwnerSettings, User)
        .join(User, User.id == OwnerSettings.user_id)
        .where(OwnerSettings.user_id == owner_id)
    ).first()
    return None if row is None else settings_view(row[0], row[1])


def _country(session: Session, owner_id: int) -> str:
    return (
        session.scalar(select(OwnerSettings.default_country).where(OwnerSettings.user_id == owner_id)) or "US"
    )
