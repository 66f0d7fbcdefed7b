"""`assistant eval screening`: precision and recall of the importance decision on recorded reasons.

Each case is `{"audio": "path.wav", "important": true}` (paths relative to the file). The audio goes
through the dictation engine the calls use, fed as a call feeds it, and the transcript through the
same `decide_importance` the Smart Number flow calls, with the default importance words.

When the decision is to ask the caller "Is it urgent?", the caller's answer is simulated from the
case's label (a caller who answers truthfully). The figures with those answers come first, with
how many times it asked; a second line gives the figures had nobody answered (an ask then goes to
voicemail, as in the flow), the floor below the first. With ``written``, the decision is made
on each case's ``"text"`` instead of its audio: the classifier's share of the errors, without the
recognizer's.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import soundfile

from assistant.config import Settings
from assistant.domain.importance import decide_importance
from assistant.errors import AssistantError
from assistant.eval.cases import jsonl_entries
from assistant.speech.asr.base import as_int16
from assistant.speech.asr.evaluate import hear_as_a_call
from assistant.speech.audio import load_16k
from assistant.speech.g711 import telephone_line


@dataclass(frozen=True)
class ScreeningCase:
    line: int
    audio_path: Path
    important: bool
    text: str = ""


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    n: int
    asked: int = 0
    unanswered: Scores | None = None  # the figures when nobody answers the question

    def summary(self) -> str:
        line = f"precision={self.precision:.3f} recall={self.recall:.3f} n={self.n} asked={self.asked}"
        if self.unanswered is None:
            return line
        return (
            f"{line} (answers from the labels)\n"
            f"unanswered: precision={self.unanswered.precision:.3f} recall={self.unanswered.recall:.3f}"
        )


def load_screening_cases(cases_file: Path) -> list[ScreeningCase]:
    """Cases of a JSONL file; raises AssistantError naming the line of the first bad one."""
    cases = []
    for number, entry in jsonl_entries(cases_file):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("audio"), str)
            or not isinstance(entry.get("important"), bool)
        ):
            raise AssistantError(
                "eval-cases", f'{cases_file}, line {number}: expected {{"audio": "x.wav", "important": true}}'
            )
        path = (cases_file.parent / entry["audio"]).resolve()
        if not path.is_file():
            raise AssistantError(
                "eval-cases", f"{cases_file}, line {number}: audio file {entry['audio']} not found"
            )
        text = entry.get("text") if isinstance(entry.get("text"), str) else ""
        cases.append(ScreeningCase(number, path, entry["important"], text))
    if not cases:
        raise AssistantError("eval-cases", f"{cases_file} has no cases")
    return cases


def score(pairs: list[tuple[bool, bool]], asked: int = 0, unanswered: Scores | None = None) -> Scores:
    """Precision and recall of "important" over (expected, decided) pairs; 1.0 when nothing to divide."""
    true_positive = sum(1 for expected, decided in pairs if expected and decided)
    decided_important = sum(1 for _, decided in pairs if decided)
    actually_important = sum(1 for expected, _ in pairs if expected)
    precision = true_positive / decided_important if decided_important else 1.0
    recall = true_positive / actually_important if actually_important else 1.0
    return Scores(precision, recall, len(pairs), asked, unanswered)


def run_eval_screening(
    settings: Settings, cases_file: Path, telephony: bool, out: TextIO = sys.stdout, written: bool = False
) -> Scores:
    from assistant.speech.asr.select import dictation_engine

    cases = load_screening_cases(cases_file)
    if written and not all(case.text for case in cases):
        raise AssistantError("eval-cases", f'{cases_file}: every case needs a "text" to decide on')
    engine = None if written else dictation_engine(settings)
    pairs = []
    unanswered = []
    asked = 0
    for case in cases:
        transcript, confidence = (
            (case.text, 1.0) if engine is None else hear(engine, case, cases_file, telephony)
        )
        decision = decide_importance(transcript, heard_confidence=confidence)
        decided = case.important if decision.ask else decision.important
        asked += decision.ask
        pairs.append((case.important, decided))
        unanswered.append((case.important, decision.important))
        verdict = "ask" if decision.ask else "ok " if decided == case.important else "err"
        print(
            f"{verdict}  expected={'important' if case.important else 'normal':9}  "
            f"decided={'important' if decided else 'normal':9}  reason={decision.reason}  "
            f"heard={transcript}",
            file=out,
            flush=True,
        )
    scores = score(pairs, asked, score(unanswered))
    print(scores.summary(), file=out, flush=True)
    return scores


def hear(engine, case: ScreeningCase, cases_file: Path, telephony: bool) -> tuple[str, float]:
    """What the dictation engine makes of the case's audio, fed as a call feeds it, and its confidence."""
    try:
        audio = as_int16(load_16k(case.audio_path))
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        message = f"{cases_file}, line {case.line}: cannot read audio: {exc}"
        raise AssistantError("eval-cases", message) from exc
    heard = hear_as_a_call(engine, telephone_line(audio) if telephony else audio)
    return heard.text, heard.confidence
