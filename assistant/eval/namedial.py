"""`assistant eval namedial`: does "call <name>" reach the right person of a phonebook?

The phonebook is a CSV with a header of at least ``name,number`` (optional ``nickname``,
``label``); each case is ``{"audio": "path.wav", "contact": "Maria Garcia"}`` (paths relative
to the cases file; ``contact`` is a name in the phonebook), or ``{"audio": ..., "number":
"+12025550147"}`` for a number said digit by digit; other keys (``text``, ``speaker``) are
kept for the misses printed. The recognizer is built as the
service builds it: a :class:`CommandRecognizer` of the grammar engine with the dictation
engine as its second opinion (``select.grammar_engine`` and ``select.dictation_engine``; with
``dictation=False``, ``--no-dictation``, the grammar alone). Each case's audio is fed, 20 ms at
a time, to ``recognizer.stream()``, and its final result goes through
``recognizer.interpret``: exactly what the assistant line does.

A name case counts for top1 when the command is "call-name", the match is not "none" and its
best candidate is the contact; for top3 when the contact is among the best three. top1 is
strict: when the assistant offers a pair that sounds the same ("John Smith, or Jon Smyth?")
with the other one first, it is a miss; ``top1_sounds_alike`` also counts the case where the
contact is offered behind people whose names sound the same as theirs (the same phonetic key),
which the owner then picks by "the second one". A number case is right when the command is
"call-number" with the number's digits.

A wrong dial is a call placed without asking to someone not asked for: a "sure" match for
another person, a number case dialed with other digits, or a name case heard as a number (a
number is dialed as heard unless it is read back first: ``ask_first``). Misses are printed
one per line, then the engines and the recognition latency (from the last audio fed to the
final hypothesis; the audio is fed faster than real time, so a dictation decode has no head
start here: bench/namedial_bench.py measures it fed as a call feeds it), how the decisions
split, the cases right by speaker when the cases name their speakers, and last (top1 and
top3 over the name cases, n of them)::

    top1=0.950 top3=0.990 wrong_dial=0.005 n=180 numbers=19/20
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import soundfile

from assistant.config import Settings
from assistant.domain.name_match import phonetic_key
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
    contact: Person | None
    number: str | None = None
    text: str = ""
    speaker: str = ""


@dataclass(frozen=True)
class NamedialScores:
    top1: float
    top3: float
    n: int
    wrong_dial: float = 0.0
    numbers_right: int = 0
    numbers: int = 0
    top1_sounds_alike: float = 0.0

    def summary(self) -> str:
        return (
            f"top1={self.top1:.3f} top3={self.top3:.3f} wrong_dial={self.wrong_dial:.3f} n={self.n} "
            f"numbers={self.numbers_right}/{self.numbers}"
        )


NUMBER = re.compile(r"^\+?[0-9]{4,}$")


def load_namedial_cases(cases_file: Path, phonebook: Phonebook) -> list[NamedialCase]:
    """Cases of a JSONL file; raises AssistantError (``eval-cases``) naming the line of a bad one."""
    cases = []
    for number, entry in jsonl_entries(cases_file):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("audio"), str)
            or isinstance(entry.get("contact"), str) == isinstance(entry.get("number"), str)
            or (isinstance(entry.get("number"), str) and not NUMBER.match(entry["number"]))
        ):
            raise AssistantError(
                "eval-cases",
                f'{cases_file}, line {number}: expected {{"audio": "x.wav", "contact": "Maria Garcia"}} '
                f'or {{"audio": "x.wav", "number": "+12025550147"}}',
            )
        person = None
        if isinstance(entry.get("contact"), str):
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
        cases.append(
            NamedialCase(
                number,
                path,
                person,
                entry.get("number"),
                str(entry.get("text", "")),
                str(entry.get("speaker", "")),
            )
        )
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


def sounds_alike_first(command: Command, contact: Person) -> bool:
    """Whether `contact` is offered, behind only people whose names sound the same as theirs."""
    if command.match is None or command.match.kind != "confirm":
        return False
    offered = [candidate.person for candidate in command.match.candidates]
    if contact not in offered:
        return False
    key = phonetic_key(contact.name)
    return all(phonetic_key(person.name) == key for person in offered[: offered.index(contact)])


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
    top1 = top3 = alike = wrong = numbers_right = read_back = 0
    kinds = {"sure": 0, "confirm": 0, "none": 0}
    by_speaker: dict[str, list[int]] = {}
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
        kind = command.match.kind if command.match is not None else "none"
        kinds[kind] += 1
        read_back += command.action == "call-number" and command.ask_first
        if case.contact is not None:
            first = bool(people) and people[0] is case.contact
            top1 += first
            top3 += case.contact in people[:3]
            alike += first or sounds_alike_first(command, case.contact)
            dialed_wrong = (kind == "sure" and not first) or (
                command.action == "call-number" and not command.ask_first
            )
            right = first
        else:
            right = command.action == "call-number" and command.number == case.number
            numbers_right += right
            dialed_wrong = (command.action == "call-number" and not right and not command.ask_first) or (
                kind == "sure"
            )
        wrong += dialed_wrong
        if case.speaker:
            by_speaker.setdefault(case.speaker, []).append(int(right))
        if not right:
            offered = [c.person.name for c in command.match.candidates] if command.match else []
            expected = case.contact.name if case.contact is not None else case.number
            said = f"  said={case.text!r}" if case.text else ""
            print(
                f"miss  line={case.line}  expected={expected}{said}  heard={command.text!r}  "
                f"action={command.action}  number={command.number!r}  kind={kind}  "
                f"confidence={command.confidence:.2f}  ranked={[person.name for person in people[:3]]}  "
                f"offered={offered}{'  WRONG DIAL' if dialed_wrong else ''}",
                file=out,
                flush=True,
            )
    n = len(cases)
    names = sum(1 for case in cases if case.contact is not None)
    latencies.sort()
    print(
        f"engine={engine.name}  dictation={second.name if second is not None else 'none'}  "
        f"telephony={telephony}  contacts={len(phonebook)}  grammar build {build_s:.2f} s  "
        f"real-time factor {compute_s / audio_s if audio_s else 0.0:.3f}  "
        f"final latency p50 {statistics.median(latencies) * 1000:.0f} ms  "
        f"p95 {latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000:.0f} ms",
        file=out,
    )
    if by_speaker:
        print(
            "right by speaker: "
            + "  ".join(f"{who}={sum(hits)}/{len(hits)}" for who, hits in sorted(by_speaker.items())),
            file=out,
        )
    print(
        f"decisions: sure={kinds['sure']}  confirm={kinds['confirm']}  none={kinds['none']}  "
        f"numbers read back before dialing={read_back}  "
        f"wrong dials (a call placed without asking to someone not asked for)={wrong} of {n} "
        f"requests: {wrong / n:.1%}",
        file=out,
    )
    scores = NamedialScores(
        top1 / names if names else 0.0,
        top3 / names if names else 0.0,
        names,
        wrong / n,
        numbers_right,
        n - names,
        alike / names if names else 0.0,
    )
    print(
        f'top1 counting a contact offered behind sound-alike names ("John Smith, or Jon Smyth?"): '
        f"top1_sounds_alike={scores.top1_sounds_alike:.3f}",
        file=out,
    )
    print(scores.summary(), file=out, flush=True)
    return scores
