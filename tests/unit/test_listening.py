"""Listening to one utterance fed in real time: the early decode and the short pause after a whole answer.

Real engines (Whisper tiny.en, PocketSphinx) on Piper speech, 20 ms frames put on the queue at
the pace a call delivers them.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from assistant.grammars import load_choices
from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine
from assistant.speech.asr.whisper_engine import WhisperEngine
from assistant.speech.endpointing import Endpointer, EndpointSettings
from assistant.speech.listening import Utterance, capture_utterance
from assistant.speech.tts import Synthesizer, VoiceSettings
from assistant.speech.turn_end import choice_complete, sentence_complete

FRAME = 320
FREE = EndpointSettings(end_silence_ms=900, complete_silence_ms=400)
CHOICE = EndpointSettings(end_silence_ms=450, complete_silence_ms=250)


@pytest.fixture(scope="module")
def voice() -> Synthesizer:
    return Synthesizer(VoiceSettings())


@pytest.fixture(scope="module")
def whisper() -> WhisperEngine:
    return WhisperEngine(threads=2)


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(16000 * seconds), dtype=np.int16)


async def listen(audio: np.ndarray, settings: EndpointSettings, stream, complete) -> tuple[Utterance, int]:
    """Run capture_utterance on `audio` delivered in real time; return it and the quiet it ended after."""
    frames: asyncio.Queue = asyncio.Queue()
    endpointer = Endpointer(settings)

    async def deliver() -> None:
        for start in range(0, audio.size - FRAME + 1, FRAME):
            frames.put_nowait(audio[start : start + FRAME])
            await asyncio.sleep(0.02)

    delivering = asyncio.create_task(deliver())
    try:
        utterance = await capture_utterance(frames, endpointer, stream, asyncio.Event(), complete)
    finally:
        delivering.cancel()
    return utterance, endpointer.quiet_ms


def test_a_whole_sentence_ends_after_the_short_pause(voice, whisper) -> None:
    # The early decode runs while the quiet goes on: a long pause far longer than any decode on a
    # busy machine keeps the test about the short pause, not about this machine's speed.
    patient = EndpointSettings(end_silence_ms=6000, complete_silence_ms=FREE.complete_silence_ms)
    audio = np.concatenate([quiet(0.5), voice.synthesize("This is Maria Garcia."), quiet(6.5)])
    utterance, quiet_ms = asyncio.run(listen(audio, patient, whisper.stream(), sentence_complete))
    assert utterance.early_end and quiet_ms < patient.end_silence_ms
    assert "maria garcia" in utterance.hypothesis.text.lower()


def test_without_the_check_the_turn_waits_for_the_long_pause(voice, whisper) -> None:
    audio = np.concatenate([quiet(0.5), voice.synthesize("This is Maria Garcia."), quiet(2.0)])
    utterance, quiet_ms = asyncio.run(listen(audio, FREE, whisper.stream(), None))
    assert not utterance.early_end and quiet_ms >= FREE.end_silence_ms
    assert "maria garcia" in utterance.hypothesis.text.lower()


def test_a_pause_mid_sentence_does_not_end_it_and_the_early_decode_is_dropped(voice, whisper) -> None:
    audio = np.concatenate(
        [
            quiet(0.5),
            voice.synthesize("I am calling about"),
            quiet(0.6),
            voice.synthesize("the contract for the new office."),
            quiet(2.0),
        ]
    )
    utterance, _ = asyncio.run(listen(audio, FREE, whisper.stream(), sentence_complete))
    assert "contract" in utterance.hypothesis.text.lower() and "calling" in utterance.hypothesis.text.lower()


def test_a_grammar_phrase_ends_after_the_short_pause(voice) -> None:
    engine = PocketSphinxEngine()
    choices = load_choices("yes_no")
    grammar = engine.compile(choices.phrases(), name="yes_no")
    audio = np.concatenate([quiet(0.5), voice.synthesize("Yes."), quiet(1.5)])
    utterance, quiet_ms = asyncio.run(
        listen(audio, CHOICE, engine.stream(grammar), choice_complete(choices.options))
    )
    assert choices.choice_for(utterance.hypothesis.text) == "yes"
    assert utterance.early_end and quiet_ms < CHOICE.end_silence_ms


@pytest.mark.parametrize("speech_before_the_end", [False, True])
def test_a_turn_that_ends_without_an_utterance_gives_the_decoders_back(voice, speech_before_the_end) -> None:
    """No answer before the time-out, or a hang-up mid-word: the next turn reuses the decoders."""
    engine = PocketSphinxEngine()
    grammar = engine.compile(load_choices("yes_no").phrases(), name="yes_no")
    made_before = engine._grammar_pool.made
    words = voice.synthesize("Yes, that is right, yes.")
    audio = np.concatenate([quiet(0.3), words[: words.size // 2]]) if speech_before_the_end else quiet(1.0)

    async def abandoned_turn() -> None:
        frames: asyncio.Queue = asyncio.Queue()
        for start in range(0, audio.size - FRAME + 1, FRAME):
            frames.put_nowait(audio[start : start + FRAME])
        stream = engine.stream(grammar)
        capture = asyncio.create_task(capture_utterance(frames, Endpointer(CHOICE), stream, asyncio.Event()))
        for _ in range(500):  # until the capture has read every frame
            if frames.empty():
                break
            await asyncio.sleep(0.01)
        capture.cancel()
        with pytest.raises(asyncio.CancelledError):
            await capture
        for _ in range(200):  # closing happens in a worker thread
            if engine._grammar_pool._idle:
                return
            await asyncio.sleep(0.01)

    for _ in range(3):
        asyncio.run(abandoned_turn())
    assert engine._grammar_pool.made == made_before
    yes = np.concatenate([quiet(0.3), voice.synthesize("Yes."), quiet(1.0)])
    utterance, _ = asyncio.run(listen(yes, CHOICE, engine.stream(grammar), None))
    assert utterance.hypothesis.text == "yes" and engine._grammar_pool.made == made_before
