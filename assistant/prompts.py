"""Every prompt text, loaded from voices/prompts.toml and looked up by key ("section.name")."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable
from pathlib import Path

from assistant.errors import AssistantError

PROJECT_DIR = Path(__file__).resolve().parent.parent
VOICES_DIR = PROJECT_DIR / "voices"


class Prompts:
    """Prompt texts by key; `text(key, **fields)` fills in the {fields}."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    @classmethod
    def load(cls, path: Path = VOICES_DIR / "prompts.toml") -> Prompts:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise AssistantError("prompts-invalid", f"cannot read prompts from {path}: {exc}") from exc
        texts = {
            f"{section}.{name}": text for section, entries in data.items() for name, text in entries.items()
        }
        for key, text in texts.items():
            if not isinstance(text, str):
                raise AssistantError("prompts-invalid", f"{path}: prompt {key} is not a string")
            list(string.Formatter().parse(text))
        return cls(texts)

    def fixed_sentences(self, split: Callable[[str], list[str]]) -> list[str]:
        """Every sentence (as `split` cuts prompts) with no {fields}, of any prompt: a prompt with
        fields may begin with a fixed sentence ("I heard:"), which can then play at once."""
        return [
            sentence
            for text in self._texts.values()
            for sentence in split(text)
            if not any(f for _, f, _, _ in string.Formatter().parse(sentence))
        ]

    def text(self, key: str, **fields: object) -> str:
        try:
            return self._texts[key].format(**fields)
        except KeyError as exc:
            raise AssistantError("prompt-missing", f"prompt {key} or its field {exc} is missing") from exc


def _fields(text: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(text) if field]
