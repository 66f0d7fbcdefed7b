"""Where an incoming call goes: ring the owner's phones, or straight to voicemail. Pure rules.

- A blocked number goes to voicemail without ringing.
- Do-not-disturb, or no route that can ring (none configured, or only offline extensions):
  voicemail at once, without making the caller wait for a ring timeout.
- Screening on: only important calls ring; VIPs ring without being asked anything.
- Screening off: every call rings.
- The owner already talking through the assistant, with call waiting off: voicemail, no ringing.
All reachable routes ring at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_EXTENSION_DIGITS = 6


@dataclass(frozen=True)
class Route:
    target: str  # what to dial, e.g. "PJSIP/+15557770001@pstn" or "PJSIP/101"
    label: str  # "mobile" or "extension 101"


@dataclass(frozen=True)
class Plan:
    ring: tuple[Route, ...]
    reason: str

    @property
    def voicemail_now(self) -> bool:
        return not self.ring


def reachable_routes(
    mobile: str | None, extensions: dict[str, bool], mobile_trunk: str = "pstn"
) -> tuple[Route, ...]:
    """The routes that can ring: the mobile (if set) and the extensions that are online.

    Args:
        mobile: the owner's mobile number, dialed out through `mobile_trunk`.
        extensions: extension endpoint (e.g. "PJSIP/101") -> whether it is online now.
    """
    routes = []
    if mobile:
        routes.append(Route(f"PJSIP/{mobile}@{mobile_trunk}", "mobile"))
    for endpoint, online in extensions.items():
        if online:
            routes.append(Route(endpoint, f"extension {endpoint.rsplit('/', 1)[-1]}"))
    return tuple(routes)


def plan_call(
    *,
    important: bool,
    blocked: bool,
    do_not_disturb: bool,
    routes: tuple[Route, ...],
    owner_on_another_call: bool = False,
) -> Plan:
    """Decide whether to ring (and what) or to take a message now.

    `owner_on_another_call`: the owner is talking through the assistant and call waiting is off.
    """
    if blocked:
        return Plan((), "blocked number")
    if do_not_disturb:
        return Plan((), "do not disturb")
    if not routes:
        return Plan((), "no route can ring")
    if not important:
        return Plan((), "not important")
    if owner_on_another_call:
        return Plan((), "owner on another call")
    return Plan(routes, "important")


def dial_target(number: str, trunk: str = "pstn") -> str:
    """What to dial for a number: a short one is an extension of this PBX, any other goes out the trunk."""
    digits = number.lstrip("+")
    if digits.isdigit() and len(digits) <= MAX_EXTENSION_DIGITS and not number.startswith("+"):
        return f"PJSIP/{number}"
    return f"PJSIP/{number}@{trunk}"


NO_ANSWER_WORDS = ("no answer", "no user responding", "normal clearing")


def why_not_answered(hangup_cause: str | None) -> str:
    """Why a call was never answered: "busy", "no-answer" or "failed", from its hangup cause."""
    cause = (hangup_cause or "").lower()
    if "busy" in cause or cause in ("17", "34"):
        return "busy"
    if any(word in cause for word in NO_ANSWER_WORDS) or cause in ("16", "18", "19"):
        return "no-answer"
    return "failed"
