"""Bodies of the settings API: every per-owner setting, validated field by field (rules in
``assistant.domain.owner_settings``), so a wrong value is a 422 naming the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, create_model, field_validator

from api.schemas import ShortText, clean_multiline
from assistant.domain import caller_id, no_answer, outbound_rules
from assistant.domain import owner_settings as rules
from assistant.domain import ring_strategy as ring_rules
from assistant.domain.greeting import MAX_WELCOME_LEN, check_welcome_text
from assistant.speech.greeting_voice import STANDARD_LEVEL, STANDARD_VOICE
from assistant.speech.greeting_voice import VOICES as GREETING_VOICES

NumberList = Annotated[list[str], Field(max_length=rules.MAX_LIST_ITEMS)]

EXAMPLE = {
    "owner_name": "Alex Morgan",
    "default_country": "US",
    "smart_number": "+15550100",
    "assistant_line": "+15550199",
    "registered_phones": ["+12025550111"],
    "pin_set": True,
    "pin_lock_minutes": 15,
    "extra_lines": [],
    "mobile": "+12025550111",
    "extensions": ["101"],
    "screening": True,
    "vip_numbers": ["+12025550123"],
    "blocked_numbers": [],
    "do_not_disturb": False,
    "ring_timeout_s": 28,
    "ring_strategy": "priority",
    "ring_seconds": {"mobile": 20, "101": 15},
    "greeting_text": None,
    "welcome_text": "Thank you for calling the office of {owner}.",
    "greeting_voice": "joe",
    "greeting_rate": 5,
    "greeting_pitch": 5,
    "notification_emails": ["alex@example.com"],
    "importance_words": list(rules.DEFAULT_IMPORTANCE_WORDS),
    "billing_increment_h": "0.1",
    "billing_rounding": "up",
    "billing_minimum_units": 1,
    "default_hourly_rate": "350.00",
    "default_activity_code": "A106",
    "timekeeper_id": "AM",
    "time_zone": "America/New_York",
    "default_caller_id": None,
    "show_caller_id": True,
    "local_id": True,
    "local_numbers": ["+12125550142"],
    "forward_caller_id": "caller",
    "voicemail_max_s": 180,
    "voicemail_min_s": 2,
    "no_answer_action": "voicemail",
    "no_answer_forward_to": None,
    "call_waiting": True,
    "monthly_limit_minutes": 600,
    "passcode_destinations": ["+44", "+1900"],
    "outbound_passcode_set": True,
}


class SettingsDoc(BaseModel):
    """All of an owner's settings."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    owner_name: ShortText = Field(min_length=1, description="Whose office the assistant answers for")
    default_country: str = Field(description="Region for numbers written without a country code, e.g. US")
    smart_number: str | None = Field(description="The public number (E.164); each number has one owner")
    assistant_line: str | None = Field(description="The owner's own line to the assistant")
    registered_phones: NumberList = Field(
        default_factory=list,
        description="Phones recognized as the owner on the assistant line by caller ID (the mobile is too); "
        "other phones are asked for the PIN",
    )
    pin_set: bool = Field(
        default=False,
        description="Whether the assistant line has a PIN (read-only; set it with pin in a PATCH)",
    )
    pin_lock_minutes: int = Field(
        default=rules.DEFAULT_PIN_LOCK_MINUTES,
        ge=rules.PIN_LOCK_RANGE_MINUTES[0],
        le=rules.PIN_LOCK_RANGE_MINUTES[1],
        description="How long a caller is locked out of the assistant line after 5 wrong PINs in a row",
    )
    extra_lines: NumberList = Field(description="Other numbers whose calls are this owner's")
    mobile: str | None = Field(description="Where important calls ring")
    extensions: Annotated[list[str], Field(max_length=rules.MAX_LIST_ITEMS)] = Field(
        description="Internal extensions that ring too"
    )
    screening: bool = Field(description="Ask callers who they are and ring only important calls")
    vip_numbers: NumberList = Field(description="Always ring, never asked")
    blocked_numbers: NumberList = Field(description="Never ring; straight to voicemail")
    do_not_disturb: bool
    ring_timeout_s: int = Field(
        ge=rules.RING_TIMEOUT_RANGE_S[0],
        le=rules.RING_TIMEOUT_RANGE_S[1],
        description="How long the phones ring; also the seconds of a device without its own ring_seconds",
    )
    ring_strategy: Literal["together", "priority"] = Field(
        default=ring_rules.DEFAULT_STRATEGY,
        description="together: all devices ring at once (for the longest of their seconds); priority: one "
        "after another, each alone for its own seconds, the mobile first, then the extensions in order",
    )
    ring_seconds: Annotated[
        dict[
            str,
            Annotated[int, Field(ge=ring_rules.RING_SECONDS_RANGE[0], le=ring_rules.RING_SECONDS_RANGE[1])],
        ],
        Field(max_length=ring_rules.MAX_DEVICES),
    ] = Field(
        default_factory=dict,
        description='Seconds each device rings, 5 to 60: "mobile" or an extension such as "101"; a device '
        "left out rings for ring_timeout_s",
    )
    greeting_text: str | None = Field(
        max_length=rules.MAX_TEXT_LEN, description="Voicemail greeting; default when null"
    )
    welcome_text: str | None = Field(
        default=None,
        max_length=MAX_WELCOME_LEN,
        description="What the Smart Number says when it answers, before it asks who is calling; {owner} "
        "is filled in with owner_name. null: the standard greeting",
    )
    greeting_voice: Literal[tuple(GREETING_VOICES)] = Field(  # type: ignore[valid-type]
        default=STANDARD_VOICE,
        description="The voice of the greetings (welcome_text and greeting_text, or the standard ones): "
        + "; ".join(f"{name}: {choice.label}" for name, choice in GREETING_VOICES.items())
        + ". The rest of the call is in the assistant's own voice",
    )
    greeting_rate: int = Field(
        default=STANDARD_LEVEL,
        ge=0,
        le=9,
        description="Speed of the greetings: 0 slowest, 9 fastest, 5 standard",
    )
    greeting_pitch: int = Field(
        default=STANDARD_LEVEL,
        ge=0,
        le=9,
        description="Pitch of the greetings: 0 lowest, 9 highest, 5 standard",
    )
    notification_emails: Annotated[list[EmailStr], Field(max_length=20)]
    importance_words: Annotated[list[str], Field(max_length=rules.MAX_LIST_ITEMS)]
    billing_increment_h: Decimal = Field(description="One billable unit in hours (0.1 = 6 minutes)")
    billing_rounding: Literal["up", "nearest", "down"]
    billing_minimum_units: int = Field(
        ge=0, le=100, description="Units billed at least for a call with talk time"
    )
    default_hourly_rate: Decimal | None = Field(description="Rate for contacts without their own")
    default_activity_code: str = Field(description="UTBMS activity code, e.g. A106")
    timekeeper_id: str = Field(description="For LEDES and Clio exports")
    time_zone: str = Field(description="IANA time zone, e.g. America/New_York")
    local_numbers: NumberList = Field(
        default_factory=list,
        description="Local numbers of the owner, at most one per area code: with local_id on, a call out "
        "shows the one for the callee's area code",
    )
    default_caller_id: str | None = Field(
        description="Caller ID shown outbound when no local number matches; the Smart Number when null. "
        "Only the owner's numbers: the Smart Number, extra_lines, local_numbers, the mobile or a "
        "registered phone"
    )
    show_caller_id: bool = Field(
        default=True,
        description="Show a caller ID on calls the owner places; off withholds it (and turns Local ID off)",
    )
    local_id: bool = Field(
        default=False, description="Show the local number for the callee's area code (Local ID)"
    )
    forward_caller_id: Literal["caller", "smart_number"] = Field(
        default="caller",
        description="What the owner's phones show for a forwarded call: the caller's number, or the "
        "Smart Number",
    )
    voicemail_min_s: int = Field(ge=rules.VOICEMAIL_MIN_RANGE_S[0], le=rules.VOICEMAIL_MIN_RANGE_S[1])
    voicemail_max_s: int = Field(ge=rules.VOICEMAIL_MAX_RANGE_S[0], le=rules.VOICEMAIL_MAX_RANGE_S[1])
    no_answer_action: Literal["voicemail", "forward", "hangup", "notice"] = Field(
        default=no_answer.DEFAULT_ACTION,
        description="When the phones rang and nobody took the call: take a message (voicemail), forward "
        "the call to no_answer_forward_to, hang up with a polite goodbye, or say goodbye and mail a "
        "missed-call notice to notification_emails (notice)",
    )
    call_waiting: bool = Field(
        default=True,
        description="While the owner talks through the assistant, other important callers ring the phones "
        "too (on) or leave a message at once (off)",
    )
    no_answer_forward_to: str | None = Field(
        default=None,
        description='Where "forward" sends the call (E.164); not one of the assistant\'s own lines',
    )
    monthly_limit_minutes: int | None = Field(
        default=None,
        ge=outbound_rules.LIMIT_RANGE_MINUTES[0],
        le=outbound_rules.LIMIT_RANGE_MINUTES[1],
        description="Minutes of outbound talk a calendar month (in time_zone; starts again on the 1st); "
        "when they are used up, calls out are refused and a call in progress ends. null: unlimited",
    )
    passcode_destinations: Annotated[list[str], Field(max_length=outbound_rules.MAX_PREFIXES)] = Field(
        default_factory=list,
        description='Number prefixes in E.164 form ("+44", "+1900"): calls out to a number under one of '
        "them are placed only after the outbound passcode is keyed",
    )
    outbound_passcode_set: bool = Field(
        default=False,
        description="Whether there is an outbound passcode (read-only; set it with outbound_passcode "
        "in a PATCH)",
    )

    @field_validator("passcode_destinations")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        return outbound_rules.check_prefixes(value)

    @field_validator("default_country")
    @classmethod
    def _country(cls, value: str) -> str:
        return rules.check_country(value)

    @field_validator("smart_number", "assistant_line", "mobile")
    @classmethod
    def _number(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        return rules.check_number(value, info.data.get("default_country", rules.DEFAULT_COUNTRY))

    @field_validator("extra_lines", "vip_numbers", "blocked_numbers", "registered_phones")
    @classmethod
    def _numbers(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return rules.check_numbers(value, info.data.get("default_country", rules.DEFAULT_COUNTRY))

    @field_validator("local_numbers")
    @classmethod
    def _local_numbers(cls, value: list[str], info: ValidationInfo) -> list[str]:
        numbers = rules.check_numbers(value, info.data.get("default_country", rules.DEFAULT_COUNTRY))
        return caller_id.check_local_numbers(numbers)

    @field_validator("default_caller_id")
    @classmethod
    def _caller_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        number = rules.check_number(value, info.data.get("default_country", rules.DEFAULT_COUNTRY))
        owners_fields = ("smart_number", "extra_lines", "local_numbers", "mobile", "registered_phones")
        if not all(name in info.data for name in owners_fields):
            return number  # one of them is wrong: that field's error is the one to fix first
        owned = caller_id.owned_numbers(*(info.data[name] for name in owners_fields))
        return caller_id.check_caller_id(number, owned)

    @field_validator("extensions")
    @classmethod
    def _extensions(cls, value: list[str], info: ValidationInfo) -> list[str]:
        extensions = rules.check_extensions(value)
        devices = len(extensions) + (1 if info.data.get("mobile") else 0)
        if devices > ring_rules.MAX_DEVICES:
            raise ValueError(
                f"at most {ring_rules.MAX_DEVICES} devices ring in all (the mobile and the extensions); "
                f"this would be {devices}"
            )
        return extensions

    @field_validator("ring_seconds")
    @classmethod
    def _ring_seconds(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        if "extensions" not in info.data:
            return value  # the extensions are wrong: that field's error is the one to fix first
        devices = ring_rules.devices_in_order(info.data.get("mobile"), tuple(info.data["extensions"]))
        unknown = [device for device in value if device not in devices]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} is not one of your ring devices: use "
                + (" or ".join(map(repr, devices)) if devices else "a mobile or extension set first")
            )
        return {device: value[device] for device in devices if device in value}

    @field_validator("greeting_text")
    @classmethod
    def _greeting(cls, value: str | None) -> str | None:
        return (clean_multiline(value) or None) if value is not None else None

    @field_validator("welcome_text")
    @classmethod
    def _welcome(cls, value: str | None) -> str | None:
        return check_welcome_text(value)

    @field_validator("notification_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(str(v).lower() for v in value))

    @field_validator("importance_words")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return rules.check_words(value)

    @field_validator("billing_increment_h")
    @classmethod
    def _increment(cls, value: Decimal) -> Decimal:
        return rules.check_increment(value)

    @field_validator("default_hourly_rate")
    @classmethod
    def _rate(cls, value: Decimal | None) -> Decimal | None:
        return rules.check_rate(value)

    @field_validator("default_activity_code")
    @classmethod
    def _activity(cls, value: str) -> str:
        return rules.check_activity_code(value)

    @field_validator("timekeeper_id")
    @classmethod
    def _timekeeper(cls, value: str) -> str:
        return rules.check_timekeeper_id(value)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return rules.check_time_zone(value)

    @field_validator("voicemail_max_s")
    @classmethod
    def _lengths(cls, value: int, info: ValidationInfo) -> int:
        if "voicemail_min_s" in info.data:
            rules.check_voicemail_lengths(info.data["voicemail_min_s"], value)
        return value

    @field_validator("no_answer_forward_to")
    @classmethod
    def _forward_to(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("default_country", rules.DEFAULT_COUNTRY)
        number = rules.check_number(value, country) if value and value.strip() else None
        if "no_answer_action" not in info.data:
            return number
        lines = [info.data.get(name) for name in ("smart_number", "assistant_line")]
        lines += [*info.data.get("extra_lines", ()), *info.data.get("local_numbers", ())]
        return no_answer.check_forward_number(info.data["no_answer_action"], number, lines)


def _optional(annotation: Any) -> Any:
    return annotation | None


class PinChange(BaseModel):
    """The write-only PIN of the assistant line (part of SettingsPatch)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"do_not_disturb": True, "ring_timeout_s": 20}, {"pin": "4711"}]},
    )

    pin: str | None = Field(
        default=None,
        max_length=64,
        description="New PIN of the assistant line, 4 to 8 digits (write-only: never shown); null removes it",
    )

    outbound_passcode: str | None = Field(
        default=None,
        max_length=64,
        description="New passcode for passcode_destinations, 4 to 8 digits (write-only: never shown); "
        "null removes it",
    )

    @field_validator("pin")
    @classmethod
    def _pin(cls, value: str | None) -> str | None:
        return None if value is None else rules.check_pin(value)

    @field_validator("outbound_passcode")
    @classmethod
    def _passcode(cls, value: str | None) -> str | None:
        return None if value is None else outbound_rules.check_passcode(value)


#: Shown by GET, not accepted in a PATCH.
READ_ONLY = ("pin_set", "outbound_passcode_set")

SettingsPatch = create_model(
    "SettingsPatch",
    __base__=PinChange,
    __doc__="Settings to change; those left out stay as they are. Each is validated as in SettingsDoc; "
    "pin sets the assistant line's PIN, outbound_passcode the passcode of passcode_destinations.",
    **{
        name: (_optional(field.annotation), Field(default=None, description=field.description))
        for name, field in SettingsDoc.model_fields.items()
        if name not in READ_ONLY
    },
)
