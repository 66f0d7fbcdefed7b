"""Reading evaluation cases: one JSON object per line, errors naming the file and the line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import AssistantError


def jsonl_entries(cases_file: Path) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) of each non-empty line; AssistantError ``eval-cases`` otherwise."""
    try:
        lines = cases_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError("eval-cases", f"cannot read cases file {cases_file}: {exc}") from exc
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise AssistantError(
                "eval-cases", f"{cases_file}, line {number}: not valid JSON ({exc.msg})"
            ) from exc
