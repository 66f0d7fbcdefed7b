"""The one speech recognition interface the assistant uses, whatever engine is behind it.

Two roles: a *grammar* engine decides which of a few allowed phrases a caller said ("yes",
"call Maria Garcia"); a *dictation* engine writes down free speech (a message, a reason for
calling). Audio is always mono int16 samples at 16 kHz. Recognition blocks, so the async
service runs it in a worker thread; engines are loaded once and shared between streams.

Grammar results are always checked against the allowed phrases here, because some engines
only bias their search towards a grammar: a result that is not an allowed phrase is mapped to
the closest one when it is close enough, with a lower confidence, and otherwise becomes "no
match" (an empty text).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

import numpy as np
from rapidfuzz import fuzz, process

from assistant.speech.textnorm import normalize

SAMPLE_RATE_HZ = 16000
MIN_PHRASE_SIMILARITY = 75.0


@dataclass
class Hypothesis:
    """What an engine heard.

    Attributes:
        text: the recognized text; "" when nothing was recognized (or no allowed phrase matched).
        confidence: 0.0 to 1.0.
        alternatives: other candidates with their confidences, best first, where the engine
            gives an n-best list.
    """

    text: str
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)


def no_match(alternatives: list[tuple[str, float]] | None = None) -> Hypothesis:
    """The hypothesis for "nothing allowed was said", keeping rejected candidates if any."""
    return Hypothesis("", 0.0, alternatives or [])


@dataclass
class Grammar:
    """A compiled set of allowed phrases; engines subclass it to keep what they compiled.

    Attributes:
        name: a label for logs.
        phrases: the allowed phrases, as given (results use this spelling).
        unsayable: phrases the engine cannot recognize (a word it has no pronunciation or
            vocabulary entry for); they stay out of the compiled grammar but are never
            dropped silently.
    """

    name: str
    phrases: list[str]
    unsayable: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_spoken_form: dict[str, str] = {}
        for phrase in self.phrases:
            if phrase not in self.unsayable:
                self._by_spoken_form.setdefault(normalize(phrase), phrase)

    @property
    def recognizable(self) -> list[str]:
        """The allowed phrases the engine can recognize (all but the unsayable ones)."""
        return list(dict.fromkeys(self._by_spoken_form.values()))

    def match(self, text: str, confidence: float) -> Hypothesis:
        """Check an engine's output against the allowed phrases.

        Args:
            text: what the engine recognized.
            confidence: the engine's confidence in it, 0..1.

        Returns:
            The allowed phrase with `confidence` when `text` says exactly that phrase; the
            closest allowed phrase with a confidence lowered by its similarity when it is at
            least `MIN_PHRASE_SIMILARITY` (0..100) similar; otherwise no match.
        """
        spoken = normalize(text)
        if not spoken:
            return no_match()
        if spoken in self._by_spoken_form:
            return Hypothesis(self._by_spoken_form[spoken], confidence)
        best = process.extractOne(
            spoken, list(self._by_spoken_form), scorer=fuzz.ratio, score_cutoff=MIN_PHRASE_SIMILARITY
        )
        if best is None:
            return no_match([(text, confidence)])
        closest, similarity, _ = best
        return Hypothesis(self._by_spoken_form[closest], confidence * similarity / 100.0)

    def match_all(self, candidates: Iterable[tuple[str, float]]) -> Hypothesis:
        """Check an n-best list (best first): the best match, other matched phrases as alternatives."""
        matched: dict[str, float] = {}
        rejected: list[tuple[str, float]] = []
        for text, confidence in candidates:
            hypothesis = self.match(text, confidence)
            if hypothesis.text:
                matched.setdefault(hypothesis.text, hypothesis.confidence)
            else:
                rejected.append((text, confidence))
        if not matched:
            return no_match(rejected[:1])
        (best, confidence), *others = matched.items()
        return Hypothesis(best, confidence, others)


@runtime_checkable
class RecognitionStream(Protocol):
    """One utterance being recognized, fed as it arrives."""

    def feed(self, audio: np.ndarray) -> str | None:
        """Add mono int16 samples at 16 kHz; return the partial text so far if the engine has one."""
        ...

    def final(self) -> Hypothesis:
        """End the utterance and return the result; the stream cannot be fed afterwards."""
        ...

    # A stream that holds pooled decoders also has `close()`: it abandons the utterance without a
    # result and gives them back (listening calls it when a turn ends without an utterance).


@runtime_checkable
class GrammarEngine(Protocol):
    """Recognizes which of a set of allowed phrases was said."""

    name: str

    def compile(self, phrases: list[str], name: str) -> Grammar:
        """Prepare a grammar of `phrases` (cached: the same phrase set compiles once)."""
        ...

    def stream(self, grammar: Grammar) -> RecognitionStream:
        """Start recognizing one utterance against `grammar`."""
        ...


@runtime_checkable
class DictationEngine(Protocol):
    """Writes down free speech."""

    name: str

    def transcribe(self, audio: np.ndarray) -> Hypothesis:
        """Recognize a whole utterance of mono int16 samples at 16 kHz (blocking)."""
        ...

    def stream(self) -> RecognitionStream:
        """Start recognizing one utterance fed in pieces."""
        ...


def quickest(engine: DictationEngine) -> DictationEngine:
    """The engine decoding the quickest way it can (Whisper: greedily), where it has a choice.

    For the dictation's second opinion on a command, which a wider beam did not make better
    (docs/PERFORMANCE.md, name dialing).
    """
    greedy = getattr(engine, "greedy", None)
    return greedy() if callable(greedy) else engine


def transcribe_recording(engine: DictationEngine, audio: np.ndarray) -> Hypothesis:
    """A whole recording (a voicemail) written down: the engine's careful decode where it has one."""
    careful = getattr(engine, "transcribe_recording", None)
    return careful(audio) if callable(careful) else engine.transcribe(audio)


def as_int16(audio: np.ndarray) -> np.ndarray:
    """Samples as contiguous int16; float input is taken to be in -1.0..1.0."""
    if audio.dtype == np.int16:
        return np.ascontiguousarray(audio)
    if np.issubdtype(audio.dtype, np.floating):
        return np.clip(np.round(audio * 32768.0), -32768, 32767).astype(np.int16)
    return np.clip(audio, -32768, 32767).astype(np.int16)


def as_float32(audio: np.ndarray) -> np.ndarray:
    """Samples as float32 in -1.0..1.0; int16 input is scaled."""
    if audio.dtype == np.int16:
        return audio.astype(np.float32) / 32768.0
    return np.asarray(audio, dtype=np.float32)


class BufferedStream:
    """A stream for engines that only decode whole utterances: buffers, then decodes at `final`.

    Args:
        transcribe: decodes a whole utterance of int16 samples.
    """

    def __init__(self, transcribe: Callable[[np.ndarray], Hypothesis]) -> None:
        self._transcribe = transcribe
        self._chunks: list[np.ndarray] = []

    def feed(self, audio: np.ndarray) -> str | None:
        self._chunks.append(as_int16(audio))
        return None

    def decode_so_far(self) -> Hypothesis:
        """Decode what was fed until now, keeping it (the utterance may go on)."""
        chunks = list(self._chunks)
        return self._transcribe(np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16))

    def final(self) -> Hypothesis:
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        self._chunks = []
        return self._transcribe(audio)


GrammarT = TypeVar("GrammarT", bound=Grammar)


class GrammarCache:
    """Compiled grammars keyed by their phrase set (order and repeats do not matter)."""

    def __init__(self) -> None:
        self._grammars: dict[frozenset[str], Grammar] = {}
        self._lock = threading.Lock()

    def get_or_compile(self, phrases: list[str], compile_: Callable[[], GrammarT]) -> GrammarT:
        """The cached grammar of `phrases`, compiling it with `compile_` the first time."""
        key = frozenset(phrases)
        with self._lock:
            if key not in self._grammars:
                self._grammars[key] = compile_()
            return self._grammars[key]  # type: ignore[return-value]
