"""`assistant eval namedial`: does "call <name>" reach the right person of a phonebook?

The phonebook is a CSV with a header of at least ``name,number`` (optional ``nickname``,
``label``); each case is ``{"audio": "path.wav", "contact": "Maria Garcia"}`` (paths relative
to the cases file; ``contact`` is a name in the phonebook). The recognizer is built as the
service builds it: a :class:`CommandRecognizer` of the grammar engine with the dictation
engine as its second opinion (``select.grammar_engine`` and ``select.dictation_engine``; with
``dictation=False``, ``--no-dictation``, the grammar alone). Each case's audio is fed, 20 ms at
a time, to ``recognizer.stream()``, and its final result goes through
``recognizer.interpret``: exactly what the assistant line does.

A case counts for top1 when the command is "call-name", the match is not "none" and its best
candidate is the contact; for top3 when the contact is among the best three. Misses are printed
one per line, then the engines and the recognition latency (from the last audio fed to the
final hypothesis; the audio is fed faster than real time, so a dictation decode has no head
start here: bench/namedial_bench.py measures it fed as a call feeds it), how the decisions
split (sure, sure but wrong: a wrong person dialed without asking, confirm, none), and last::

    top1=0.980 top3=0.995 n=200
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import soundfile

from assistant.config import Settings
from assistant.domain.phonebook import Person, Phonebook
from assistant.errors import AssistantError
from assistant.eval.cases import jsonl_entries
from assistant.speech.asr.base import SAMPLE_RATE_HZ, as_int16
from assistant.speech.audio import load_16k
from assistant.speech.g711 import telephone_line
from assistant.speech.name_dialing import Command, CommandRecognizer

CHUNK = SAMPLE_RATE_HZ // 50  # 20 ms


@dataclass(frozen=True)
class NamedialCase:
    line: int
    audio_path: Path
    contact: Person


@dataclass(frozen=True)
class NamedialScores:
    top1: float
    top3: float
    n: int

    def summary(self) -> str:
        return f"top1={self.top1:.3f} top3={self.top3:.3f} n={self.n}"


def load_namedial_cases(cases_file: Path, phonebook: Phonebook) -> list[NamedialCase]:
    """Cases of a JSONL file; raises AssistantError (``eval-cases``) naming the line of a bad one."""
    cases = []
    for number, entry in jsonl_entries(cases_file):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("audio"), str)
            or not isinstance(entry.get("contact"), str)
        ):
            raise AssistantError(
                "eval-cases",
                f'{cases_file}, line {number}: expected {{"audio": "x.wav", "contact": "Maria Garcia"}}',
            )
        person = phonebook.person(entry["contact"])
        if person is None:
            raise AssistantError(
                "eval-cases", f"{cases_file}, line {number}: {entry['contact']!r} is not in the phonebook"
            )
        path = (cases_file.parent / entry["audio"]).resolve()
        if not path.is_file():
            raise AssistantError(
                "eval-cases", f"{cases_file}, line {number}: audio file {entry['audio']} not found"
            )
        cases.append(NamedialCase(number, path, person))
    if not cases:
        raise AssistantError("eval-cases", f"{cases_file} has no cases")
    return cases


def recognize_command(recognizer: CommandRecognizer, audio: np.ndarray) -> tuple[Command, float]:
    """One utterance through the assistant line's recognizer, fed as a call feeds it.

    Returns:
        The command, and the seconds from the last audio fed to the final hypothesis.
    """
    stream = recognizer.stream()
    for start in range(0, audio.size, CHUNK):
        stream.feed(audio[start : start + CHUNK])
    started = time.perf_counter()
    hypothesis = stream.final()
    latency_s = time.perf_counter() - started
    return recognizer.interpret(hypothesis), latency_s


def ranked_people(command: Command) -> list[Person]:
    """The people a command would dial or offer, best first ([] when it has no name match)."""
    if command.action != "call-name" or command.match is None or command.match.kind == "none":
        return []
    return [candidate.person for candidate in command.match.ranked]


def run_eval_namedial(
    settings: Settings,
    phonebook_csv: Path,
    cases_jsonl: Path,
    telephony: bool,
    out: TextIO | None = None,
    dictation: bool = True,
) -> NamedialScores:
    """Run every case; print the misses, the decisions and the summary line; return the scores.

    Args:
        settings: service settings (which grammar and dictation engines).
        phonebook_csv: the phonebook CSV.
        cases_jsonl: the cases (see the module docstring).
        telephony: pass the audio through an 8 kHz mu-law phone line first.
        out: where the lines go (standard output if None).
        dictation: give the recognizer the dictation engine's second opinion, as the service does.

    Raises:
        AssistantError: ``phonebook-invalid`` or ``eval-cases``, naming the file and line.
    """
    from assistant.speech.asr.select import dictation_engine, grammar_engine

    out = out or sys.stdout
    phonebook = Phonebook.from_csv(phonebook_csv)
    cases = load_namedial_cases(cases_jsonl, phonebook)
    engine = grammar_engine(settings)
    second = dictation_engine(settings) if dictation else None
    started = time.perf_counter()
    recognizer = CommandRecognizer(engine, phonebook, dictation=second)
    build_s = time.perf_counter() - started
    latencies: list[float] = []
    top1 = top3 = 0
    kinds = {"sure": 0, "sure-wrong": 0, "confirm": 0, "none": 0}
    compute_s = audio_s = 0.0
    for case in cases:
        try:
            audio = as_int16(load_16k(case.audio_path))
        except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError) as exc:
            raise AssistantError(
                "eval-cases", f"{cases_jsonl}, line {case.line}: cannot read audio: {exc}"
            ) from exc
        if telephony:
            audio = telephone_line(audio)
        started = time.perf_counter()
        command, latency_s = recognize_command(recognizer, audio)
        compute_s += time.perf_counter() - started
        latencies.append(latency_s)
        audio_s += audio.size / SAMPLE_RATE_HZ
        people = ranked_people(command)
        first = bool(people) and people[0] is case.contact
        top1 += first
        top3 += case.contact in people[:3]
        kind = command.match.kind if command.match is not None else "none"
        kinds[kind] += 1
        if kind == "sure" and not first:
            kinds["sure-wrong"] += 1
        if not first:
            offered = [c.person.name for c in command.match.candidates] if command.match else []
            print(
                f"miss  line={case.line}  expected={case.contact.name}  heard={command.text!r}  "
                f"action={command.action}  kind={kind}  confidence={command.confidence:.2f}  "
                f"ranked={[person.name for person in people[:3]]}  offered={offered}",
                file=out,
                flush=True,
            )
    n = len(cases)
    latencies.sort()
    print(
        f"engine={engine.name}  dictation={second.name if second is not None else 'none'}  "
        f"telephony={telephony}  contacts={len(phonebook)}  grammar build {build_s:.2f} s  "
        f"real-time factor {compute_s / audio_s if audio_s else 0.0:.3f}  "
        f"final latency p50 {statistics.median(latencies) * 1000:.0f} ms  "
        f"p95 {latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000:.0f} ms",
        file=out,
    )
    print(
        f"decisions: sure={kinds['sure']} (wrong {kinds['sure-wrong']}: "
        f"{kinds['sure-wrong'] / n:.1%} dialed without asking)  confirm={kinds['confirm']}  "
        f"none={kinds['none']}",
        file=out,
    )
    scores = NamedialScores(top1 / n, top3 / n, n)
    print(scores.summary(), file=out, flush=True)
    return scores
