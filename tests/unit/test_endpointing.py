"""The endpointer on synthetic audio: silence, a tone burst of speech-like noise, and Piper speech."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech.endpointing import Endpointer, EndpointSettings
from assistant.speech.tts import Synthesizer, VoiceSettings

FRAME = 320


def frames(audio: np.ndarray):
    for start in range(0, len(audio) - FRAME + 1, FRAME):
        yield audio[start : start + FRAME]


@pytest.fixture(scope="module")
def spoken() -> np.ndarray:
    return Synthesizer(VoiceSettings()).synthesize("Hello, I am calling about the contract.")


def run(endpointer: Endpointer, audio: np.ndarray) -> list[tuple[int, str]]:
    events = []
    for index, frame in enumerate(frames(audio)):
        event = endpointer.push(frame)
        if event:
            events.append((index, event))
    return events


def test_silence_never_starts_speech():
    assert run(Endpointer(), np.zeros(16000 * 3, dtype=np.int16)) == []


def test_low_noise_is_not_speech():
    rng = np.random.default_rng(1)
    hiss = (rng.standard_normal(16000 * 3) * 20).astype(np.int16)
    assert run(Endpointer(), hiss) == []


def test_speech_starts_and_ends_after_the_trailing_silence(spoken):
    silence = np.zeros(16000, dtype=np.int16)
    audio = np.concatenate([silence, spoken, silence, silence])
    settings = EndpointSettings(end_silence_ms=600)
    endpointer = Endpointer(settings)

    events = run(endpointer, audio)

    assert [event for _, event in events] == ["start", "end"]
    start_frame, end_frame = events[0][0], events[1][0]
    assert 45 <= start_frame <= 75, start_frame  # speech begins at 1.0 s = frame 50
    speech_end_frame = (16000 + len(spoken)) // FRAME
    # 600 ms (30 frames) after the last voiced frame; Piper ends its audio with a little quiet
    assert speech_end_frame + 15 <= end_frame <= speech_end_frame + 40, (end_frame, speech_end_frame)
    kept = np.concatenate(endpointer.speech_frames)
    assert len(kept) >= len(spoken) * 0.8


def test_long_speech_is_cut_at_the_maximum_length(spoken):
    endpointer = Endpointer(EndpointSettings(max_utterance_s=1.0))
    events = run(endpointer, np.tile(spoken, 3))
    assert [event for _, event in events] == ["start", "end"]
    assert len(endpointer.speech_frames) <= 51
