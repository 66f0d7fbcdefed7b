"""A caller's name from their answer to "May I have your name?" (pure text rules)."""

from __future__ import annotations

import re

LEAD_INS = re.compile(
    r"^(?:(?:hi|hello|hey|yes|yeah|sure|okay|ok|oh|um|uh|good (?:morning|afternoon|evening))[,.!]?\s+)*"
    r"(?:(?:this is|it's|it is|my name is|my name's|the name is|i am|i'm|you're speaking with|speaking)\s+)?",
    re.IGNORECASE,
)
TAIL = re.compile(r"\s+(?:here|speaking|calling)$|[.!?,]+$", re.IGNORECASE)


def name_from_answer(text: str) -> str:
    """ "Hi, this is Maria Garcia." -> "Maria Garcia"; text without a lead-in is returned trimmed."""
    name = LEAD_INS.sub("", text.strip())
    previous = None
    while previous != name:
        previous, name = name, TAIL.sub("", name).strip()
    return name
