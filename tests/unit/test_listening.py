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
    audio = np.concatenate([quiet(0.5), voice.synthesize("This is Maria Garcia."), quiet(2.0)])
    utterance, quiet_ms = asyncio.run(listen(audio, FREE, whisper.stream(), sentence_complete))
    assert utterance.early_end and quiet_ms < FREE.end_silence_ms
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
