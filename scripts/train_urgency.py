"""Train the urgency classifier from the generated dataset and write assistant/domain/urgency/model.npz.

Usage: .venv/bin/python scripts/train_urgency.py [--examples N] [--seed S]

Prints the accuracy and log loss on the training set and on a validation set generated with
another seed (same templates: a check of the fit, not of generalisation; the screening evaluation
sets are for that). Refuses to train when a sentence of an evaluation set comes out of the
generator.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.domain.urgency.classifier import MODEL_FILE  # noqa: E402
from assistant.domain.urgency.train.dataset import generate  # noqa: E402
from assistant.domain.urgency.train.fit import fit, log_loss  # noqa: E402

EVAL_CASES = sorted((ROOT / "audio-fixtures" / "screening").glob("*/cases.jsonl"))


def normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def evaluation_sentences() -> set[str]:
    return {
        normal(json.loads(line)["text"])
        for cases in EVAL_CASES
        for line in cases.read_text().splitlines()
        if line.strip()
    }


def accuracy(model, examples) -> float:
    return sum((model.probability(text) >= 0.5) == urgent for text, urgent in examples) / len(examples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=24000)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()

    train = generate(args.examples, args.seed)
    validation = generate(2000, args.seed + 1)
    leaked = evaluation_sentences() & {normal(text) for text, _ in train}
    if leaked:
        raise SystemExit(f"evaluation sentences in the training set: {sorted(leaked)}")
    texts, labels = [t for t, _ in train], [u for _, u in train]
    model = fit(texts, labels)
    model.save(MODEL_FILE)
    print(f"trained on {len(train)} examples ({sum(labels)} urgent)")
    print(f"train: accuracy={accuracy(model, train):.3f} log_loss={log_loss(model, texts, labels):.3f}")
    v_texts, v_labels = [t for t, _ in validation], [u for _, u in validation]
    print(
        f"validation: accuracy={accuracy(model, validation):.3f} "
        f"log_loss={log_loss(model, v_texts, v_labels):.3f}"
    )
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({MODEL_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
