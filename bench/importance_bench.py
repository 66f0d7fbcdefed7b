"""How long the importance decision takes: loading the urgency classifier, and one decision.

Loads the committed model (assistant/domain/urgency/model.npz) in a fresh process, then decides
on every sentence of the screening evaluation sets (their texts, not their audio) a number of
times over, and prints the load time and the p50, p95 and max time of one ``decide_importance``
call (word forms, negation, owner's words and the classifier), and of the classifier alone.

Run: python bench/importance_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.domain.importance import decide_importance  # noqa: E402
from assistant.domain.urgency.classifier import MODEL_FILE, load_model  # noqa: E402


def texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for cases in sorted((ROOT / "audio-fixtures" / "screening").glob("*/cases.jsonl"))
        for line in cases.read_text().splitlines()
        if line.strip()
    ]


def timings_ms(work, sentences: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for sentence in sentences:
            start = time.perf_counter()
            work(sentence)
            times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label}: p50={statistics.median(ordered):.3f} ms p95={p95:.3f} ms max={ordered[-1]:.3f} ms "
        f"n={len(ordered)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    model = load_model(MODEL_FILE)
    load_ms = (time.perf_counter() - start) * 1000
    print(f"model load: {load_ms:.1f} ms ({MODEL_FILE.stat().st_size // 1024} KiB)")
    sentences = texts()
    decide_importance(sentences[0], model=model)  # first call: stemmer and regex warm-up
    decide = lambda sentence: decide_importance(sentence, model=model)  # noqa: E731
    report("decide_importance", timings_ms(decide, sentences, args.rounds))
    report("classifier alone", timings_ms(model.probability, sentences, args.rounds))


if __name__ == "__main__":
    main()
