"""The settings page's ringing section: each device's ring seconds as form fields and back.

A device's seconds travel as ``ring_seconds.mobile`` or ``ring_seconds.101``; an empty field means
the device rings for the ring timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.domain.ring_strategy import MOBILE, devices_in_order

PREFIX = "ring_seconds."


def ring_devices(settings: Mapping[str, Any]) -> list[dict[str, str]]:
    """The owner's ring devices in priority order, each with its form field and how the page names it."""
    extensions = tuple(str(extension) for extension in settings.get("extensions") or ())
    return [
        {
            "device": device,
            "field": PREFIX + device,
            "label": f"Mobile {settings.get('mobile')}" if device == MOBILE else f"Extension {device}",
        }
        for device in devices_in_order(settings.get("mobile"), extensions)
    ]


def ring_seconds_values(seconds: Mapping[str, int]) -> dict[str, str]:
    """The form fields of the stored seconds."""
    return {PREFIX + device: str(value) for device, value in seconds.items()}


def ring_seconds_from_form(form: Mapping[str, str]) -> dict[str, str]:
    """The seconds the owner filled in, by device (validated later, with the rest of the settings)."""
    return {
        name.removeprefix(PREFIX): value.strip()
        for name, value in form.items()
        if name.startswith(PREFIX) and value.strip()
    }


def ring_seconds_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    """Messages for single devices' fields (``ring_seconds.101``), from the validation errors."""
    found: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        if len(loc) >= 2 and loc[0] == "ring_seconds":
            found.setdefault(PREFIX + loc[1], str(error.get("msg", "invalid")))
    return found
