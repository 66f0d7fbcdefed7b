"""`assistant eval screening`: scoring, bad input, and a run on shipped fixtures."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.eval.screening import load_screening_cases, run_eval_screening, score

FIXTURES = Path(__file__).resolve().parents[2] / "audio-fixtures" / "screening" / "dev"


def test_precision_and_recall():
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    scores = score(pairs)
    assert (round(scores.precision, 3), round(scores.recall, 3), scores.n) == (0.667, 0.667, 5)


def test_bad_line_is_named(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"audio": "a.wav", "important": "yes"}\n')
    with pytest.raises(AssistantError, match="line 1"):
        load_screening_cases(cases)


def test_eval_on_shipped_fixtures_prints_its_figures(tmp_path: Path):
    lines = (FIXTURES / "cases.jsonl").read_text().splitlines()
    subset = [json.loads(line) for line in lines[:3] + lines[-3:]]  # urgent ones, then routine ones
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(json.dumps({**case, "audio": str(FIXTURES / case["audio"])}) for case in subset)
    )
    out = io.StringIO()

    scores = run_eval_screening(Settings(_env_file=None), cases, telephony=True, out=out)

    printed = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"precision=\d\.\d{3} recall=\d\.\d{3} n=6 asked=\d+ \(answers from the labels\)", printed[-2]
    ), printed[-2]
    assert re.fullmatch(r"unanswered: precision=\d\.\d{3} recall=\d\.\d{3}", printed[-1]), printed[-1]
    assert scores.n == 6 and scores.asked == sum(line.startswith("ask") for line in printed)
    assert scores.unanswered is not None and scores.unanswered.recall <= scores.recall


def test_asking_counts_separately():
    scores = score([(True, True), (False, False)], asked=1, unanswered=score([(True, False), (False, False)]))
    assert "asked=1" in scores.summary() and "unanswered: precision=1.000 recall=0.000" in scores.summary()


def test_written_decides_on_the_text_without_the_recognizer(tmp_path: Path):
    wav = str(next(FIXTURES.glob("*.wav")))
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"audio": wav, "important": True, "text": "the buyer will walk away unless we talk now"})
        + "\n"
        + json.dumps({"audio": wav, "important": False, "text": "I'd like a brochure, no rush"})
        + "\n"
    )
    out = io.StringIO()

    scores = run_eval_screening(Settings(_env_file=None), cases, telephony=False, out=out, written=True)

    assert (scores.precision, scores.recall, scores.n, scores.asked) == (1.0, 1.0, 2, 0)
    assert "heard=the buyer will walk away" in out.getvalue()


def test_written_needs_a_text_on_every_case(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"audio": str(next(FIXTURES.glob("*.wav"))), "important": True}) + "\n")
    with pytest.raises(AssistantError, match="text"):
        run_eval_screening(Settings(_env_file=None), cases, telephony=False, out=io.StringIO(), written=True)
