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

FIXTURES = Path(__file__).resolve().parents[2] / "audio-fixtures" / "screening"


def test_precision_and_recall():
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    scores = score(pairs)
    assert (round(scores.precision, 3), round(scores.recall, 3), scores.n) == (0.667, 0.667, 5)


def test_bad_line_is_named(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"audio": "a.wav", "important": "yes"}\n')
    with pytest.raises(AssistantError, match="line 1"):
        load_screening_cases(cases)


def test_eval_on_shipped_fixtures_prints_its_figure(tmp_path: Path):
    lines = (FIXTURES / "cases.jsonl").read_text().splitlines()
    subset = [json.loads(line) for line in lines[:3] + lines[-4:]]  # some plain, the four hard ones
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(json.dumps({**case, "audio": str(FIXTURES / case["audio"])}) for case in subset)
    )
    out = io.StringIO()

    scores = run_eval_screening(Settings(_env_file=None), cases, telephony=True, out=out)

    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"precision=\d\.\d{3} recall=\d\.\d{3} n=7", last), last
    assert scores.n == 7 and scores.recall < 1.0  # the hard cases are missed, and the figure says so
