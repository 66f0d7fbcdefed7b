"""The fixed prompts are kept outside any one Asterisk's sounds folder: a new lab (every test run,
a moved sounds folder) gets them as links instead of synthesizing them again (real Piper voice)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.speech.tts import PromptCache, Synthesizer, VoiceSettings


@pytest.fixture(scope="module")
def synthesizer() -> Synthesizer:
    return Synthesizer(VoiceSettings())


def test_a_prompt_kept_for_one_folder_is_linked_into_the_next(synthesizer, tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    first = PromptCache(synthesizer, tmp_path / "lab-1" / "prompts", "/lab-1/prompts", kept=kept)
    made = first.ensure("Please hold while I try to reach them.", keep=True)
    assert first.misses == 1
    audio = np.frombuffer(made.read_bytes(), dtype="<i2")
    assert audio.size > 16000 * 0.5 and np.abs(audio).max() > 1000  # speech, at 16 kHz

    second = PromptCache(synthesizer, tmp_path / "lab-2" / "prompts", "/lab-2/prompts", kept=kept)
    placed = second.ensure("Please hold while I try to reach them.", keep=True)
    assert placed.parent == tmp_path / "lab-2" / "prompts" and placed.name == made.name
    assert placed.stat().st_ino == (kept / made.name).stat().st_ino  # linked, not synthesized again
    assert second.ensure("Please hold while I try to reach them.") == placed and second.hits == 1
    assert second.media_uri(placed) == f"sound:/lab-2/prompts/{placed.stem}"

    fixed = second.ensure("Goodbye.", keep=True)
    assert fixed.name != made.name and (kept / fixed.name).exists()
    said_once = second.ensure("I heard: the contract for the new office.")
    assert said_once.exists() and not (kept / said_once.name).exists()  # a call's own words stay in the lab


def test_without_a_kept_folder_prompts_are_written_where_asterisk_reads(synthesizer, tmp_path: Path) -> None:
    cache = PromptCache(synthesizer, tmp_path / "prompts", "/prompts")
    path = cache.ensure("Goodbye.")
    assert path.parent == tmp_path / "prompts" and path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prompts"]
