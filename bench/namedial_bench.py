"""Name dialing figures for phonebooks of 1,000 and 10,000 contacts.

For each size, a synthetic phonebook (first and last names of audio-fixtures/namedial/
phonebook.csv combined at random, a tenth with nicknames, a twentieth with a mobile and an
office number, and the people of the first spoken fixtures added) is given to a fresh
PocketSphinx engine, and the bench reports:

* grammar build: ``CommandRecognizer(engine, phonebook)``, split into the phonebook index,
  compiling the structured grammar (espeak-ng pronunciations included) and registering it on
  the decoder (PocketSphinx builds its search there);
* match latency: ``recognizer.interpret`` of typical hypotheses (a full name, a name with a
  label, a nickname, a name with n-best alternatives), p50 and p95;
* recognition: real-time factor of the fixture utterances through an 8 kHz mu-law line, fed
  in 20 ms chunks, as a call feeds them (and how many of them reached the right person first);
* command latency, the time from the last audio frame to the final hypothesis, with the grammar
  alone and with the dictation engine's second opinion (``CommandRecognizer(...,
  dictation=...)``, the dictation engine the service selects: Whisper tiny.en), p50 and p95.
  The utterances are fed as a live call feeds them: the speech in 100 ms pieces, then the
  450 ms of quiet the endpointer waits for before it ends a command, in real time, since the
  dictation decode starts during that quiet (see ``CommandStream``).

For comparison, the 1,000-contact book is also compiled as one flat list of "call ..." phrases.

Run: python bench/namedial_bench.py
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.domain.name_match import NameMatcher
from assistant.domain.phonebook import Entry, Phonebook
from assistant.eval.namedial import ranked_people, recognize_command
from assistant.speech.asr.base import DictationEngine, Hypothesis, as_int16
from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine
from assistant.speech.asr.select import dictation_engine
from assistant.speech.audio import load_16k
from assistant.speech.g711 import telephone_line
from assistant.speech.name_dialing import CommandRecognizer

FIXTURES = Path(__file__).resolve().parent.parent / "audio-fixtures" / "namedial"
SIZES = (1_000, 10_000)
UTTERANCES = 12
MATCH_RUNS = 300
LIVE_CHUNK = 1600  # the live flow hands audio to the recognizer every 100 ms
ENDPOINT_QUIET_S = 0.45  # the trailing silence that ends a command (assistant/call.py, grammar_endpoint)
NICKNAMES = ["Bob", "Liz", "Jim", "Tony", "Sasha", "Bill", "Kate", "Mike", "Sam", "Chris", "Pat", "Lupe"]


def fixture_book() -> Phonebook:
    return Phonebook.from_csv(FIXTURES / "phonebook.csv")


def spoken_cases(book: Phonebook) -> list[tuple[np.ndarray, str]]:
    lines = [json.loads(line) for line in (FIXTURES / "cases.jsonl").read_text().splitlines() if line]
    # Full names from the drawn cases (the first 35 are the near-homophones, said one after the other).
    picked = [case for case in lines[35:] if case["text"].count(" ") >= 2][:UTTERANCES]
    return [
        (telephone_line(as_int16(load_16k(FIXTURES / case["audio"]))), case["contact"]) for case in picked
    ]


def synthetic_book(size: int, source: Phonebook, must_have: list[str], rng: random.Random) -> Phonebook:
    firsts = sorted({person.name.split()[0] for person in source.people})
    lasts = sorted({person.name.split()[-1] for person in source.people})
    names = list(dict.fromkeys(must_have))
    taken = {name.lower() for name in names}
    while len(names) < size:
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        if name.lower() not in taken:
            taken.add(name.lower())
            names.append(name)
    entries = []
    serial = 0
    for name in names:
        nickname = rng.choice(NICKNAMES) if rng.random() < 0.1 else None
        labels = ["mobile", "office"] if rng.random() < 0.05 else [None]
        for label in labels:
            serial += 1
            entries.append(Entry(name, f"+1555{serial:07d}", nickname, label))
    return Phonebook(entries)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def typical_hypotheses(book: Phonebook, rng: random.Random) -> list[Hypothesis]:
    people = book.people
    hypotheses = []
    for _ in range(MATCH_RUNS):
        person = rng.choice(people)
        full = " ".join(person.words)
        other = " ".join(rng.choice(people).words)
        kind = rng.randrange(4)
        if kind == 0:
            hypotheses.append(Hypothesis(f"call {full}", 0.93))
        elif kind == 1:
            hypotheses.append(Hypothesis(f"call {full} on mobile", 0.88))
        elif kind == 2 and person.nicknames:
            hypotheses.append(Hypothesis(f"call {person.nicknames[0].lower()} {person.last_name}", 0.8))
        else:
            hypotheses.append(Hypothesis(f"call {full}", 0.7, [(f"call {other}", 0.6), ("help", 0.2)]))
    return hypotheses


def live_latency(recognizer: CommandRecognizer, clip: np.ndarray) -> tuple[float, Hypothesis]:
    """Feed a clip as a live call does and time ``final()``: seconds from the last frame to the result."""
    quiet = np.tile(clip[:LIVE_CHUNK], round(ENDPOINT_QUIET_S * 16000 / LIVE_CHUNK))  # the line's own hiss
    stream = recognizer.stream()
    for start in range(0, clip.size, LIVE_CHUNK):
        stream.feed(clip[start : start + LIVE_CHUNK])
    for start in range(0, quiet.size, LIVE_CHUNK):
        fed = time.perf_counter()
        stream.feed(quiet[start : start + LIVE_CHUNK])
        time.sleep(max(0.0, LIVE_CHUNK / 16000 - (time.perf_counter() - fed)))
    started = time.perf_counter()
    hypothesis = stream.final()
    return time.perf_counter() - started, hypothesis


def latency_line(label: str, recognizer: CommandRecognizer, cases: list[tuple[np.ndarray, str]]) -> str:
    latencies = []
    right = 0
    for clip, contact in cases:
        latency, hypothesis = live_latency(recognizer, clip)
        latencies.append(latency)
        people = ranked_people(recognizer.interpret(hypothesis))
        right += bool(people) and people[0].name == contact
    return (
        f"       command latency {label:<22} p50 {statistics.median(latencies) * 1000:5.0f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:5.0f} ms  right person first {right}/{len(cases)}"
    )


def measure(
    size: int, source: Phonebook, cases: list[tuple[np.ndarray, str]], dictation: DictationEngine
) -> None:
    rng = random.Random(size)
    book = synthetic_book(size, source, ["Maria Garcia"] + [contact for _, contact in cases], rng)
    engine = PocketSphinxEngine()

    started = time.perf_counter()
    NameMatcher(Phonebook(book.entries))
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    recognizer = CommandRecognizer(engine, book)
    build_s = time.perf_counter() - started
    grammar = recognizer.grammar

    hypotheses = typical_hypotheses(book, rng)
    latencies = []
    for hypothesis in hypotheses:
        started = time.perf_counter()
        recognizer.interpret(hypothesis)
        latencies.append(time.perf_counter() - started)

    compute = audio = 0.0
    right = 0
    for clip, contact in cases:
        started = time.perf_counter()
        command, _ = recognize_command(recognizer, clip)
        compute += time.perf_counter() - started
        audio += clip.size / 16000
        people = ranked_people(command)
        right += bool(people) and people[0].name == contact
    print(
        f"{len(book):>6} people, {len(book.entries):>6} numbers, {len(book.spoken_forms()):>6} spoken forms, "
        f"{len(grammar.pronunciations)} words from espeak-ng"
    )
    print(
        f"       grammar build {build_s:6.2f} s (phonebook + matcher index {index_s:.2f} s)  "
        f"JSGF {len(grammar.jsgf) / 1000:.0f} kB"
    )
    print(
        f"       interpret p50 {statistics.median(latencies) * 1000:6.2f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:6.2f} ms  ({len(latencies)} hypotheses)"
    )
    print(
        f"       recognition real-time factor {compute / audio:.3f} ({len(cases)} utterances, "
        f"{audio:.1f} s of telephone audio); right person first {right}/{len(cases)}"
    )
    print(latency_line("grammar alone", recognizer, cases))
    seconded = CommandRecognizer(engine, book, dictation=dictation)
    print(latency_line(f"with {dictation.name} dictation", seconded, cases))


def flat_comparison(size: int, source: Phonebook, cases: list[tuple[np.ndarray, str]]) -> None:
    """The same book as one flat list of "call NAME" / "call NAME on LABEL" phrases."""
    rng = random.Random(size)
    book = synthetic_book(size, source, ["Maria Garcia"] + [contact for _, contact in cases], rng)
    engine = PocketSphinxEngine()
    forms = [form.text for form in book.spoken_forms()]
    phrases = [f"call {form}" for form in forms] + [
        f"call {form} on {label}" for form in forms for label in ("mobile", "office")
    ]
    started = time.perf_counter()
    grammar = engine.compile(phrases, "flat")
    engine.prepare(grammar)
    build_s = time.perf_counter() - started
    compute = audio = 0.0
    for clip, _ in cases:
        started = time.perf_counter()
        stream = engine.stream(grammar)
        for start in range(0, clip.size, 320):
            stream.feed(clip[start : start + 320])
        stream.final()
        compute += time.perf_counter() - started
        audio += clip.size / 16000
    print(
        f"{len(book):>6} people as a flat list of {len(phrases)} phrases: build {build_s:.2f} s, "
        f"recognition real-time factor {compute / audio:.3f}"
    )


def main() -> None:
    source = fixture_book()
    cases = spoken_cases(source)
    dictation = dictation_engine(Settings())
    print("name dialing, PocketSphinx en-us, structured grammar (<command> with a <name> rule)")
    for size in SIZES:
        measure(size, source, cases, dictation)
    print("comparison:")
    flat_comparison(SIZES[0], source, cases)


if __name__ == "__main__":
    main()
