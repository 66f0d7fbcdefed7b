"""Command grammars from grammars/*.toml: choices, the phrases that say them, and their keys.

Files are data and are validated when loaded: every choice has at least one phrase, phrases are
lower-case words, and a key selects at most one choice.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.speech.expect import Choices

GRAMMARS_DIR = Path(__file__).resolve().parent.parent / "grammars"
PHRASE = re.compile(r"^[a-z][a-z' ]*[a-z]$|^[a-z]$")


@cache
def load_choices(name: str, folder: Path = GRAMMARS_DIR) -> Choices:
    """The Choices defined by grammars/NAME.toml."""
    path = folder / f"{name}.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AssistantError("grammar-invalid", f"cannot read grammar {path}: {exc}") from exc
    options: dict[str, tuple[str, ...]] = {}
    keys: dict[str, str] = {}
    for choice, entry in data.get("choices", {}).items():
        phrases = entry.get("phrases", [])
        bad = [p for p in phrases if not isinstance(p, str) or not PHRASE.match(p)]
        if not phrases or bad:
            raise AssistantError(
                "grammar-invalid", f"{path}: choice {choice!r} needs lower-case phrases, got {bad}"
            )
        options[choice] = tuple(phrases)
        key = entry.get("key")
        if key is not None:
            if key in keys or key not in "0123456789*#":
                raise AssistantError(
                    "grammar-invalid", f"{path}: key {key!r} of {choice!r} is invalid or taken"
                )
            keys[str(key)] = choice
    if not options:
        raise AssistantError("grammar-invalid", f"{path}: no choices")
    return Choices(options=options, keys=keys)
