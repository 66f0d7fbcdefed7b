"""PocketSphinx grammars on the command fixtures: the right phrase, rejection, espeak-ng pronunciations."""

from __future__ import annotations

import logging

import pytest
from asr_audio import ASR_CASES, COMMANDS, cases, read_wav, run_stream

from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine, PocketSphinxGrammar, _Pool
from assistant.speech.asr.pronounce import has_latin_letter, ipa_to_arpabet, pronounce
from assistant.speech.g711 import telephone_line
from assistant.speech.wer import wer

COMMAND_PHRASES = [
    "yes",
    "no",
    "call Maria Garcia",
    "play my messages",
    "help",
    "goodbye",
    "one two three four",
    "put them through",
    "take a message",
    "call Chidimma Oyelaran",
]
IN_GRAMMAR = {
    "yes.wav": "yes",
    "no.wav": "no",
    "call_maria_garcia.wav": "call Maria Garcia",
    "play_my_messages.wav": "play my messages",
    "help.wav": "help",
    "goodbye.wav": "goodbye",
    "digits_1234.wav": "one two three four",
    "put_them_through.wav": "put them through",
    "take_a_message.wav": "take a message",
    "call_chidimma_oyelaran.wav": "call Chidimma Oyelaran",
}


@pytest.fixture(scope="module")
def engine() -> PocketSphinxEngine:
    """The engine for the fixtures as recorded (wideband microphone audio, not a phone line):
    the model's own cepstral mean to start from, carried from one utterance to the next."""
    return PocketSphinxEngine(cmn_init=None)


@pytest.fixture(scope="module")
def phone_engine() -> PocketSphinxEngine:
    """The engine as the service makes it, for calls."""
    return PocketSphinxEngine()


@pytest.fixture(scope="module")
def commands(engine: PocketSphinxEngine) -> PocketSphinxGrammar:
    return engine.compile(COMMAND_PHRASES, "commands")


@pytest.mark.parametrize(("wav", "phrase"), sorted(IN_GRAMMAR.items()))
def test_recognizes_the_phrase_that_was_said(
    engine: PocketSphinxEngine, commands: PocketSphinxGrammar, wav: str, phrase: str
) -> None:
    partials, result = run_stream(engine.stream(commands), read_wav(COMMANDS / wav))
    assert result.text == phrase
    assert result.confidence >= engine.min_confidence
    assert partials, "the stream gives partial results while audio comes in"


@pytest.mark.parametrize(("wav", "phrase"), sorted(IN_GRAMMAR.items()))
def test_a_new_decoder_hears_a_phone_line_command_right_the_first_time(
    phone_engine: PocketSphinxEngine, wav: str, phrase: str
) -> None:
    """The first utterance of a decoder that has heard no call yet ("no" was heard as "help")."""
    commands = phone_engine.compile(COMMAND_PHRASES, "commands")
    phone_engine._grammar_pool = _Pool(phone_engine._make_grammar_decoder)
    _, result = run_stream(phone_engine.stream(commands), telephone_line(read_wav(COMMANDS / wav)))
    assert (result.text, phone_engine._grammar_pool.made) == (phrase, 1)
    assert result.confidence >= phone_engine.min_confidence


def test_a_decoder_that_adapted_to_other_calls_still_hears_the_first_command(
    phone_engine: PocketSphinxEngine,
) -> None:
    commands = phone_engine.compile(COMMAND_PHRASES, "commands")
    phone_engine._grammar_pool = _Pool(phone_engine._make_grammar_decoder)
    first, *others = [telephone_line(read_wav(COMMANDS / wav)) for wav in sorted(IN_GRAMMAR)]
    _, before = run_stream(phone_engine.stream(commands), first)
    for audio in others:
        run_stream(phone_engine.stream(commands), audio)
    _, after = run_stream(phone_engine.stream(commands), first)
    assert phone_engine._grammar_pool.made == 1  # one decoder heard them all
    assert after.text == before.text
    assert after.confidence >= phone_engine.min_confidence


def test_a_sentence_outside_a_yes_no_grammar_is_no_match(engine: PocketSphinxEngine) -> None:
    yes_no = engine.compile(["yes", "no"], "yes-no")
    for wav in ["not_in_grammar_invoice.wav", "not_in_grammar_weather.wav", "call_maria_garcia.wav"]:
        _, result = run_stream(engine.stream(yes_no), read_wav(COMMANDS / wav))
        # PocketSphinx itself always answers "yes" or "no"; the phone-loop confidence rejects it.
        assert result.text == "" and result.confidence == 0.0, wav
        assert result.alternatives, "the rejected candidate is kept"
        rejected_phrase, rejected_confidence = result.alternatives[0]
        assert rejected_phrase in {"yes", "no"}
        assert rejected_confidence < 0.1


def test_a_sentence_outside_the_command_grammar_is_no_match(
    engine: PocketSphinxEngine, commands: PocketSphinxGrammar
) -> None:
    _, result = run_stream(engine.stream(commands), read_wav(COMMANDS / "not_in_grammar_invoice.wav"))
    assert result.text == ""


def test_names_missing_from_the_dictionary_are_pronounced_by_espeak(commands: PocketSphinxGrammar) -> None:
    assert set(commands.pronunciations) == {"chidimma", "oyelaran"}
    assert commands.pronunciations["chidimma"].startswith("CH IH D")
    assert "chidimma oyelaran" in commands.jsgf
    assert commands.unsayable == []


def test_a_word_without_pronunciation_is_listed_not_dropped(
    engine: PocketSphinxEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        grammar = engine.compile(["yes", "no", "call 你好", "___"], "with-unsayable")
    assert grammar.unsayable == ["call 你好", "___"]
    assert "call 你好" in caplog.text and "'你好'" in caplog.text
    assert "| no" in grammar.jsgf and "你好" not in grammar.jsgf
    _, result = run_stream(engine.stream(grammar), read_wav(COMMANDS / "yes.wav"))
    assert result.text == "yes"


def test_a_grammar_with_nothing_sayable_never_matches(engine: PocketSphinxEngine) -> None:
    grammar = engine.compile(["你好"], "nothing")
    assert grammar.unsayable == ["你好"] and grammar.jsgf == ""
    _, result = run_stream(engine.stream(grammar), read_wav(COMMANDS / "yes.wav"))
    assert result.text == ""


def test_grammars_compile_once_per_phrase_set(
    engine: PocketSphinxEngine, commands: PocketSphinxGrammar
) -> None:
    assert engine.compile(list(reversed(COMMAND_PHRASES)), "again") is commands


def test_dictation_with_the_language_model(engine: PocketSphinxEngine) -> None:
    references = cases(ASR_CASES)
    wav = "case29.wav"
    partials, result = run_stream(engine.stream(), read_wav(ASR_CASES.parent / wav))
    assert partials
    assert wer(references[wav], result.text) <= 0.25, result.text


@pytest.mark.parametrize(
    ("ipa", "phones"),
    [
        ("tʃ_ˈɪ_d_ɪ_m_ə", ["CH", "IH", "D", "IH", "M", "AH"]),
        ("ˈɔɪ_ɪ_l_ˌæ_ɹ_ə_n", ["OY", "IH", "L", "AE", "R", "AH", "N"]),
        ("b_ˈʌ_ɾ_ɚ", ["B", "AH", "T", "ER"]),
        ("b_ˈʌ_ʔ_n̩", ["B", "AH", "T", "AH", "N"]),
        ("h_ˈɑːɹ_t", ["HH", "AA", "R", "T"]),
        ("", None),
        ("k_ʘ", None),
    ],
)
def test_ipa_to_arpabet(ipa: str, phones: list[str] | None) -> None:
    assert ipa_to_arpabet(ipa) == phones


def test_only_latin_words_get_pronunciations() -> None:
    assert has_latin_letter("josé") and has_latin_letter("o'brien")
    assert not has_latin_letter("你好") and not has_latin_letter("___") and not has_latin_letter("네")
    guessed = pronounce(["saoirse", "你好"])
    assert guessed["saoirse"] and guessed["saoirse"][0] == "S"
    assert guessed["你好"] is None


def test_warm_loads_decoders_for_simultaneous_utterances() -> None:
    engine = PocketSphinxEngine()
    grammar = engine.compile(["yes", "no"], name="yes_no")
    engine.warm(3)
    assert engine._grammar_pool.made == 3
    streams = [engine.stream(grammar) for _ in range(3)]  # the three ready decoders, none loaded now
    assert engine._grammar_pool.made == 3
    yes = read_wav(COMMANDS / "yes.wav")
    for stream in streams:
        stream.feed(yes)
        assert stream.final().text == "yes"
    engine.warm(2)  # already there
    assert engine._grammar_pool.made == 3


def test_decoders_that_have_heard_calls_are_taken_before_new_ones() -> None:
    from assistant.speech.asr.pocketsphinx_engine import _Pool

    made = iter(range(100))
    pool = _Pool(lambda: next(made))
    used = pool.take()
    pool.give_back(used)
    pool.fill(4)
    assert pool.made == 4
    assert pool.take() == used
