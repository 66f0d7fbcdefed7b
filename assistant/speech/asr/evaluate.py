"""Word error rate of a dictation engine on a set of recorded cases.

A cases file is JSON lines, ``{"audio": "path.wav", "text": "reference"}``, audio paths
relative to the file, any sample rate (channels are mixed down). Each case is fed to the
engine the way a call feeds it, 20 ms at a time and then ``final``, optionally after a
simulated phone line (8 kHz mu-law). Output is one line per case and then the corpus WER:

    ok   wer=0.000  ref=Yes. hyp=Yes.
    err  wer=0.250  ref=Put them through. hyp=Put him through.
    wer=0.125 n=2

"ok" means the normalized transcript equals the reference. Cases may also name their
``speaker`` and ``kind`` (what the generated sets write); the WER of each speaker and each kind
is then printed before the corpus WER (``speaker=espeak-us-f4 wer=0.412 n=25``). All cases are
read and checked before any is recognized, so a bad line fails at once with its line number.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import soundfile

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.speech.asr.base import (
    SAMPLE_RATE_HZ,
    DictationEngine,
    Hypothesis,
    as_int16,
    transcribe_recording,
)
from assistant.speech.audio import load_16k
from assistant.speech.g711 import telephone_line
from assistant.speech.wer import WordErrors, word_errors

log = logging.getLogger(__name__)

CHUNK_S = 0.02
GROUPED_BY = ("speaker", "kind")


@dataclass(frozen=True)
class Case:
    """One recorded utterance and what was said in it."""

    line: int
    audio_path: Path
    reference: str
    audio: np.ndarray
    groups: tuple[tuple[str, str], ...] = ()  # (field, value): who spoke it, what kind of thing it says


@dataclass(frozen=True)
class CaseResult:
    case: Case
    hypothesis: str
    errors: WordErrors
    compute_s: float

    @property
    def status(self) -> str:
        return "ok" if self.errors.edits == 0 else "err"

    def line(self) -> str:
        return (
            f"{self.status:<3}  wer={self.errors.rate:.3f}  ref={self.case.reference} hyp={self.hypothesis}"
        )


@dataclass
class AsrReport:
    """Results of one evaluation run."""

    engine: str
    telephony: bool
    results: list[CaseResult] = field(default_factory=list)

    @property
    def wer(self) -> float:
        """Corpus WER: total edits over total reference words."""
        return WordErrors(
            sum(result.errors.edits for result in self.results),
            sum(result.errors.reference_words for result in self.results),
        ).rate

    @property
    def audio_s(self) -> float:
        return sum(result.case.audio.size for result in self.results) / SAMPLE_RATE_HZ

    @property
    def compute_s(self) -> float:
        return sum(result.compute_s for result in self.results)

    @property
    def real_time_factor(self) -> float:
        """Seconds of recognition per second of audio."""
        return self.compute_s / self.audio_s if self.audio_s else 0.0

    def summary(self) -> str:
        return f"wer={self.wer:.3f} n={len(self.results)}"

    def by_group(self) -> list[str]:
        """``field=value wer=... n=...`` for every speaker and kind the cases name, by field and value."""
        totals: dict[tuple[str, str], list[int]] = {}
        for result in self.results:
            for group in result.case.groups:
                total = totals.setdefault(group, [0, 0, 0])
                total[0] += result.errors.edits
                total[1] += result.errors.reference_words
                total[2] += 1
        return [
            f"{field}={value} wer={WordErrors(edits, words).rate:.3f} n={count}"
            for (field, value), (edits, words, count) in sorted(totals.items())
        ]


def _bad_case(cases_file: Path, line: int, problem: str) -> AssistantError:
    return AssistantError("eval-cases", f"{cases_file}, line {line}: {problem}")


def _read_case(cases_file: Path, line: int, raw: str) -> Case:
    try:
        entry = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _bad_case(cases_file, line, f"not valid JSON ({exc.msg})") from exc
    if not isinstance(entry, dict) or not isinstance(entry.get("audio"), str):
        raise _bad_case(cases_file, line, 'expected {"audio": "file.wav", "text": "reference"}')
    if not isinstance(entry.get("text"), str):
        raise _bad_case(cases_file, line, 'the "text" (reference transcript) is missing or not a string')
    audio_path = (cases_file.parent / entry["audio"]).resolve()
    if not audio_path.is_file():
        raise _bad_case(cases_file, line, f"audio file {entry['audio']} not found ({audio_path})")
    try:
        audio = as_int16(load_16k(audio_path))
    except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError) as exc:
        raise _bad_case(cases_file, line, f"cannot read audio file {entry['audio']}: {exc}") from exc
    groups = tuple((name, entry[name]) for name in GROUPED_BY if isinstance(entry.get(name), str))
    return Case(line, audio_path, entry["text"], audio, groups)


def load_cases(cases_file: Path) -> list[Case]:
    """All cases of a JSONL file, audio loaded as 16 kHz int16; blank lines are skipped.

    Raises:
        AssistantError: ``eval-cases`` naming the file and line of the first bad case.
    """
    try:
        lines = cases_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AssistantError("eval-cases", f"cannot read cases file {cases_file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AssistantError("eval-cases", f"{cases_file} is not UTF-8 text") from exc
    cases = [_read_case(cases_file, number, raw) for number, raw in enumerate(lines, start=1) if raw.strip()]
    if not cases:
        raise AssistantError("eval-cases", f"{cases_file} has no cases")
    return cases


def hear_as_a_call(engine: DictationEngine, audio: np.ndarray) -> Hypothesis:
    """Feed `audio` to a fresh stream in 20 ms chunks, then final; return what it heard."""
    chunk = int(SAMPLE_RATE_HZ * CHUNK_S)
    stream = engine.stream()
    for start in range(0, audio.size, chunk):
        stream.feed(audio[start : start + chunk])
    return stream.final()


def evaluate_cases(
    cases: list[Case],
    engine: DictationEngine,
    telephony: bool,
    out: TextIO | None = None,
    recordings: bool = False,
) -> AsrReport:
    """Run `engine` on loaded cases and score it (see :func:`evaluate_asr`)."""
    report = AsrReport(engine=engine.name, telephony=telephony)
    hear = transcribe_recording if recordings else hear_as_a_call
    for case in cases:
        audio = telephone_line(case.audio) if telephony else case.audio
        started = time.perf_counter()
        hypothesis = hear(engine, audio).text
        compute_s = time.perf_counter() - started
        result = CaseResult(case, hypothesis, word_errors(case.reference, hypothesis), compute_s)
        report.results.append(result)
        if out is not None:
            print(result.line(), file=out, flush=True)
    log.info(
        "%s%s: %s, %.1f s of audio in %.1f s (RTF %.3f)",
        engine.name,
        " (telephony)" if telephony else "",
        report.summary(),
        report.audio_s,
        report.compute_s,
        report.real_time_factor,
    )
    if out is not None:
        for line in report.by_group():
            print(line, file=out)
        print(report.summary(), file=out, flush=True)
    return report


def evaluate_asr(
    cases_file: Path,
    engine: DictationEngine,
    telephony: bool,
    out: TextIO | None = None,
    recordings: bool = False,
) -> AsrReport:
    """Run `engine` on every case of `cases_file` and score it.

    Args:
        cases_file: JSONL cases (see the module docstring).
        engine: the dictation engine to measure.
        telephony: pass the audio through an 8 kHz mu-law phone line first.
        out: where the per-case lines and the final ``wer=... n=...`` line go (None: nowhere).
        recordings: transcribe each case whole, as a voicemail is, instead of as a live turn.

    Returns:
        The report, with the corpus WER and the real-time factor.

    Raises:
        AssistantError: ``eval-cases`` for a bad cases file, naming the line.
    """
    return evaluate_cases(load_cases(cases_file), engine, telephony, out, recordings)


def run_eval_asr(
    settings: Settings,
    cases: Path,
    engine: str | None,
    telephony: bool,
    out: TextIO = sys.stdout,
    recordings: bool = False,
) -> float:
    """``assistant eval asr``: evaluate the named (or configured) dictation engine; return the corpus WER.

    Args:
        settings: service settings (engine choice, Vosk model, threads).
        cases: the JSONL cases file.
        engine: "pocketsphinx", "vosk", "whisper", "auto", or None for the configured one.
        telephony: simulate an 8 kHz mu-law phone line.
        out: where the report lines go.
        recordings: transcribe each case whole, as a voicemail is, instead of as a live turn.
    """
    from assistant.speech.asr.select import dictation_engine

    loaded = load_cases(cases)
    if engine is not None:
        settings = settings.model_copy(update={"dictation_engine": engine})
    return evaluate_cases(loaded, dictation_engine(settings), telephony, out, recordings).wer
