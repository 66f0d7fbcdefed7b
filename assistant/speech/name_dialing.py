"""The assistant line's commands: "call Maria Garcia (on mobile)", "call 555 ...", "play my messages".

:class:`CommandRecognizer` builds, from grammars/assistant_commands.toml and the owner's
phonebook, one grammar for the grammar engine, and turns what was heard into a
:class:`Command`. The live flow and ``assistant eval namedial`` use it the same way::

    recognizer = CommandRecognizer(engine, phonebook, dictation=dictation)  # once per phonebook
    stream = recognizer.stream()                                            # per utterance
    stream.feed(frame) ...                                                  # 16 kHz int16 audio
    command = recognizer.interpret(stream.final())

The dictation engine (Whisper tiny.en in the service) is a second opinion: PocketSphinx's
wideband model is weak on 8 kHz phone audio, always answers with some path through a grammar of
thousands of names, with a confidence near 1.0 whether it is right or not (the score gap to
its phone loop does not tell them apart on this grammar), and now and then rejects a good
utterance. :class:`CommandStream` feeds both; its hypothesis is the grammar's with the dictated
sentence as a marked alternative, or the marked dictated sentence when the grammar found no
match (:func:`combine`). :meth:`CommandRecognizer.interpret` reads the dictated sentence with
the same phrases, or guesses the name in it ("Paul Maria Garcia on her mobile."), ranks the
people on both opinions, dials without asking only when the grammar is sure and the dictated
name supports its person, and otherwise offers the best of both. On the fixtures through a
phone line this took top3 from 0.875 to 0.945 and the people dialed without asking who were
not meant from 2 in 200 to none. The price is latency: Whisper takes about 0.85 s per command
on this project's machine, of which about 0.3 s is hidden in the endpointer's trailing
silence, so a command is understood about 0.5 s later than with the grammar alone
(docs/PERFORMANCE.md, bench/namedial_bench.py). A third opinion is Whisper again, told the names
of the people the first two point to (:meth:`CommandRecognizer.expected_names`): it then writes
names it turned into common words before ("Call Vikram Gupta" for "Call the grand good."). It
counts twice in a person's score, and never makes a call "sure" (docs/decisions/0016).

With an engine that takes structured grammars (PocketSphinx, ``compile_rules``) the grammar is
``<command>`` with the command phrases referring to a ``<name>`` rule of every spoken form of
the book, a ``<label>`` rule and a ``<number>`` rule of spoken digits: 10,000 contacts build in
about 2 s and are recognized at a real-time factor of 0.6 to 0.7 on this project's machine,
where one flat list of every "call NAME ..." phrase of just 1,000 contacts took 1.4 to 1.9 s
to build and decoded at 4.5 to 6 times real time (bench/namedial_bench.py). With an engine that only takes
phrase lists, every "call NAME ..." phrase is listed, and numbers can only be keyed in.

For "call-name" the name heard (and any other names in the engine's n-best) is re-ranked
against the phonebook (:mod:`assistant.domain.name_match`), and the command carries the
:class:`Match`: "sure" (dial), "confirm" (ask "Did you mean ...?" with at most three names:
:meth:`CommandRecognizer.confirmation_phrases` is the grammar of the answer and
:meth:`CommandRecognizer.choose` reads it) or "none" (ask again, or offer dial by name on the
keypad: :meth:`Phonebook.by_keypad`).
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from assistant.domain.name_match import (
    MAX_OFFERED,
    MIN_SCORE,
    SURE_CONFIDENCE,
    Candidate,
    Match,
    NameMatcher,
    decide,
    similarity,
)
from assistant.domain.phonebook import Person, Phonebook
from assistant.errors import AssistantError
from assistant.grammars import GRAMMARS_DIR
from assistant.speech.asr.base import (
    BufferedStream,
    DictationEngine,
    Grammar,
    GrammarEngine,
    Hypothesis,
    RecognitionStream,
    as_int16,
    no_match,
    quickest,
)
from assistant.speech.endpointing import FRAME_MS, RATE_HZ, Endpointer
from assistant.speech.expect import DIGIT_WORDS
from assistant.speech.textnorm import normalize

log = logging.getLogger(__name__)

ACTIONS = ("call-name", "call-number", "messages", "help", "goodbye")
ANSWERS = ("yes", "no", "first", "second", "third")
ORDINALS = {"first": 0, "second": 1, "third": 2}
KEYS = "0123456789*#"
SLOT = re.compile(r"\{(name|label|number)\}")
PHRASE = re.compile(
    r"^(?:[a-z][a-z']*|\{(?:name|label|number)\})(?: (?:[a-z][a-z']*|\{(?:name|label|number)\}))*$"
)
MIN_DIGITS = 4
NAME_REPLY_SIMILARITY = 0.85
NAME_REPLY_MARGIN = 0.05
ANSWER_SIMILARITY = 80

# The second opinion of dictation (see CommandStream and CommandRecognizer.interpret).
DICTATED = "dictated: "
# The third: dictation again, told the names the first two point to (WhisperEngine.transcribe_expecting).
HINTED = "dictated expecting names: "
HINTED_NAMES = 10
LABEL_LEAD = ("on", "at", "one", "in", "to", "his", "her", "their", "my", "the")
COMMAND_WORD_SIMILARITY = 0.5
# A dictated sentence that no phrase reads: every short run of its words is tried as the name,
# those that are not what follows the carrier with this weight (see _read_dictated).
SPAN_WEIGHT = 0.9
MAX_SPAN_WORDS = 4
MAX_SPANNED_WORDS = 9
UNCARRIED_SCORE = 0.8  # a guess without a carrier must fit someone this well
DIGIT_RUN = re.compile(r"\+?\d[\d\s().,-]*\d")
# Words a dictation writes for a digit it heard ("Call for one five five ..."), read as that digit
# in a run of digits when the sentence reads no other way.
DIGIT_HOMOPHONES = {"for": "four", "fore": "four", "to": "two", "too": "two", "won": "one", "ate": "eight"}
COMMAND_SIMILARITY = 85
FUSED_KEPT = 40
GRAMMAR_WEIGHT = 1.0  # a person's score: the weighted mean of their fit on the three sides
DICTATION_WEIGHT = 1.0
HINTED_WEIGHT = 2.0
# "Sure" needs the dictated name to fit the grammar's person at least this well. On the
# fixtures' phone-line eval, the two people the grammar alone dialed wrongly fit 0.0 and 0.48;
# the people it dialed rightly fit from 0.39 up, 5 of 109 of them below 0.5.
SUPPORT_SCORE = 0.5
SPECULATE_AFTER_MS = 200  # quiet after speech before the dictation decode starts
VOICE_FRAME_MS = FRAME_MS
VOICE_FRAME = RATE_HZ * FRAME_MS // 1000


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AssistantError("grammar-invalid", f"cannot read grammar {path}: {exc}") from exc


def _phrases(path: Path, where: str, value: object, slots: bool) -> tuple[str, ...]:
    pattern = PHRASE if slots else re.compile(r"^[a-z][a-z']*(?: [a-z][a-z']*)*$")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(p, str) and pattern.match(p) for p in value)
    ):
        raise AssistantError(
            "grammar-invalid", f"{path}: {where} needs a list of lower-case phrases, got {value!r}"
        )
    return tuple(value)


def _key(path: Path, where: str, value: object, taken: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 1 or value not in KEYS or value in taken:
        raise AssistantError("grammar-invalid", f"{path}: key {value!r} of {where} is invalid or taken")
    return value


@dataclass(frozen=True)
class CommandSet:
    """The commands of grammars/assistant_commands.toml.

    Attributes:
        phrases: action -> phrases, with ``{name}``, ``{label}``, ``{number}`` slots (a command's
            carriers and endings already combined into phrases).
        keys: DTMF key -> action.
        labels: canonical label ("mobile") -> phrases that say it.
        before: filler words said first ("uh", "okay"), at most one.
        polite: politeness said before a command ("could you please"), at most one.
        after: filler phrases said after a command ("please", "thank you"), at most one.
    """

    phrases: dict[str, tuple[str, ...]]
    keys: dict[str, str]
    labels: dict[str, tuple[str, ...]]
    before: tuple[str, ...] = ()
    polite: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


def _slot_phrases(path: Path, command: str, entry: dict) -> list[str]:
    """A command's ``carriers`` x ``endings`` as phrases around its slot ("connect me to {name}")."""
    if "carriers" not in entry:
        return []
    slot = {"call-name": "{name}", "call-number": "{number}"}.get(entry.get("action"))
    carriers, endings = entry.get("carriers"), entry.get("endings", [""])
    plain = re.compile(r"^(?:[a-z][a-z']*(?: [a-z][a-z']*)*)?$")
    ending = re.compile(r"^(?:(?:[a-z][a-z']*|\{label\})(?: (?:[a-z][a-z']*|\{label\}))*)?$")
    if (
        slot is None
        or not isinstance(carriers, list)
        or not carriers
        or not all(isinstance(c, str) and plain.match(c) for c in carriers)
        or not isinstance(endings, list)
        or not endings
        or not all(isinstance(e, str) and ending.match(e) for e in endings)
        or len(set(carriers)) != len(carriers)
    ):
        raise AssistantError(
            "grammar-invalid",
            f"{path}: command {command!r}: carriers and endings are lists of distinct lower-case "
            f'phrases ("" for none), for call-name or call-number only',
        )
    return [
        " ".join(part for part in (carrier, slot, end) if part) for carrier in carriers for end in endings
    ]


def load_commands(path: Path = GRAMMARS_DIR / "assistant_commands.toml") -> CommandSet:
    """Read and check the command file (``grammar-invalid`` AssistantError when it is wrong)."""
    data = _read_toml(path)
    unknown = sorted(set(data) - {"commands", "labels", "fillers"})
    if unknown or not set(data.get("fillers", {})) <= {"before", "polite", "after"}:
        raise AssistantError(
            "grammar-invalid",
            f"{path}: unknown tables or keys {unknown or sorted(data['fillers'])}; "
            "use [commands.*], [labels] and [fillers] (before, polite, after)",
        )
    phrases: dict[str, tuple[str, ...]] = {}
    keys: dict[str, str] = {}
    for command, entry in data.get("commands", {}).items():
        action = entry.get("action")
        if action not in ACTIONS or action in phrases:
            raise AssistantError(
                "grammar-invalid", f"{path}: command {command!r} has a bad or repeated action {action!r}"
            )
        listed = entry.get("phrases", [] if "carriers" in entry else None)
        if listed != []:
            listed = list(_phrases(path, f"command {command!r}", listed, slots=True))
        phrases[action] = tuple(dict.fromkeys(listed + _slot_phrases(path, command, entry)))
        slots = {slot for phrase in phrases[action] for slot in SLOT.findall(phrase)}
        needed = {"call-name": {"name"}, "call-number": {"number"}}.get(action, set())
        if (
            not needed <= slots
            or ("number" in slots) != (action == "call-number")
            or ("name" in slots and action != "call-name")
        ):
            raise AssistantError(
                "grammar-invalid", f"{path}: the slots of command {command!r} do not fit {action}"
            )
        key = _key(path, f"command {command!r}", entry.get("key"), keys)
        if key is not None:
            keys[key] = action
    if "call-name" not in phrases:
        raise AssistantError("grammar-invalid", f"{path}: no call-name command")
    labels = {
        label: _phrases(path, f"label {label!r}", value, slots=False)
        for label, value in data.get("labels", {}).items()
    }
    uses_labels = any("{label}" in phrase for values in phrases.values() for phrase in values)
    if uses_labels and not labels:
        raise AssistantError("grammar-invalid", f"{path}: phrases use {{label}} but [labels] is empty")
    fillers = data.get("fillers", {})
    before, polite, after = (
        _phrases(path, f"fillers.{kind}", fillers[kind], slots=False) if kind in fillers else ()
        for kind in ("before", "polite", "after")
    )
    if any(" " in word for word in before):
        raise AssistantError("grammar-invalid", f"{path}: fillers.before are single words")
    return CommandSet(phrases, keys, labels, before, polite, after)


@dataclass(frozen=True)
class ConfirmAnswers:
    """The answers of grammars/confirm_choice.toml: answer -> phrases, and key -> answer."""

    phrases: dict[str, tuple[str, ...]]
    keys: dict[str, str]


def load_confirm_answers(path: Path = GRAMMARS_DIR / "confirm_choice.toml") -> ConfirmAnswers:
    """Read and check the confirmation answers (``grammar-invalid`` AssistantError when wrong)."""
    data = _read_toml(path)
    phrases: dict[str, tuple[str, ...]] = {}
    keys: dict[str, str] = {}
    for answer, entry in data.get("answers", {}).items():
        if answer not in ANSWERS:
            raise AssistantError(
                "grammar-invalid", f"{path}: unknown answer {answer!r}; use {', '.join(ANSWERS)}"
            )
        phrases[answer] = _phrases(path, f"answer {answer!r}", entry.get("phrases"), slots=False)
        key = _key(path, f"answer {answer!r}", entry.get("key"), keys)
        if key is not None:
            keys[key] = answer
    missing = [answer for answer in ANSWERS if answer not in phrases]
    if missing:
        raise AssistantError("grammar-invalid", f"{path}: answers missing: {', '.join(missing)}")
    return ConfirmAnswers(phrases, keys)


@dataclass(frozen=True)
class Command:
    """What the owner asked for.

    Attributes:
        action: "call-name", "call-number", "messages", "help", "goodbye" or "unknown".
        match: for "call-name", whom to call (sure, confirm or none); else None.
        label: for "call-name", the number asked for ("mobile", "office") or None.
        number: for "call-number", the digits ("+" first if "plus" was said).
        ask_first: for "call-number", read the number back and dial only on a yes: the two
            recognizers did not hear the same digits (or the grammar alone was not confident).
        confidence: the recognizer's confidence, 0..1.
        text: what the recognizer heard (normalized), "" for nothing.
    """

    action: str
    match: Match | None = None
    label: str | None = None
    number: str = ""
    ask_first: bool = False
    confidence: float = 0.0
    text: str = ""


@dataclass(frozen=True)
class _Reading:
    action: str
    name: str | None = None
    label: str | None = None
    number: str = ""
    others: tuple[str, ...] = ()  # other runs of words of a dictated sentence that may be the name
    exact: bool = True  # read with the grammar's own phrases (not guessed from a dictated sentence)
    carried: bool = True  # a guess that starts with (what sounds like) a carrier


def spell_digit_homophones(spoken: str) -> str:
    """`spoken` with the :data:`DIGIT_HOMOPHONES` in runs of at least ``MIN_DIGITS`` digit words
    spelled as the digits ("call for one five five five" -> "call four one five five five")."""
    words = spoken.split()
    spelled = list(words)
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and (words[end] in DIGIT_WORDS or words[end] in DIGIT_HOMOPHONES):
            end += 1
        digits = sum(word in DIGIT_WORDS for word in words[start:end])
        if end - start >= MIN_DIGITS and digits >= MIN_DIGITS - 1:
            spelled[start:end] = [DIGIT_HOMOPHONES.get(word, word) for word in words[start:end]]
        start = max(end, start + 1)
    return " ".join(spelled)


def longest_digit_run(spoken: str) -> str:
    """The number said in the longest run of at least ``MIN_DIGITS`` digit words of `spoken`
    ("battle four one five five five" -> "41555"; "plus" before the run -> "+"), "" if none."""
    best = ""
    run: list[str] = []
    plus = False
    for word in [*spoken.split(), ""]:
        if word in DIGIT_WORDS:
            run.append(DIGIT_WORDS[word])
            continue
        if len(run) >= MIN_DIGITS and len(run) > len(best.lstrip("+")):
            best = ("+" if plus else "") + "".join(run)
        run, plus = [], word == "plus"
    return best


@dataclass(frozen=True)
class _Side:
    """One recognizer's opinion of a name: the names it heard, the people they fit, its weight."""

    names: list[tuple[str, float]]
    ranked: list[Candidate]
    weight: float


def _person(candidate: Candidate | Person) -> Person:
    return candidate.person if isinstance(candidate, Candidate) else candidate


def combine(grammar: Hypothesis, dictated: Hypothesis) -> Hypothesis:
    """One hypothesis of what the grammar heard and what dictation wrote down.

    The grammar's result stays as it is, with the dictated text added as its last alternative,
    marked with :data:`DICTATED` ("dictated: Call John Smith."). When the grammar found no
    match but dictation heard something, the marked dictated text is the text (with the
    dictation's confidence) and the grammar's rejected candidates are the alternatives, so a
    caller that takes an empty text for "no match" still passes it on.
    """
    if not dictated.text:
        return grammar
    marked = (DICTATED + dictated.text, dictated.confidence)
    if grammar.text:
        return Hypothesis(grammar.text, grammar.confidence, [*grammar.alternatives, marked])
    return Hypothesis(marked[0], marked[1], list(grammar.alternatives))


def describe_turn(
    heard: Hypothesis, dictated: tuple[str, float] | None, command: Command, hinted: str = ""
) -> str:
    """One log line of a command turn: what each recognizer heard, and what was made of it."""
    alternatives = ", ".join(f"{text!r} {confidence:.2f}" for text, confidence in heard.alternatives)
    said = f"{dictated[0]!r} {dictated[1]:.2f}" if dictated is not None else "none"
    outcome = command.action
    if command.match is not None:
        people = ", ".join(f"{c.person.name} {c.score:.2f}" for c in command.match.candidates)
        outcome += f" {command.match.kind} [{people}]"
    if command.label:
        outcome += f" label={command.label}"
    if command.action == "call-number":
        outcome += f" number={command.number}{' ask first' if command.ask_first else ''}"
    return (
        f"command turn: grammar {heard.text!r} {heard.confidence:.2f}; n-best [{alternatives}]; "
        f"dictated {said}; expecting names {hinted!r} -> {outcome}"
    )


def with_hinted(heard: Hypothesis, hinted: Hypothesis) -> Hypothesis:
    """`heard` (of :func:`combine`) with the dictation told the names added, marked :data:`HINTED`."""
    if not hinted.text:
        return heard
    marked = (HINTED + hinted.text, hinted.confidence)
    return Hypothesis(heard.text, heard.confidence, [*heard.alternatives, marked])


def hinted_text(hypothesis: Hypothesis) -> str:
    """What the dictation told the names wrote down (:func:`with_hinted`), "" for nothing."""
    return next((text[len(HINTED) :] for text, _ in hypothesis.alternatives if text.startswith(HINTED)), "")


def split_heard(hypothesis: Hypothesis) -> tuple[Hypothesis, tuple[str, float] | None]:
    """The grammar's part of a :func:`combine`\\ d hypothesis, and the dictated (text, confidence)."""
    dictated = None
    alternatives = []
    for text, confidence in hypothesis.alternatives:
        if text.startswith(DICTATED):
            dictated = dictated or (text[len(DICTATED) :], confidence)
        elif not text.startswith(HINTED):
            alternatives.append((text, confidence))
    if hypothesis.text.startswith(DICTATED):
        return no_match(alternatives), (hypothesis.text[len(DICTATED) :], hypothesis.confidence)
    return Hypothesis(hypothesis.text, hypothesis.confidence, alternatives), dictated


class _Decoding:
    """A dictation decode running in a thread; :meth:`result` waits for it (no match if it failed)."""

    def __init__(self, work: Callable[[], Hypothesis]) -> None:
        self._result = no_match()
        self._thread = threading.Thread(target=self._run, args=(work,), name="command-dictation", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], Hypothesis]) -> None:
        try:
            self._result = work()
        except Exception:
            log.exception("command dictation failed; using the grammar's result alone")

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def result(self) -> Hypothesis:
        self._thread.join()
        return self._result


class CommandStream:
    """One command recognized by the grammar engine and, as a second opinion, by dictation.

    Both are fed the same audio as it comes, and :meth:`final` returns their results
    :func:`combine`\\ d. A dictation engine that decodes only whole utterances (Whisper: its
    stream is a :class:`BufferedStream`) would add its whole decoding time after the last
    audio, so it is started early: as soon as the audio has been quiet for
    ``SPECULATE_AFTER_MS`` after some speech, a decode of the audio so far starts in a thread,
    while the endpointer is still waiting out its trailing silence (450 ms after a command).
    If speech comes back, that decode is dropped and a later quiet starts another (one at a
    time); at :meth:`final`, the decode of the audio up to the last quiet is used, else the
    whole utterance is decoded, in a thread, while the grammar stream finishes. A dictation
    failure is logged and leaves the grammar's result alone.

    When the engine can be told what to expect (``transcribe_expecting``) and `expected_names`
    names some people for what the two heard, the utterance is dictated once more, expecting
    those names (:func:`with_hinted`): about 0.2 s more on this project's machine.

    Args:
        grammar: the grammar engine's stream of the command grammar.
        dictation: the dictation engine.
        expected_names: the names to expect, from the combined result (None: no third decode).
    """

    def __init__(
        self,
        grammar: RecognitionStream,
        dictation: DictationEngine,
        expected_names: Callable[[Hypothesis], list[str]] | None = None,
    ) -> None:
        self._grammar = grammar
        self._engine = dictation
        self._expected_names = expected_names
        self._dictation = dictation.stream()
        self._early = isinstance(self._dictation, BufferedStream)
        self._chunks: list[np.ndarray] = []
        self._voice = Endpointer()
        self._unclassified = np.zeros(0, dtype=np.int16)
        self._heard_speech = False
        self._quiet_ms = 0
        self._early_decode: _Decoding | None = None
        self._dropped: _Decoding | None = None

    def feed(self, audio: np.ndarray) -> str | None:
        samples = as_int16(audio)
        if self._early:
            self._chunks.append(samples)
            self._watch(samples)
        else:
            self._dictation.feed(samples)
        return self._grammar.feed(samples)

    def _watch(self, samples: np.ndarray) -> None:
        """Follow speech and quiet, 20 ms at a time, and start or drop the early decode."""
        pending = np.concatenate([self._unclassified, samples])
        whole = pending.size - pending.size % VOICE_FRAME
        for start in range(0, whole, VOICE_FRAME):
            if self._voice.is_voiced(pending[start : start + VOICE_FRAME]):
                self._heard_speech = True
                self._quiet_ms = 0
                if self._early_decode is not None:
                    self._dropped, self._early_decode = self._early_decode, None
            else:
                self._quiet_ms += VOICE_FRAME_MS
        self._unclassified = pending[whole:]
        if (
            self._heard_speech
            and self._quiet_ms >= SPECULATE_AFTER_MS
            and self._early_decode is None
            and (self._dropped is None or not self._dropped.running)
        ):
            audio = np.concatenate(self._chunks)
            self._early_decode = _Decoding(lambda: self._decode(audio))

    def _decode(self, audio: np.ndarray) -> Hypothesis:
        stream = self._engine.stream()
        stream.feed(audio)
        return stream.final()

    def final(self) -> Hypothesis:
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        if not self._early:
            decoding = _Decoding(self._dictation.final)
        elif self._early_decode is not None:
            decoding = self._early_decode
        else:
            decoding = _Decoding(lambda: self._decode(audio))
        self._chunks = []
        try:
            grammar = self._grammar.final()
        finally:
            dictated = decoding.result()
        heard = combine(grammar, dictated)
        expecting = getattr(self._engine, "transcribe_expecting", None)
        if self._expected_names is None or not callable(expecting) or not audio.size:
            return heard
        names = self._expected_names(heard)
        if not names:
            return heard
        try:
            return with_hinted(heard, expecting(audio, ", ".join(names)))
        except Exception:
            log.exception("dictation expecting names failed; using the first two opinions")
            return heard

    def close(self) -> None:
        """Abandon the utterance: the streams it holds let go of their decoders."""
        self._chunks = []
        for stream in (self._grammar, self._dictation):
            close = getattr(stream, "close", None)
            if close is not None:
                close()


class CommandRecognizer:
    """The grammar of the assistant line's commands for one phonebook, and its interpretation.

    Args:
        engine: the grammar engine (``select.grammar_engine``); the grammar is compiled at once.
        phonebook: the owner's phonebook.
        commands: the command set; grammars/assistant_commands.toml if None.
        answers: the confirmation answers; grammars/confirm_choice.toml if None.
        dictation: a dictation engine (``select.dictation_engine``) for a second opinion on
            every command (:meth:`stream`), or None for the grammar alone; it decodes the
            quickest way it can (:func:`~assistant.speech.asr.base.quickest`).
    """

    def __init__(
        self,
        engine: GrammarEngine,
        phonebook: Phonebook,
        commands: CommandSet | None = None,
        answers: ConfirmAnswers | None = None,
        dictation: DictationEngine | None = None,
    ) -> None:
        self.engine = engine
        self.dictation = quickest(dictation) if dictation is not None else None
        self.phonebook = phonebook
        self.matcher = NameMatcher(phonebook)
        self.commands = commands or load_commands()
        self.answers = answers or load_confirm_answers()
        forms = phonebook.spoken_forms()
        self._forms = {form.text for form in forms}
        self._forms_of: dict[int, list[str]] = {}
        for form in forms:
            if form.kind != "first":
                self._forms_of.setdefault(id(form.person), []).append(form.text)
        self._label_by_phrase = {
            normalize(phrase, keep_apostrophes=True): label
            for label, phrases in self.commands.labels.items()
            for phrase in phrases
        }
        self._answer_by_phrase = {
            normalize(phrase, keep_apostrophes=True): answer
            for answer, phrases in self.answers.phrases.items()
            for phrase in phrases
        }
        self._readers = self._make_readers()
        self._label_suffix = self._make_label_suffix()
        self._carriers = sorted(
            {
                phrase.split("{name}", 1)[0].strip()
                for phrase in self.commands.phrases["call-name"]
                if phrase.split("{name}", 1)[0].strip()
            },
            key=lambda carrier: -len(carrier.split()),
        )
        self._not_names = {
            word
            for phrases in (self.commands.before, self.commands.polite, self.commands.after, self._carriers)
            for phrase in phrases
            for word in phrase.split()
        } | set(LABEL_LEAD)
        self._plain_commands = {
            normalize(phrase, keep_apostrophes=True): action
            for action, phrases in self.commands.phrases.items()
            for phrase in phrases
            if not SLOT.search(phrase)
        }
        self.grammar = self._compile()
        prepare = getattr(engine, "prepare", None)
        if callable(prepare):
            prepare(self.grammar)

    def stream(self) -> RecognitionStream:
        """Start recognizing one command: the grammar engine on :attr:`grammar`, with dictation's
        second opinion (:class:`CommandStream`) when the recognizer has a dictation engine."""
        grammar = self.engine.stream(self.grammar)
        if self.dictation is None:
            return grammar
        return CommandStream(grammar, self.dictation, self.expected_names)

    # --- the grammar -------------------------------------------------------------------------

    def _patterns(self) -> list[tuple[str, str]]:
        """(action, phrase) for every command phrase usable with this phonebook."""
        return [
            (action, phrase)
            for action, phrases in self.commands.phrases.items()
            for phrase in phrases
            if self._forms or "{name}" not in phrase
        ]

    def _compile(self) -> Grammar:
        compile_rules = getattr(self.engine, "compile_rules", None)
        if callable(compile_rules):
            command = self._command_expression()
            # The fillers after a command are endings of the name phrases (_command_expression):
            # with an optional rule after the whole command PocketSphinx's search fails on some
            # utterances ("Final result does not match the grammar") and returns nothing.
            fillers = {"before": self.commands.before, "polite": self.commands.polite}
            around = [f"[ <{kind}> ]" for kind, phrases in fillers.items() if phrases]
            rules: dict[str, str | list[str]] = {"command": " ".join([*around, command])}
            rules |= {kind: list(phrases) for kind, phrases in fillers.items() if phrases}
            if self._forms:
                rules["name"] = sorted(self._forms)
            if self.commands.labels:
                rules["label"] = sorted(self._label_by_phrase)
            rules["number"] = "[ plus ] " + " ".join(["<digit>"] * (MIN_DIGITS - 1)) + " <digit>+"
            rules["digit"] = "( " + " | ".join(DIGIT_WORDS) + " )"
            return compile_rules(rules, name="assistant-commands")
        phrases: list[str] = []
        for _, phrase in self._patterns():
            if "{number}" in phrase:
                continue
            names = sorted(self._forms) if "{name}" in phrase else [""]
            labels = sorted(self._label_by_phrase) if "{label}" in phrase else [""]
            phrases += [phrase.format(name=name, label=label) for name in names for label in labels]
        log.info(
            "assistant commands: %s takes phrase lists: %d phrases, numbers by keypad only",
            self.engine.name,
            len(phrases),
        )
        return self.engine.compile(phrases, "assistant-commands")

    def _command_expression(self) -> str:
        """The command phrases as one JSGF expression, with as few references to <name> as possible.

        PocketSphinx copies a rule into every place that refers to it, so phrases around a name
        are grouped: those with the same endings share one reference ("call <name> [on <label> |
        at <label>]" rather than three copies of thousands of names).
        """

        def either(words: list[str]) -> str:
            present = sorted(w for w in words if w)
            if not present:
                return ""
            group = present[0] if len(present) == 1 else "( " + " | ".join(present) + " )"
            return f"[ {group} ]" if "" in words else group

        endings_by_start: dict[str, list[str]] = {}
        expressions: list[str] = []
        for _, phrase in self._patterns():
            if "{name}" in phrase:
                start, end = (part.strip() for part in phrase.split("{name}", 1))
                closings = ["", *self.commands.after]
                endings_by_start.setdefault(start, []).extend(f"{end} {after}".strip() for after in closings)
            else:
                expressions.append(phrase)
        starts_by_endings: dict[frozenset[str], list[str]] = {}
        for start, endings in endings_by_start.items():
            starts_by_endings.setdefault(frozenset(endings), []).append(start)
        for endings, starts in starts_by_endings.items():
            expressions.append(
                " ".join(part for part in (either(starts), "{name}", either(list(endings))) if part)
            )
        expression = "( " + " | ".join(expressions) + " )"
        return SLOT.sub(lambda m: f"<{m.group(1)}>", expression)

    def _make_readers(self) -> list[tuple[str, re.Pattern[str]]]:
        labels = "|".join(
            re.escape(phrase) for phrase in sorted(self._label_by_phrase, key=len, reverse=True)
        )
        digit = "(?:" + "|".join(DIGIT_WORDS) + ")"
        slots = {
            "name": "(?P<name>.+?)",
            "label": f"(?P<label>{labels or '(?!)'})",
            "number": f"(?P<number>(?:plus )?{digit}(?: {digit}){{{MIN_DIGITS - 1},}})",
        }
        readers = []
        for action, phrase in self._patterns():
            parts = [
                slots[piece[1:-1]] if piece.startswith("{") else re.escape(piece) for piece in phrase.split()
            ]
            literal = sum(1 for piece in phrase.split() if not piece.startswith("{"))
            slot_count = len(SLOT.findall(phrase))
            readers.append((literal + slot_count, action, re.compile(" ".join(parts))))
        readers.sort(key=lambda reader: -reader[0])
        return [(action, pattern) for _, action, pattern in readers]

    # --- what was heard ----------------------------------------------------------------------

    def _cores(self, text: str) -> list[str]:
        """`text` and what is left of it without the fillers the command file allows around a
        command (at most one of each kind), the least stripped first, so that a name that
        begins with a filler word is still read whole."""
        words = text.split()

        def starts(phrases: Sequence[str], at: int) -> list[int]:
            return [at] + [
                at + len(p.split()) for p in phrases if words[at : at + len(p.split())] == p.split()
            ]

        leads = sorted(
            {
                polite
                for lead in starts(self.commands.before, 0)
                for polite in starts(self.commands.polite, lead)
            }
        )
        ends = [len(words)] + [
            len(words) - len(p.split()) for p in self.commands.after if words[-len(p.split()) :] == p.split()
        ]
        cores = [" ".join(words[lead:end]) for end in ends for lead in leads if lead < end]
        return list(dict.fromkeys(cores))

    def _read(self, text: str) -> _Reading | None:
        """The command in `text` read with the command phrases (fillers around it aside), or None."""
        fallback = None
        for core in self._cores(text):
            for action, pattern in self._readers:
                found = pattern.fullmatch(core)
                if found is None:
                    continue
                slots = found.groupdict()
                number = slots.get("number") or ""
                reading = _Reading(
                    action,
                    slots.get("name"),
                    self._label_by_phrase.get(slots.get("label") or ""),
                    ("+" if number.startswith("plus") else "")
                    + "".join(DIGIT_WORDS.get(word, "") for word in number.split()),
                )
                if reading.name is None or reading.name in self._forms:
                    return reading
                if not pattern.pattern.startswith("(?P<name>"):  # a bare name must be one of the book
                    fallback = fallback or reading
        return fallback

    def _make_label_suffix(self) -> re.Pattern[str] | None:
        """A label at the end of a dictated sentence: "... on her mobile", "... at the office"."""
        if not self._label_by_phrase:
            return None
        labels = "|".join(
            re.escape(phrase) for phrase in sorted(self._label_by_phrase, key=len, reverse=True)
        )
        lead = "|".join(re.escape(word) for word in LABEL_LEAD)
        return re.compile(rf" (?:(?:{lead}) )*(?P<label>{labels})$")

    def _read_dictated(self, text: str, numbers: bool = False) -> _Reading | None:
        """The command in a dictated sentence ("Call Maria Garcia on her mobile.", "Kol Maria Garcia").

        A sentence the command phrases read (fillers aside) is read so, with ``exact``; numbers
        written in digits ("Dial 202 555 0147.") are read digit by digit. Otherwise, with
        `numbers`, a sentence with a run of digits is a call to them, guessed ("Battle for 1 5 5
        5 5 6 6 0 1." for "Dial four one five ..."): not for the dictation told the names, which
        writes digits nobody said. Otherwise: a command
        without a name said nearly right ("play my message"), or else a guessed "call-name": the
        fillers, the longest start that sounds like a carrier ("call", written "Paul", "Kol" ...)
        and a trailing label are cut off, and what is left is the name; ``others`` holds every
        other short run of the sentence's words ("give Maria Garcia a call", "I must speak with
        Maria Garcia"), so a carrier no phrase lists still finds the name.
        """
        spelled = DIGIT_RUN.sub(lambda m: " ".join(ch for ch in m.group() if ch.isdigit() or ch == "+"), text)
        spoken = normalize(spelled, keep_apostrophes=True)
        if not spoken:
            return None
        respelled = spell_digit_homophones(spoken)
        for text in dict.fromkeys((spoken, respelled)):
            reading = self._read(text)
            if reading is not None and (reading.name is None or reading.name in self._forms):
                return reading
        digits = longest_digit_run(respelled) if numbers else ""
        if digits:
            return _Reading("call-number", number=digits, exact=False, carried=False)
        cores = self._cores(spoken)
        core = min(cores, key=len) if cores else ""
        if not core:
            return None
        closest = process.extractOne(
            core, list(self._plain_commands), scorer=fuzz.ratio, score_cutoff=COMMAND_SIMILARITY
        )
        if closest is not None:
            return _Reading(self._plain_commands[closest[0]], exact=False)
        if not self._forms:
            return None
        label = None
        found = self._label_suffix.search(core) if self._label_suffix else None
        if found is not None:
            label = self._label_by_phrase[found.group("label")]
            core = core[: found.start()]
        words = core.split()
        rest = None
        for carrier in self._carriers:
            size = len(carrier.split())
            if len(words) > size and similarity(" ".join(words[:size]), carrier) >= COMMAND_WORD_SIMILARITY:
                rest = words[size:]
                break
        carried = rest is not None
        rest = words if rest is None else rest
        name = " ".join(rest)
        spans = words if len(words) <= MAX_SPANNED_WORDS else rest
        others = [
            " ".join(spans[start:end])
            for start in range(len(spans))
            for end in range(start + 1, min(start + MAX_SPAN_WORDS, len(spans)) + 1)
            if not set(spans[start:end]) <= self._not_names
        ]
        others = [other for other in dict.fromkeys(others) if other != name]
        return _Reading("call-name", name, label, others=tuple(others), exact=False, carried=carried)

    def interpret(self, hypothesis: Hypothesis) -> Command:
        """The command in what was heard: ``final()`` of a :meth:`stream` (or of a grammar stream).

        Without a dictated text (see :func:`combine`), the grammar's reading is the command:
        "unknown" when nothing (or nothing of the grammar) was heard; for "call-name", the name
        and the names of the alternatives are ranked against the phonebook and decided
        (:func:`decide`) with the hypothesis's confidence. With one, see :meth:`_with_dictation`.
        Each interpretation is logged in one line (:func:`describe_turn`).
        """
        heard, dictated = split_heard(hypothesis)
        hinted = hinted_text(hypothesis)
        if dictated is None and hinted:
            dictated = ("", 0.0)
        command = (
            self._with_dictation(heard, *dictated, hinted)
            if dictated is not None
            else self._grammar_only(heard)
        )
        log.info("%s", describe_turn(heard, dictated, command, hinted))
        return command

    def _grammar_only(self, heard: Hypothesis) -> Command:
        text = normalize(heard.text, keep_apostrophes=True)
        reading = self._read(text) if text else None
        if reading is None:
            return Command("unknown", confidence=heard.confidence if text else 0.0, text=text)
        if reading.action == "call-name":
            names = self._grammar_names(reading, heard) or [("", heard.confidence)]
            match = decide(self.matcher.rank(names), heard.confidence)
            return Command("call-name", match, reading.label, confidence=heard.confidence, text=text)
        unsure = reading.action == "call-number" and heard.confidence < SURE_CONFIDENCE
        return Command(
            reading.action, number=reading.number, ask_first=unsure, confidence=heard.confidence, text=text
        )

    def expected_names(self, hypothesis: Hypothesis) -> list[str]:
        """The names of the people that what was heard (:func:`combine`) points to, best first.

        The names for the dictation's third decode (:class:`CommandStream`): the best
        ``HINTED_NAMES`` people for the grammar's names and the dictated name together; none
        when neither heard a call to a name.
        """
        heard, dictated = split_heard(hypothesis)
        text = normalize(heard.text, keep_apostrophes=True)
        grammar = self._read(text) if text else None
        spoken = self._read_dictated(dictated[0]) if dictated is not None else None
        names = self._grammar_names(grammar, heard) + self._dictated_names(spoken)
        return [c.person.name for c in self.matcher.rank(names, HINTED_NAMES)] if names else []

    def _grammar_names(self, reading: _Reading | None, heard: Hypothesis) -> list[tuple[str, float]]:
        """The name of the grammar's call to a name (`reading` of `heard`), then those of its
        alternatives; [] if it heard none."""
        if reading is None or reading.action != "call-name" or not reading.name:
            return []
        return [(reading.name, heard.confidence)] + self._alternative_names(heard)

    def _alternative_names(self, heard: Hypothesis) -> list[tuple[str, float]]:
        names = []
        for alternative, confidence in heard.alternatives:
            other = self._read(normalize(alternative, keep_apostrophes=True))
            if other is not None and other.action == "call-name" and other.name:
                names.append((other.name, confidence))
        return names

    def _with_dictation(
        self, heard: Hypothesis, dictated: str, dictated_confidence: float, hinted: str = ""
    ) -> Command:
        """The command from the grammar's result and the dictated sentences together.

        The action is the grammar's, unless the grammar found no match or dictation read a
        different command with the grammar's own phrases ("play my messages"). For "call-name",
        people are ranked by the weighted mean of how well they fit the grammar's names, the
        dictated name and the name dictated expecting names (`hinted`, :meth:`_fuse`), and
        decided with the grammar's confidence; the decision
        is "sure" only when the dictated name supports the grammar's best person too (fits it
        at least ``SUPPORT_SCORE``), and never on dictation alone (its spelling of names is a
        guess): otherwise the best of both are offered ("confirm").
        """
        text = normalize(heard.text, keep_apostrophes=True)
        grammar = self._read(text) if text else None
        spoken = self._read_dictated(dictated, numbers=True)
        if grammar is None and spoken is None:
            shown = text or normalize(dictated, keep_apostrophes=True)
            return Command("unknown", confidence=heard.confidence, text=shown)
        use_dictation = grammar is None or (
            spoken is not None
            and spoken.action != grammar.action
            # digits are written as digits: a number dictation did not hear is not taken
            and (spoken.exact or grammar.action == "call-number")
        )
        reading = spoken if use_dictation else grammar
        assert reading is not None
        confidence = dictated_confidence if use_dictation else heard.confidence
        shown = normalize(dictated, keep_apostrophes=True) if use_dictation else text
        if reading.action == "call-number":
            # Dialed without asking only when both heard the same digits; else dictation's are
            # read back (it hears digits better on a phone line), or the grammar's.
            agreed = grammar is not None and spoken is not None and grammar.number == spoken.number
            number = (
                spoken.number if spoken is not None and spoken.action == "call-number" else reading.number
            )
            return Command(
                "call-number", number=number, ask_first=not agreed, confidence=confidence, text=shown
            )
        if reading.action != "call-name":
            return Command(reading.action, confidence=confidence, text=shown)
        grammar_names = self._grammar_names(grammar, heard)
        dictated_names = self._dictated_names(spoken)
        hinted_names = self._dictated_names(self._read_dictated(hinted)) if hinted else []
        grammar_ranked = self.matcher.rank(grammar_names, FUSED_KEPT) if grammar_names else []
        dictated_ranked = self.matcher.rank(dictated_names, FUSED_KEPT) if dictated_names else []
        hinted_ranked = self.matcher.rank(hinted_names, FUSED_KEPT) if hinted_names else []
        ranked = self._fuse(
            [
                _Side(grammar_names, grammar_ranked, GRAMMAR_WEIGHT),
                _Side(dictated_names, dictated_ranked, DICTATION_WEIGHT),
                _Side(hinted_names, hinted_ranked, HINTED_WEIGHT),
            ]
        )
        fits = self.matcher.score(dictated_names, [c.person for c in ranked[:1]]) if dictated_names else []
        support = fits[0].score if fits else 0.0  # how well the dictated name fits the best person
        match = decide(ranked, heard.confidence if grammar_names else 1.0)
        if use_dictation and not reading.exact and not reading.carried:
            if not ranked or ranked[0].score < UNCARRIED_SCORE:  # "What's the weather like tomorrow?"
                return Command("unknown", confidence=confidence, text=shown)
        verdict = decide(grammar_ranked, heard.confidence) if grammar_names else None
        if (
            verdict is not None
            and verdict.kind == "sure"
            and ranked[0].person is verdict.candidates[0].person
            and support >= SUPPORT_SCORE
        ):
            match = Match("sure", ranked[:1], match.ranked, confidence)
        elif match.kind != "none":
            # Where they disagree, the best of each is offered first.
            firsts = [side[0].person for side in (grammar_ranked, dictated_ranked, hinted_ranked) if side]
            wanted = [ranked[0].person, *firsts, *(c.person for c in match.candidates)]
            picked = list({id(person): person for person in wanted}.values())[:MAX_OFFERED]
            offered = [c for c in ranked if c.score >= MIN_SCORE and any(c.person is p for p in picked)]
            match = Match("confirm", tuple(offered), match.ranked, confidence)
        elif use_dictation and not reading.exact:
            return Command("unknown", confidence=confidence, text=shown)  # no name in a guess
        else:
            match = Match("none", (), match.ranked, confidence)
        label = reading.label or (spoken.label if spoken is not None else None)
        return Command("call-name", match, label, confidence=confidence, text=shown)

    def _dictated_names(self, reading: _Reading | None) -> list[tuple[str, float]]:
        """The name of a dictated call to a name, then the other runs of its words; [] if none."""
        if reading is None or reading.action != "call-name" or not reading.name:
            return []
        return [(reading.name, 1.0)] + [(other, SPAN_WEIGHT) for other in reading.others]

    def _fuse(self, sides: list[_Side]) -> list[Candidate]:
        """One ranking of the people that any side's names fit.

        Every person a side ranked is scored on every side that heard a name
        (:meth:`NameMatcher.score`), and their score is the weighted mean; the form kept is the
        first side's (the grammar's). Ties go by that side's ranking (dictation spells a name
        the common way, "John Smith" for "Jon Smyth", whatever was said).
        """
        heard = [side for side in sides if side.ranked]
        if len(heard) <= 1:
            return heard[0].ranked if heard else []
        people = list({id(c.person): c.person for side in heard for c in side.ranked}.values())
        scored = [{id(c.person): c for c in self.matcher.score(side.names, people)} for side in heard]
        order = {id(c.person): index for index, c in enumerate(heard[0].ranked)}
        total = sum(side.weight for side in heard)
        fused = []
        for person in people:
            score = sum(side.weight * by[id(person)].score for side, by in zip(heard, scored, strict=True))
            fused.append(Candidate(person, round(score / total, 4), scored[0][id(person)].form))
        fused.sort(key=lambda c: (-c.score, order.get(id(c.person), len(order))))
        return fused

    def action_for_key(self, key: str) -> str | None:
        """The action of a DTMF key (grammars/assistant_commands.toml), or None."""
        return self.commands.keys.get(key)

    # --- "Did you mean ...?" -----------------------------------------------------------------

    def _offered_forms(self, people: list[Person]) -> dict[str, int]:
        """Spoken form -> index of the offered person it names (forms naming two are left out)."""
        owners: dict[str, set[int]] = {}
        for index, person in enumerate(people):
            words = [normalize(part, keep_apostrophes=True) for part in person.name.split()]
            forms = list(self._forms_of.get(id(person), [" ".join(words)]))
            if len(words) > 1:
                forms += [words[0], words[-1]]
            for form in forms:
                owners.setdefault(form, set()).add(index)
        return {form: next(iter(indexes)) for form, indexes in owners.items() if len(indexes) == 1}

    def confirmation_phrases(self, candidates: Sequence[Candidate | Person]) -> list[str]:
        """What the owner may answer to "Did you mean ...?" about `candidates` (for a grammar)."""
        people = [_person(candidate) for candidate in candidates]
        phrases = [phrase for values in self.answers.phrases.values() for phrase in values]
        return list(dict.fromkeys(phrases + list(self._offered_forms(people))))

    def choose(
        self, candidates: Sequence[Candidate | Person], reply: str = "", key: str | None = None
    ) -> Person | None:
        """The person the owner picked among those offered, or None.

        Args:
            candidates: the people offered, in the order they were said.
            reply: what the owner said ("yes", "the second one", "Jon Smyth").
            key: the key pressed instead (1-3 picks by position; any other key is "none").

        Returns:
            The person picked; None for "no", "none of them", a plain "yes" to a question
            about several people, or anything not understood (the flow asks again).
        """
        people = [_person(candidate) for candidate in candidates]
        if not people:
            return None
        if key is not None:
            answer = self.answers.keys.get(key)
            index = ORDINALS.get(answer or "")
            return people[index] if index is not None and index < len(people) else None
        text = normalize(reply, keep_apostrophes=True)
        if not text:
            return None
        answer = self._answer_by_phrase.get(text)
        if answer is None:
            forms = self._offered_forms(people)
            if text in forms:
                return people[forms[text]]
            scored = sorted(((similarity(text, form), index) for form, index in forms.items()), reverse=True)
            if scored and scored[0][0] >= NAME_REPLY_SIMILARITY:
                runner_up = next((score for score, index in scored if index != scored[0][1]), 0.0)
                if runner_up < scored[0][0] - NAME_REPLY_MARGIN:
                    return people[scored[0][1]]
            closest = process.extractOne(
                text, list(self._answer_by_phrase), scorer=fuzz.ratio, score_cutoff=ANSWER_SIMILARITY
            )
            answer = self._answer_by_phrase[closest[0]] if closest else None
        if answer == "yes":
            return people[0] if len(people) == 1 else None
        index = ORDINALS.get(answer or "")
        return people[index] if index is not None and index < len(people) else None
