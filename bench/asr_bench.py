"""Recognizer figures: real-time factor per engine and role, fed in 20 ms chunks as a call feeds them,
and how many real-time streams one core could carry (1 / real-time factor, measured with the engine
limited to one thread where it has a setting).

Run: .venv/bin/python bench/asr_bench.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from assistant.speech.asr.base import as_int16
from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine
from assistant.speech.asr.whisper_engine import WhisperEngine
from assistant.speech.audio import load_16k
from assistant.speech.g711 import telephone_line

FIXTURES = Path(__file__).resolve().parent.parent / "audio-fixtures"
CHUNK = 320


def load(folder: str) -> list[np.ndarray]:
    cases = [
        json.loads(line) for line in (FIXTURES / folder / "cases.jsonl").read_text().splitlines() if line
    ]
    return [telephone_line(as_int16(load_16k(FIXTURES / folder / case["audio"]))) for case in cases]


def real_time_factor(open_stream, clips: list[np.ndarray]) -> float:
    compute = audio = 0.0
    for clip in clips:
        started = time.perf_counter()
        stream = open_stream()
        for start in range(0, clip.size, CHUNK):
            stream.feed(clip[start : start + CHUNK])
        stream.final()
        compute += time.perf_counter() - started
        audio += clip.size / 16000
    return compute / audio


def main() -> None:
    commands, sentences = load("commands"), load("asr")
    sphinx = PocketSphinxEngine()
    grammar = sphinx.compile(
        [
            "yes",
            "no",
            "call maria garcia",
            "play my messages",
            "help",
            "goodbye",
            "put them through",
            "take a message",
            "block them",
            "next",
        ],
        name="bench",
    )
    rows = [
        (
            "pocketsphinx",
            "grammar (10 phrases)",
            real_time_factor(lambda: sphinx.stream(grammar), commands),
            1,
        ),
        ("pocketsphinx", "dictation", real_time_factor(lambda: sphinx.stream(), sentences), 1),
    ]
    for threads in (1, 2):
        whisper = WhisperEngine(threads=threads)
        rows.append(
            (
                "whisper tiny.en int8",
                f"dictation, {threads} thread(s)",
                real_time_factor(whisper.stream, sentences),
                threads,
            )
        )
    print("telephone-line audio (8 kHz mu-law), fed in 20 ms chunks")
    for engine, role, rtf, threads in rows:
        per_core = 1 / (rtf * threads)
        print(
            f"{engine:22} {role:24} real-time factor {rtf:.3f}   ~{per_core:.1f} real-time streams per core"
        )


if __name__ == "__main__":
    main()
