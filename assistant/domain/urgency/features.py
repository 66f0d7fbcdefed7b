"""A sentence as hashed sparse features: stems and stem pairs (negated ones marked), character n-grams.

Stems carry word forms ("urgently", "urgent"), stem pairs carry short phrases ("right away",
"next month"), character n-grams within words carry recognition slips and words never seen in
training that share parts with ones that were ("deposition", "position"). Features are hashed
into a fixed number of buckets (crc32, stable across runs) and the vector has unit length.
"""

from __future__ import annotations

import zlib

import numpy as np

from assistant.domain.urgency.words import read_words

BUCKETS = 1 << 18
CHAR_NGRAMS = (3, 4, 5)
CHAR_WEIGHT = 0.35


def feature_names(text: str) -> dict[str, float]:
    """Named features of `text` with their weights (before hashing)."""
    words = read_words(text)
    pairs = zip(words.stems, words.negated, strict=True)
    marked = [("not_" if negated else "") + stem for stem, negated in pairs]
    names: dict[str, float] = {"bias": 1.0}
    for term in marked:
        names["w:" + term] = 1.0
    for first, second in zip(["<s>", *marked], [*marked, "</s>"], strict=True):
        names[f"b:{first}|{second}"] = 1.0
    for token in words.tokens:
        padded = f"<{token}>"
        for n in CHAR_NGRAMS:
            for start in range(len(padded) - n + 1):
                names["c:" + padded[start : start + n]] = CHAR_WEIGHT
    return names


def hashed(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(bucket indices, values) of `text`'s features, values scaled to unit length."""
    buckets: dict[int, float] = {}
    for name, weight in feature_names(text).items():
        index = zlib.crc32(name.encode()) % BUCKETS
        buckets[index] = buckets.get(index, 0.0) + weight
    indices = np.fromiter(buckets.keys(), dtype=np.int64, count=len(buckets))
    values = np.fromiter(buckets.values(), dtype=np.float32, count=len(buckets))
    return indices, values / np.float32(np.sqrt(np.sum(values**2)))
