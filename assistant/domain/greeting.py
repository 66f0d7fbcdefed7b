"""The words the Smart Number answers with: the owner's own (checked), or the standard greeting."""

from __future__ import annotations

import re
import unicodedata

MAX_WELCOME_LEN = 300
OWNER_FIELD = "{owner}"
_SPACES = re.compile(r"\s+")


def check_welcome_text(value: str | None) -> str | None:
    """The owner's greeting, tidied: None keeps the standard one; given, it must say something.

    Line breaks and tabs become spaces (a text box sends them); other control characters, an
    empty text and braces other than ``{owner}`` are refused with a reason.
    """
    if value is None:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise ValueError("must not contain control characters")
    text = _SPACES.sub(" ", value).strip()
    if not text:
        raise ValueError("must not be empty: leave it out (null) for the standard greeting")
    if len(text) > MAX_WELCOME_LEN:
        raise ValueError(f"at most {MAX_WELCOME_LEN} characters, not {len(text)}")
    if set("{}") & set(text.replace(OWNER_FIELD, "")):
        raise ValueError("only {owner} (your name) can be filled in: no other braces")
    return text


def welcome_words(text: str, owner_name: str) -> str:
    """The owner's greeting with their name in place of {owner}."""
    return text.replace(OWNER_FIELD, owner_name)
