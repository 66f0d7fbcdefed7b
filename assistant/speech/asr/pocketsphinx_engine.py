"""PocketSphinx with its bundled US English model: grammar recognition, and dictation for comparison.

A grammar is a JSGF rule whose alternatives are the allowed phrases. Words the CMU dictionary
lacks get a pronunciation from espeak-ng; a phrase with a word that gets none is kept in the
grammar's ``unsayable`` list, with a warning, instead of vanishing.

A grammar can also be structured (:meth:`PocketSphinxEngine.compile_rules`): named rules that
refer to one another, such as ``call <name> [on <label>]`` with a ``<name>`` rule of thousands
of phonebook names. The phrases of a list rule are written as a tree of shared first words
(``maria (garcia | lopez) | john [smith]``), which keeps the search small: with 10,000 names a
flat list of every "call ..." sentence was several times slower to build and to decode.

PocketSphinx always answers with a path through the grammar (a long sentence against a
yes/no grammar comes out as "no", the rest taken for silence), and its posterior probability
for that path carries no information (about 0.5 whatever was said). Confidence therefore
comes from a likelihood ratio: the same audio is also decoded by a free phone loop, which
fits any speech, and the gap between the grammar path's score and the phone loop's, per frame
of speech (as the phone loop finds it), says how well the audio fits the phrase. Both
decoders score every senone in every frame (``compallsen``) so that their scores share one
scale. The gap goes through a logistic to give 0..1, and results below ``min_confidence``
are no match.

Decoders are not thread-safe and each holds its own copy of the acoustic model, so they are
pooled: a stream takes one for the length of an utterance and gives it back at ``final`` (or
``close``, when the utterance is abandoned).

Cepstral mean normalization (CMN) runs live: the mean an utterance is normalized with is the
one the decoder had when the utterance started, updated at its end. The bundled model starts
from the mean of wideband microphone speech (its ``cmninit``, 40,3,-1,0...), far from that of
a call (8 kHz G.711, nothing above 3.4 kHz: about 47,30,-46,38,...), and a decoder only moves
part of the way there with each utterance. So a decoder's first commands were heard through
the wrong normalization: "Dial Maria Garcia" came out as "dial maria garcia at" (not a sentence
of the grammar: no match) and "Play my messages" as a name, and which decoder a call got (how
many calls it had heard) decided whether a command was understood. Every decoder therefore
starts from :data:`PHONE_LINE_CMN`, the mean of phone-line speech, and adapts from there to the
calls it hears. Starting every utterance from that mean instead (no adaptation) was measured too:
it fixed the first commands as well but lost a fifth of the held-out name-dialing hits (top1
0.245 -> 0.196) and tripled its wrong dials, the mean being that of the dev speakers.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from assistant.errors import AssistantError
from assistant.speech.asr.base import (
    SAMPLE_RATE_HZ,
    Grammar,
    GrammarCache,
    Hypothesis,
    RecognitionStream,
    as_int16,
    no_match,
)
from assistant.speech.asr.pronounce import pronounce
from assistant.speech.textnorm import normalize

log = logging.getLogger(__name__)

# Gap per speech frame (in the decoder's log units) between the grammar path and the phone
# loop at which confidence is 0.5, and the width of the logistic. Measured on
# audio-fixtures/commands, clean and through a simulated phone line: phrases that were said
# scored +10 to -46; sentences outside the grammar -53 and below (mostly below -70). A single
# short word against other short words ("help" against yes/no, heard as "no") scores about
# -42 and still passes.
GAP_AT_HALF_CONFIDENCE = -50.0
GAP_SCALE = 6.0
DEFAULT_MIN_CONFIDENCE = 0.5
NBEST_SCANNED = 20
NBEST_KEPT = 3
NON_SPEECH_PHONES = frozenset({"SIL", "+NSN+", "+SPN+"})
# The cepstral mean a new decoder starts from: the mean, utterance by utterance (batch CMN),
# of the name-dialing dev set (audio-fixtures/namedial/dev: 120 requests by six Piper and
# espeak-ng speakers over noisy 8 kHz G.711 lines). Between speakers it varies by a few units
# per coefficient; the wideband default is 20 to 45 away in c1, c2, c3 and c7.
PHONE_LINE_CMN = "46.9,29.6,-46.2,38.0,-29.7,-10.2,10.1,-36.6,10.9,-18.1,-8.8,3.8,-21.6"

T = TypeVar("T")


def bundled_model() -> tuple[Path, Path, Path]:
    """Acoustic model folder, dictionary and language model shipped with the pocketsphinx package."""
    try:
        import pocketsphinx
    except ImportError as exc:
        raise AssistantError("asr-model-missing", "the pocketsphinx package is not installed") from exc
    root = Path(pocketsphinx.get_model_path()) / "en-us"
    paths = (root / "en-us", root / "cmudict-en-us.dict", root / "en-us.lm.bin")
    for path in paths:
        if not path.exists():
            raise AssistantError("asr-model-missing", f"PocketSphinx model file {path} is missing")
    return paths


@dataclass
class PocketSphinxGrammar(Grammar):
    """A grammar compiled for PocketSphinx.

    Attributes:
        jsgf: the JSGF text ("" when no phrase is recognizable).
        pronunciations: words added to the dictionary, with their ARPAbet phones.
        search: the decoder search name this grammar is registered under.
    """

    jsgf: str = ""
    pronunciations: dict[str, str] = field(default_factory=dict)
    search: str = ""


@dataclass
class PocketSphinxRuleGrammar(PocketSphinxGrammar):
    """A structured grammar: named rules referring to one another, compiled for PocketSphinx.

    It has no finite phrase list (``phrases`` is empty); a result is accepted when it is a
    sentence of the grammar, checked with ``pattern`` (the same rules as a regular expression
    over words each followed by a space).

    Attributes:
        pattern: the sentences of the grammar as a regular expression.
    """

    pattern: re.Pattern[str] | None = None

    def match(self, text: str, confidence: float) -> Hypothesis:
        spoken = normalize(text, keep_apostrophes=True)
        if not spoken:
            return no_match()
        if self.pattern is not None and self.pattern.fullmatch(spoken + " "):
            return Hypothesis(spoken, confidence)
        return no_match([(text, confidence)])


RULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXPRESSION_TOKEN = re.compile(r"<[a-z][a-z0-9_]*>|[\[\]()|+*]|[^\s\[\]()|+*<>]+")


def _word_tree(phrases: list[list[str]]) -> dict:
    tree: dict = {}
    for words in phrases:
        node = tree
        for word in words:
            node = node.setdefault(word, {})
        node[""] = {}
    return tree


def _tree_jsgf(node: dict) -> str:
    """JSGF of a word tree: shared first words factored out; "" marks the end of a phrase."""
    alternatives = []
    for word, child in node.items():
        if not word:
            continue
        rest = {key: value for key, value in child.items() if key}
        if not rest:
            alternatives.append(word)
        elif "" in child:
            alternatives.append(f"{word} [{_tree_jsgf(rest)}]")
        else:
            alternatives.append(f"{word} {_tree_jsgf(rest)}")
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"


def _tree_regex(node: dict) -> str:
    alternatives = []
    for word, child in node.items():
        if not word:
            continue
        rest = {key: value for key, value in child.items() if key}
        head = re.escape(word) + " "
        if not rest:
            alternatives.append(head)
        elif "" in child:
            alternatives.append(f"{head}(?:{_tree_regex(rest)})?")
        else:
            alternatives.append(head + _tree_regex(rest))
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def _expression_regex(tokens: list[str], rule_regex: Callable[[str], str]) -> str:
    parts = []
    for token in tokens:
        if token.startswith("<"):
            parts.append(f"(?:{rule_regex(token[1:-1])})")
        elif token in "[]()|+*" and len(token) == 1:
            parts.append({"[": "(?:", "]": ")?", "(": "(?:", ")": ")", "|": "|", "+": "+", "*": "*"}[token])
        else:
            parts.append(f"(?:{re.escape(token)} )")
    return "".join(parts)


def jsgf_for(spoken_phrases: list[str], rule_name: str = "phrase") -> str:
    """A JSGF grammar with one public rule whose alternatives are `spoken_phrases`."""
    alternatives = "\n    | ".join(spoken_phrases)
    return f"#JSGF V1.0;\ngrammar allowed;\npublic <{rule_name}> =\n      {alternatives}\n    ;\n"


def confidence_from_gap(gap_per_frame: float) -> float:
    """0..1 confidence from the per-frame score gap between the grammar path and the phone loop."""
    exponent = -(gap_per_frame - GAP_AT_HALF_CONFIDENCE) / GAP_SCALE
    return 1.0 / (1.0 + math.exp(min(exponent, 700.0)))


class _Pool(Generic[T]):
    """Idle decoders of one kind, made on demand and reused."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._idle: list[T] = []
        self._lock = threading.Lock()
        self.made = 0

    def take(self) -> T:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self.made += 1
        return self._make()

    def fill(self, count: int) -> None:
        """Make items until `count` have been made in all; used ones stay first in line (a decoder
        that has heard calls has adapted its normalization to them, a new one has not)."""
        while True:
            with self._lock:
                if self.made >= count:
                    return
                self.made += 1
            item = self._make()
            with self._lock:
                self._idle.insert(0, item)

    def give_back(self, item: T) -> None:
        with self._lock:
            self._idle.append(item)

    def take_idle(self) -> list[T]:
        """Take every idle item at once (give each back when done)."""
        with self._lock:
            taken, self._idle = self._idle, []
            return taken


class _GrammarDecoder:
    """A grammar decoder and its phone-loop twin, with the grammars already registered on them."""

    def __init__(self, decoder, phone_loop) -> None:
        self.decoder = decoder
        self.phone_loop = phone_loop
        self.searches: set[str] = set()

    def start(self) -> None:
        self.decoder.start_utt()
        self.phone_loop.start_utt()

    def use(self, grammar: PocketSphinxGrammar) -> None:
        self.register(grammar)
        self.decoder.activate_search(grammar.search)

    def register(self, grammar: PocketSphinxGrammar) -> None:
        if grammar.search in self.searches:
            return
        missing = [
            (word, phones)
            for word, phones in grammar.pronunciations.items()
            if self.decoder.lookup_word(word) is None
        ]
        for index, (word, phones) in enumerate(missing):
            # Updating the active search once, after the last word, is enough: the grammar's
            # own search is built afterwards from the whole dictionary.
            self.decoder.add_word(word, phones, index == len(missing) - 1)
        self.decoder.add_jsgf_string(grammar.search, grammar.jsgf)
        self.searches.add(grammar.search)


def _speech_frames(phone_loop) -> int:
    return sum(
        seg.end_frame - seg.start_frame + 1 for seg in phone_loop.seg() if seg.word not in NON_SPEECH_PHONES
    )


def _log_score(decoder, linear_score: float) -> float:
    return decoder.get_logmath().log(linear_score) if linear_score > 0 else -math.inf


class PocketSphinxGrammarStream:
    """One utterance decoded against a grammar and against the phone loop."""

    def __init__(self, engine: PocketSphinxEngine, grammar: PocketSphinxGrammar) -> None:
        self._pool = engine._grammar_pool
        self._min_confidence = engine.min_confidence
        self._grammar = grammar
        self._pair: _GrammarDecoder | None = self._pool.take()
        self._pair.use(grammar)
        self._pair.start()
        self._lock = threading.Lock()  # close() may come from another thread than feed()

    def _decoders(self) -> _GrammarDecoder:
        if self._pair is None:
            raise RuntimeError("the utterance is over: final() was called")
        return self._pair

    def feed(self, audio: np.ndarray) -> str | None:
        with self._lock:
            pair = self._decoders()
            data = as_int16(audio).tobytes()
            pair.decoder.process_raw(data, False, False)
            pair.phone_loop.process_raw(data, False, False)
            hyp = pair.decoder.hyp()
            return hyp.hypstr if hyp is not None and hyp.hypstr else None

    def final(self) -> Hypothesis:
        with self._lock:
            pair = self._decoders()
            self._pair = None
            try:
                pair.decoder.end_utt()
                pair.phone_loop.end_utt()
                return self._result(pair)
            finally:
                self._pool.give_back(pair)

    def close(self) -> None:
        """Abandon the utterance (the caller never answered, or hung up): the decoders go back."""
        with self._lock:
            pair, self._pair = self._pair, None
            if pair is not None:
                pair.decoder.end_utt()
                pair.phone_loop.end_utt()
                self._pool.give_back(pair)

    def _result(self, pair: _GrammarDecoder) -> Hypothesis:
        best = pair.decoder.hyp()
        loop = pair.phone_loop.hyp()
        frames = _speech_frames(pair.phone_loop)
        if best is None or not best.hypstr or loop is None or frames == 0:
            return no_match()
        loop_score = _log_score(pair.phone_loop, loop.best_score)

        def confidence(path_score: float) -> float:
            return confidence_from_gap((_log_score(pair.decoder, path_score) - loop_score) / frames)

        candidates = {best.hypstr: confidence(best.best_score)}
        for hyp in islice(pair.decoder.nbest(), NBEST_SCANNED):
            if hyp is not None and hyp.hypstr and hyp.hypstr not in candidates:
                candidates[hyp.hypstr] = confidence(hyp.score)
        ranked = sorted(candidates.items(), key=lambda candidate: candidate[1], reverse=True)
        result = self._grammar.match_all(ranked[:NBEST_KEPT])
        if result.text and result.confidence < self._min_confidence:
            log.debug("rejected %r: confidence %.2f", result.text, result.confidence)
            return no_match([(result.text, result.confidence), *result.alternatives])
        return result


class _SilentStream:
    """A stream for a grammar with nothing recognizable in it: always no match."""

    def feed(self, audio: np.ndarray) -> str | None:
        return None

    def final(self) -> Hypothesis:
        return no_match()


class PocketSphinxDictationStream:
    """One utterance decoded with the language model."""

    def __init__(self, engine: PocketSphinxEngine) -> None:
        self._pool = engine._dictation_pool
        self._decoder = self._pool.take()
        self._decoder.start_utt()
        self._over = False
        self._lock = threading.Lock()  # close() may come from another thread than feed()

    def feed(self, audio: np.ndarray) -> str | None:
        with self._lock:
            if self._over:
                raise RuntimeError("the utterance is over: final() was called")
            self._decoder.process_raw(as_int16(audio).tobytes(), False, False)
            hyp = self._decoder.hyp()
            return hyp.hypstr if hyp is not None and hyp.hypstr else None

    def final(self) -> Hypothesis:
        with self._lock:
            if self._over:
                raise RuntimeError("the utterance is over: final() was called")
            self._over = True
            try:
                self._decoder.end_utt()
                hyp = self._decoder.hyp()
                if hyp is None or not hyp.hypstr:
                    return no_match()
                return Hypothesis(hyp.hypstr, min(max(hyp.prob, 0.0), 1.0))
            finally:
                self._pool.give_back(self._decoder)

    def close(self) -> None:
        """Abandon the utterance: the decoder goes back."""
        with self._lock:
            if not self._over:
                self._over = True
                self._decoder.end_utt()
                self._pool.give_back(self._decoder)


class PocketSphinxEngine:
    """PocketSphinx in both roles: grammars (what it is good at) and dictation (for comparison).

    Args:
        model_dir: acoustic model folder; the bundled en-us model if None.
        dictionary: pronunciation dictionary; the bundled CMU dictionary if None.
        language_model: n-gram model for dictation; the bundled en-us model if None.
        min_confidence: grammar results below this confidence are no match.
        cmn_init: the cepstral mean a new decoder starts from (comma-separated), adapted from
            there utterance by utterance; None keeps the model's own (wideband) start.
    """

    name = "pocketsphinx"

    def __init__(
        self,
        model_dir: Path | None = None,
        dictionary: Path | None = None,
        language_model: Path | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        cmn_init: str | None = PHONE_LINE_CMN,
    ) -> None:
        default_model, default_dictionary, default_lm = bundled_model()
        self.model_dir = model_dir or default_model
        self.dictionary = dictionary or default_dictionary
        self.language_model = language_model or default_lm
        self.min_confidence = min_confidence
        self.cmn_init = cmn_init
        self._known_words = self._read_dictionary(self.dictionary)
        self._grammars = GrammarCache()
        self._rule_grammars = GrammarCache()
        self._grammar_count = 0
        self._count_lock = threading.Lock()
        self._grammar_pool = _Pool(self._make_grammar_decoder)
        self._dictation_pool = _Pool(self._make_dictation_decoder)
        self._grammar_pool.fill(1)

    @staticmethod
    def _read_dictionary(path: Path) -> frozenset[str]:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return frozenset(line.split(maxsplit=1)[0].split("(")[0] for line in handle if line.strip())

    def _decoder(self, **search):
        from pocketsphinx import Decoder

        return Decoder(
            hmm=str(self.model_dir),
            dict=str(self.dictionary),
            samprate=SAMPLE_RATE_HZ,
            loglevel="ERROR",
            **({"cmninit": self.cmn_init} if self.cmn_init is not None else {}),
            **search,
        )

    def _make_grammar_decoder(self) -> _GrammarDecoder:
        phone_loop = self._decoder(lm=None, compallsen=True)
        phone_loop.add_allphone_file("phones", None)
        phone_loop.activate_search("phones")
        return _GrammarDecoder(self._decoder(lm=None, compallsen=True), phone_loop)

    def _make_dictation_decoder(self):
        return self._decoder(lm=str(self.language_model))

    def compile(self, phrases: list[str], name: str) -> PocketSphinxGrammar:
        """Compile `phrases` into a JSGF grammar (cached by phrase set).

        Args:
            phrases: the allowed phrases; numbers may be written as digits.
            name: a label for logs.

        Returns:
            The grammar; phrases with a word that cannot be pronounced are in its
            ``unsayable`` list and left out.
        """
        return self._grammars.get_or_compile(phrases, lambda: self._compile(phrases, name))

    def _compile(self, phrases: list[str], name: str) -> PocketSphinxGrammar:
        spoken = {phrase: normalize(phrase, keep_apostrophes=True).split() for phrase in phrases}
        unknown = sorted({word for words in spoken.values() for word in words} - self._known_words)
        guessed = pronounce(unknown) if unknown else {}
        unsayable: list[str] = []
        alternatives: list[str] = []
        for phrase, words in spoken.items():
            missing = [word for word in words if word in guessed and guessed[word] is None]
            if not words or missing:
                log.warning(
                    "grammar %s: phrase %r cannot be recognized: no pronunciation for %s",
                    name,
                    phrase,
                    ", ".join(repr(word) for word in missing) or "its (empty) words",
                )
                unsayable.append(phrase)
            elif " ".join(words) not in alternatives:
                alternatives.append(" ".join(words))
        pronunciations = {word: " ".join(phones) for word, phones in guessed.items() if phones}
        for word, phones in pronunciations.items():
            log.info("grammar %s: %r pronounced %s (espeak-ng)", name, word, phones)
        search = self._search_name()
        return PocketSphinxGrammar(
            name=name,
            phrases=list(phrases),
            unsayable=unsayable,
            jsgf=jsgf_for(alternatives) if alternatives else "",
            pronunciations=pronunciations,
            search=search,
        )

    def _search_name(self) -> str:
        with self._count_lock:
            self._grammar_count += 1
            return f"grammar{self._grammar_count}"

    def compile_rules(
        self, rules: dict[str, str | list[str]], name: str, public: str = "command"
    ) -> PocketSphinxRuleGrammar:
        """Compile a structured grammar of named rules (cached by its rules).

        Args:
            rules: rule name -> either an expression or a list of phrases. An expression is
                lower-case words, references to other rules (``<name>``), optional parts
                (``[on <label>]``), groups of alternatives (``(mobile | office)``) and
                repetition (``<digit>+``); its words must be pronounceable. A list of phrases
                (thousands of names, say) is the alternatives of the rule: each phrase is
                normalized like those of :meth:`compile`, and phrases with a word that cannot
                be pronounced go to the grammar's ``unsayable`` list instead.
            name: a label for logs.
            public: the rule the grammar recognizes.

        Returns:
            The grammar; results are sentences of it, normalized (lower case, numbers in words).

        Raises:
            AssistantError: ``grammar-invalid`` for a bad rule name, an unknown or recursive
                reference, or an expression word with no pronunciation.
        """
        key = json.dumps(
            {"public": public, "rules": {rule: body for rule, body in sorted(rules.items())}}, sort_keys=True
        )
        return self._rule_grammars.get_or_compile([key], lambda: self._compile_rules(rules, name, public))

    def _compile_rules(
        self, rules: dict[str, str | list[str]], name: str, public: str
    ) -> PocketSphinxRuleGrammar:
        if public not in rules:
            raise AssistantError("grammar-invalid", f"grammar {name}: no rule <{public}>")
        expressions: dict[str, list[str]] = {}
        lists: dict[str, list[tuple[str, list[str]]]] = {}
        for rule, body in rules.items():
            if not RULE_NAME.match(rule):
                raise AssistantError("grammar-invalid", f"grammar {name}: bad rule name {rule!r}")
            if isinstance(body, str):
                expressions[rule] = EXPRESSION_TOKEN.findall(body.lower())
            else:
                lists[rule] = [(phrase, normalize(phrase, keep_apostrophes=True).split()) for phrase in body]
        for rule, tokens in expressions.items():
            for token in tokens:
                if token.startswith("<") and token[1:-1] not in rules:
                    raise AssistantError("grammar-invalid", f"grammar {name}: <{rule}> refers to {token}")
        expression_words = {
            token for tokens in expressions.values() for token in tokens if token[0] not in "<[]()|+*"
        }
        list_words = {word for phrases in lists.values() for _, words in phrases for word in words}
        unknown = sorted((expression_words | list_words) - self._known_words)
        guessed = pronounce(unknown) if unknown else {}
        silent = sorted(word for word in expression_words if word in guessed and guessed[word] is None)
        if silent:
            raise AssistantError("grammar-invalid", f"grammar {name}: no pronunciation for {silent}")
        unsayable: list[str] = []
        trees: dict[str, dict] = {}
        for rule, phrases in lists.items():
            sayable = []
            for phrase, words in phrases:
                if not words or any(word in guessed and guessed[word] is None for word in words):
                    unsayable.append(phrase)
                else:
                    sayable.append(words)
            trees[rule] = _word_tree(sayable)
        if unsayable:
            log.warning("grammar %s: %d phrase(s) cannot be recognized: %s", name, len(unsayable), unsayable)
        regexes: dict[str, str] = {}
        visiting: set[str] = set()

        def rule_regex(rule: str) -> str:
            if rule in regexes:
                return regexes[rule]
            if rule in visiting:
                raise AssistantError("grammar-invalid", f"grammar {name}: rule <{rule}> refers to itself")
            visiting.add(rule)
            if rule in trees:
                regexes[rule] = _tree_regex(trees[rule]) if trees[rule] else "(?!)"
            else:
                regexes[rule] = _expression_regex(expressions[rule], rule_regex)
            visiting.discard(rule)
            return regexes[rule]

        pattern = re.compile(rule_regex(public))
        lines = ["#JSGF V1.0;", "grammar structured;"]
        for rule in rules:
            if rule in trees:
                body = _tree_jsgf(trees[rule]) if trees[rule] else "<VOID>"
            else:
                body = " ".join(expressions[rule])
            lines.append(f"{'public ' if rule == public else ''}<{rule}> = {body};")
        pronunciations = {word: " ".join(phones) for word, phones in guessed.items() if phones}
        log.info("grammar %s: %d word(s) pronounced by espeak-ng", name, len(pronunciations))
        return PocketSphinxRuleGrammar(
            name=name,
            phrases=[],
            unsayable=unsayable,
            jsgf="\n".join(lines) + "\n",
            pronunciations=pronunciations,
            search=self._search_name(),
            pattern=pattern,
        )

    def warm(self, streams: int) -> None:
        """Load decoders for `streams` grammar utterances at once (blocking, about 0.5 s of CPU each).

        Otherwise each utterance beyond those already running loads its decoders when it starts,
        which at ten calls at once made the first answers of the busy moment wait for seconds.
        """
        self._grammar_pool.fill(streams)

    def prepare(self, grammar: Grammar) -> None:
        """Register `grammar` now on the idle decoders, so that the first utterance does not wait for it.

        A grammar is otherwise registered on a decoder the first time a stream uses it there,
        which for a grammar of thousands of names takes a noticeable part of a second.
        """
        if isinstance(grammar, PocketSphinxGrammar) and grammar.jsgf:
            for pair in self._grammar_pool.take_idle():
                try:
                    pair.register(grammar)
                finally:
                    self._grammar_pool.give_back(pair)

    def stream(self, grammar: Grammar | None = None) -> RecognitionStream:
        """Start an utterance: against `grammar` (compiled by this engine), or dictation if None."""
        if grammar is None:
            return PocketSphinxDictationStream(self)
        if not isinstance(grammar, PocketSphinxGrammar):
            raise TypeError(f"grammar {grammar.name!r} was not compiled by PocketSphinx")
        if not grammar.jsgf:
            return _SilentStream()
        return PocketSphinxGrammarStream(self, grammar)

    def transcribe(self, audio: np.ndarray) -> Hypothesis:
        """Dictation of a whole utterance with the language model (blocking)."""
        stream = PocketSphinxDictationStream(self)
        stream.feed(audio)
        return stream.final()
