"""Word forms, negation, and the urgency classifier: its features, its weight file and the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.domain.urgency.classifier import UrgencyModel, load_model, shipped_model
from assistant.domain.urgency.features import BUCKETS, feature_names, hashed
from assistant.domain.urgency.train.dataset import generate
from assistant.domain.urgency.train.fit import fit
from assistant.domain.urgency.words import read_words, stem


@pytest.mark.parametrize(
    ("word", "same_as"),
    [("urgently", "urgent"), ("arrested", "arrest"), ("hearings", "hearing"), ("emergencies", "emergency")],
)
def test_word_forms_share_a_stem(word, same_as):
    assert stem(word) == stem(same_as)


def test_negation_covers_the_clause_after_the_negator():
    words = read_words("It's not urgent, but the hearing moved. No rush on the invoice")
    marked = dict(zip(words.tokens, words.negated, strict=True))
    assert marked["urgent"] and not marked["hearing"] and not marked["moved"]
    assert marked["rush"] and not marked["no"]


def test_negation_ends_after_a_few_words_and_at_but():
    words = read_words("nothing serious but my father is in hospital")
    assert words.negated == (False, True, False, False, False, False, False, False)
    far = read_words("i don't think you know me but hello")
    assert far.negated[far.tokens.index("hello")] is False


def test_contracted_negators_count():
    words = read_words("it isn't an emergency")
    assert words.negated[words.tokens.index("emergency")]


def test_features_mark_negated_stems_and_have_unit_length():
    names = feature_names("not urgent")
    assert "w:not_urgent" in names and "w:urgent" not in names
    assert "b:not|not_urgent" in names and "c:<ur" in names
    indices, values = hashed("The deposition starts in twenty minutes")
    assert indices.max() < BUCKETS and np.isclose(np.sum(values**2), 1.0)


def test_saved_model_loads_with_the_same_probabilities(tmp_path: Path):
    examples = generate(300, seed=5)
    model = fit([t for t, _ in examples], [u for _, u in examples], steps=60)
    path = tmp_path / "model.npz"
    model.save(path)

    loaded = load_model(path)

    for text, _ in examples[:20]:
        assert loaded.probability(text) == pytest.approx(model.probability(text), abs=0.01)


def test_model_of_other_features_is_refused(tmp_path: Path):
    path = tmp_path / "model.npz"
    np.savez(path, weights=np.zeros(16, dtype=np.float16), buckets=np.int64(16))
    with pytest.raises(ValueError, match="buckets"):
        load_model(path)


def test_fitting_learns_the_generated_examples():
    examples = generate(600, seed=11)
    held = generate(200, seed=12)
    model = fit([t for t, _ in examples], [u for _, u in examples], steps=150)
    right = sum((model.probability(text) >= 0.5) == urgent for text, urgent in held)
    assert right / len(held) > 0.9


def test_an_untrained_model_is_undecided():
    assert UrgencyModel(np.zeros(BUCKETS, dtype=np.float32)).probability("anything at all") == 0.5


@pytest.mark.parametrize(
    ("reason", "urgent"),
    [
        ("the deposition starts in twenty minutes and our witness has vanished", True),
        ("my dad collapsed and the ambulance is taking him in", True),
        ("the buyer is going to back out unless we speak this afternoon", True),
        ("just calling to ask what your fees are", False),
        ("we'd like to offer you a discount on office chairs", False),
        ("no rush, my appointment is next month", False),
    ],
)
def test_shipped_model_on_reasons_outside_its_templates(reason, urgent):
    assert (shipped_model().probability(reason) >= 0.5) == urgent
