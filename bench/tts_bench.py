"""TTS figures: Piper's real-time factor, and how long a cached prompt takes to be ready.

Run: .venv/bin/python bench/tts_bench.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from assistant.speech.tts import PromptCache, Synthesizer, VoiceSettings

SENTENCES = [
    "Hello, you have reached the office of Alex Morgan.",
    "Please tell me your name and the reason for your call.",
    "I will see if Alex is available. Please hold.",
    "Sorry, I didn't catch that.",
    "Your message has been recorded. Thank you for calling, goodbye.",
    "You have three new messages. First message, received today at ten fifteen in the morning.",
]


def main() -> None:
    started = time.perf_counter()
    synthesizer = Synthesizer(VoiceSettings())
    print(f"voice load: {time.perf_counter() - started:.2f} s")
    synthesizer.synthesize("warm up")
    compute = audio = 0.0
    first_sentence_ms = []
    for sentence in SENTENCES:
        began = time.perf_counter()
        samples = synthesizer.synthesize(sentence)
        spent = time.perf_counter() - began
        compute += spent
        audio += len(samples) / 16000
        first_sentence_ms.append(spent * 1000)
    print(
        f"piper synthesis: {audio:.1f} s of audio in {compute:.2f} s, real-time factor {compute / audio:.3f}"
    )
    print(
        f"uncached sentence ready: median {statistics.median(first_sentence_ms):.0f} ms, "
        f"max {max(first_sentence_ms):.0f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        cache = PromptCache(synthesizer, Path(folder), "/sounds")
        for sentence in SENTENCES:
            cache.ensure(sentence)
        lookups = []
        for _ in range(200):
            for sentence in SENTENCES:
                began = time.perf_counter()
                cache.ensure(sentence)
                lookups.append((time.perf_counter() - began) * 1e6)
        lookups.sort()
        print(
            f"cached prompt ready: p50 {lookups[len(lookups) // 2]:.0f} us, "
            f"p95 {lookups[int(len(lookups) * 0.95)]:.0f} us (n={len(lookups)})"
        )


if __name__ == "__main__":
    main()
