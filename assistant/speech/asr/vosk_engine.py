"""Vosk (Kaldi) recognition in both roles, from any Vosk model folder.

Dictation streams through the model's own language model. A grammar is the phrase list as
Vosk's JSON grammar (plus "[unk]" when the model has it, so other speech has somewhere to go);
that only biases the search (Vosk may string several phrases together, or answer "[unk]"), so
every result is checked against the phrases. Bracketed non-speech tokens ("[unk]", "[noise]")
are dropped from all results. Phrases with a word missing from the model's
vocabulary would be silently reshaped by Vosk; they go to the grammar's ``unsayable`` list
instead. Confidence is the mean of the word confidences Vosk reports.

The model is loaded once; each stream gets its own recognizer, which is cheap.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.speech.asr.base import (
    SAMPLE_RATE_HZ,
    Grammar,
    GrammarCache,
    Hypothesis,
    as_int16,
    no_match,
)
from assistant.speech.textnorm import normalize

log = logging.getLogger(__name__)

UNKNOWN_WORD = "[unk]"
ENGLISH_PROBE_WORDS = ("the", "yes", "hello", "call", "message")


@dataclass
class VoskGrammar(Grammar):
    """A grammar compiled for Vosk: `grammar_json` is what the recognizer takes ("" if empty)."""

    grammar_json: str = ""


def is_non_speech(token: str) -> bool:
    """True for Kaldi's bracketed non-speech tokens: "[unk]", "[noise]", "[2]"."""
    return token.startswith("[") and token.endswith("]")


def _spoken(text: str) -> str:
    return " ".join(token for token in text.split() if not is_non_speech(token))


def _words_and_confidence(result_json: str) -> tuple[str, list[float]]:
    result = json.loads(result_json)
    words = [word for word in result.get("result", []) if not is_non_speech(word.get("word", ""))]
    if not words:
        return _spoken(result.get("text", "")), []
    return " ".join(word["word"] for word in words), [float(word.get("conf", 1.0)) for word in words]


class VoskStream:
    """One utterance: segments Vosk has closed, plus the one in progress."""

    def __init__(self, recognizer, grammar: VoskGrammar | None) -> None:
        self._recognizer = recognizer
        self._grammar = grammar
        self._texts: list[str] = []
        self._confidences: list[float] = []

    def _close_segment(self, result_json: str) -> None:
        text, confidences = _words_and_confidence(result_json)
        if text:
            self._texts.append(text)
            self._confidences += confidences

    def feed(self, audio: np.ndarray) -> str | None:
        if self._recognizer.AcceptWaveform(as_int16(audio).tobytes()):
            self._close_segment(self._recognizer.Result())
            partial = ""
        else:
            partial = json.loads(self._recognizer.PartialResult()).get("partial", "")
        text = " ".join([*self._texts, _spoken(partial)]).strip()
        return text or None

    def final(self) -> Hypothesis:
        self._close_segment(self._recognizer.FinalResult())
        text = " ".join(self._texts)
        confidence = float(np.mean(self._confidences)) if self._confidences else 0.0
        if self._grammar is not None:
            return self._grammar.match(text, confidence)
        return Hypothesis(text, confidence) if text else no_match()


class VoskEngine:
    """A Vosk model in both roles.

    Args:
        model_path: a Vosk model folder (with am/, conf/, graph/ ...).
    """

    name = "vosk"

    def __init__(self, model_path: Path) -> None:
        try:
            import vosk
        except ImportError as exc:
            raise AssistantError("asr-model-missing", "the vosk package is not installed") from exc
        model_path = Path(model_path)
        if not (model_path / "am").is_dir() or not (model_path / "conf").is_dir():
            raise AssistantError(
                "asr-model-missing",
                f"{model_path} is not a Vosk model folder (no am/ and conf/ in it); "
                "set ASSISTANT_VOSK_MODEL to an unpacked model",
            )
        vosk.SetLogLevel(-1)
        self._vosk = vosk
        self.model_path = model_path
        self._model = vosk.Model(str(model_path))
        self._grammars = GrammarCache()
        self._has_unknown_word = self.knows(UNKNOWN_WORD)
        log.info("Vosk model loaded from %s", model_path)

    def knows(self, word: str) -> bool:
        """True if `word` is in the model's vocabulary."""
        return self._model.vosk_model_find_word(word) >= 0

    @property
    def is_english(self) -> bool:
        """True if the model's vocabulary has common English words."""
        return all(self.knows(word) for word in ENGLISH_PROBE_WORDS)

    def compile(self, phrases: list[str], name: str) -> VoskGrammar:
        """Compile `phrases` into a Vosk grammar (cached by phrase set).

        Args:
            phrases: the allowed phrases.
            name: a label for logs.

        Returns:
            The grammar; phrases with a word outside the model's vocabulary are in its
            ``unsayable`` list and left out.
        """
        return self._grammars.get_or_compile(phrases, lambda: self._compile(phrases, name))

    def _compile(self, phrases: list[str], name: str) -> VoskGrammar:
        unsayable: list[str] = []
        spoken: list[str] = []
        for phrase in phrases:
            words = normalize(phrase, keep_apostrophes=True).split()
            missing = [word for word in words if not self.knows(word)]
            if not words or missing:
                log.warning(
                    "grammar %s: phrase %r cannot be recognized: %s not in the Vosk model's vocabulary",
                    name,
                    phrase,
                    ", ".join(repr(word) for word in missing) or "no words",
                )
                unsayable.append(phrase)
            elif " ".join(words) not in spoken:
                spoken.append(" ".join(words))
        if spoken and self._has_unknown_word:
            spoken.append(UNKNOWN_WORD)
        return VoskGrammar(
            name=name,
            phrases=list(phrases),
            unsayable=unsayable,
            grammar_json=json.dumps(spoken, ensure_ascii=False) if spoken else "",
        )

    def _recognizer(self, grammar_json: str | None):
        if grammar_json:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ, grammar_json)
        else:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ)
        recognizer.SetWords(True)
        return recognizer

    def stream(self, grammar: Grammar | None = None) -> VoskStream:
        """Start an utterance: against `grammar` (compiled by this engine), or dictation if None."""
        if grammar is None:
            return VoskStream(self._recognizer(None), None)
        if not isinstance(grammar, VoskGrammar):
            raise TypeError(f"grammar {grammar.name!r} was not compiled by Vosk")
        if not grammar.grammar_json:
            return VoskStream(_NothingRecognizer(), grammar)
        return VoskStream(self._recognizer(grammar.grammar_json), grammar)

    def transcribe(self, audio: np.ndarray) -> Hypothesis:
        """Dictation of a whole utterance (blocking)."""
        stream = self.stream()
        stream.feed(audio)
        return stream.final()


class _NothingRecognizer:
    """Stands in for a recognizer when a grammar has no recognizable phrase."""

    def AcceptWaveform(self, data: bytes) -> bool:
        return False

    def PartialResult(self) -> str:
        return "{}"

    def FinalResult(self) -> str:
        return "{}"
