"""L2-regularised logistic regression over hashed sparse features, fitted by full-batch Adam in numpy."""

from __future__ import annotations

import numpy as np

from assistant.domain.urgency.classifier import UrgencyModel
from assistant.domain.urgency.features import BUCKETS, hashed


class SparseRows:
    """Texts as a sparse matrix in coordinate form (row, column, value)."""

    def __init__(self, texts: list[str]) -> None:
        rows, columns, values = [], [], []
        for row, text in enumerate(texts):
            indices, vals = hashed(text)
            rows.append(np.full(indices.size, row, dtype=np.int64))
            columns.append(indices)
            values.append(vals)
        self.n = len(texts)
        self.rows = np.concatenate(rows)
        self.columns = np.concatenate(columns)
        self.values = np.concatenate(values).astype(np.float64)

    def logits(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=self.values * weights[self.columns], minlength=self.n)

    def gradient(self, residuals: np.ndarray) -> np.ndarray:
        return np.bincount(self.columns, weights=self.values * residuals[self.rows], minlength=BUCKETS)


def fit(
    texts: list[str], labels: list[bool], l2: float = 3e-5, steps: int = 400, rate: float = 0.05
) -> UrgencyModel:
    """A model fitted to `texts` and their `labels` (True: urgent)."""
    data = SparseRows(texts)
    target = np.asarray(labels, dtype=np.float64)
    weights = np.zeros(BUCKETS)
    first = np.zeros(BUCKETS)
    second = np.zeros(BUCKETS)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, steps + 1):
        predicted = 1.0 / (1.0 + np.exp(-data.logits(weights)))
        grad = data.gradient(predicted - target) / data.n + l2 * weights
        first = beta1 * first + (1 - beta1) * grad
        second = beta2 * second + (1 - beta2) * grad**2
        weights -= rate * (first / (1 - beta1**step)) / (np.sqrt(second / (1 - beta2**step)) + 1e-8)
    return UrgencyModel(weights.astype(np.float32))


def log_loss(model: UrgencyModel, texts: list[str], labels: list[bool]) -> float:
    probabilities = np.clip([model.probability(text) for text in texts], 1e-7, 1 - 1e-7)
    target = np.asarray(labels, dtype=np.float64)
    return float(-np.mean(target * np.log(probabilities) + (1 - target) * np.log(1 - probabilities)))
