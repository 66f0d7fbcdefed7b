"""What the flows need to know about the owner of a line (built from the owner's stored settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant.domain.importance import DEFAULT_IMPORTANCE_WORDS

RING_TIMEOUT_S = 28.0  # just under the 30 s after which a mobile's own voicemail usually answers


@dataclass(frozen=True)
class OwnerProfile:
    owner_id: int | None = None
    name: str = "Alex Morgan"
    smart_number: str = ""
    mobile: str | None = None
    extensions: tuple[str, ...] = ()
    screening: bool = True
    vip_numbers: tuple[str, ...] = ()
    blocked_numbers: tuple[str, ...] = ()
    do_not_disturb: bool = False
    ring_timeout_s: float = RING_TIMEOUT_S
    ring_strategy: str = "together"  # or "priority": the mobile, then each extension, one after another
    ring_seconds: Mapping[str, int] = field(default_factory=dict)  # per device ("mobile", "101")
    no_answer_action: str = "voicemail"  # or "forward", "hangup", "notice" (assistant.domain.no_answer)
    no_answer_forward_to: str | None = None
    call_waiting: bool = True  # off: while the owner talks through the assistant, callers leave a message
    greeting: str | None = None
    welcome_text: str | None = None  # what the Smart Number answers with (None: the standard greeting)
    greeting_voice: str = "joe"  # the greetings' voice, rate and pitch (assistant.speech.greeting_voice)
    greeting_rate: int = 5
    greeting_pitch: int = 5
    notify_emails: tuple[str, ...] = ()
    importance_words: tuple[str, ...] = DEFAULT_IMPORTANCE_WORDS
    voicemail_max_s: int = 180
    voicemail_min_s: float = 2.0
    time_zone: str = "UTC"
    caller_id: str | None = None  # the default caller ID on outbound calls (None: the Smart Number)
    local_numbers: tuple[str, ...] = ()
    local_id: bool = False
    show_caller_id: bool = True
    forward_caller_id: str = "caller"  # what forwarded calls show: "caller" or "smart_number"
    default_country: str = "US"  # for numbers dialed without a country code
    monthly_limit_minutes: int | None = None  # outbound talk a calendar month (None: unlimited)
    passcode_destinations: tuple[str, ...] = ()  # prefixes whose numbers ask for the passcode first
    outbound_passcode_hash: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Caller:
    """The caller as the phonebook knows them."""

    number: str
    contact_name: str | None = None
    important_contact: bool = False
