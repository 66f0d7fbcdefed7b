"""The urgency classifier: the probability that a caller's reason is urgent, from a committed weight file.

A logistic regression over the hashed features of `features.py`, trained by
``scripts/train_urgency.py`` and saved as ``model.npz`` beside this file (weights as float16).
Loading takes numpy alone; a decision is a dot product over a few hundred features.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from assistant.domain.urgency.features import BUCKETS, hashed

MODEL_FILE = Path(__file__).resolve().parent / "model.npz"


@dataclass(frozen=True)
class UrgencyModel:
    weights: np.ndarray  # float32, one per bucket

    def probability(self, text: str) -> float:
        """Probability that `text` (what the caller said they are calling about) is urgent."""
        indices, values = hashed(text)
        logit = float(np.dot(self.weights[indices], values))
        return float(1.0 / (1.0 + np.exp(-logit)))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16), buckets=np.int64(BUCKETS))


def load_model(path: Path) -> UrgencyModel:
    """The model saved at `path`; ValueError when it does not fit the features of this code."""
    with np.load(path) as saved:
        weights = saved["weights"].astype(np.float32)
        buckets = int(saved["buckets"])
    if buckets != BUCKETS or weights.shape != (BUCKETS,):
        raise ValueError(f"{path}: model has {buckets} buckets, the features use {BUCKETS}")
    return UrgencyModel(weights)


@cache
def shipped_model() -> UrgencyModel:
    """The committed model, loaded once per process."""
    return load_model(MODEL_FILE)
