"""Listening to one utterance: endpointing live frames and streaming them into a recognizer."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import numpy as np

from assistant.speech.endpointing import Endpointer

FEED_EVERY_FRAMES = 5  # hand audio to the recognizer every 100 ms


@dataclass
class Utterance:
    """What the caller said in one turn, with the moments that matter for latency."""

    hypothesis: object
    audio: np.ndarray
    started_at: float
    ended_at: float  # monotonic time of the end of speech (last voiced frame)
    recognized_at: float

    @property
    def seconds(self) -> float:
        return len(self.audio) / 16000


async def capture_utterance(
    frames: asyncio.Queue, endpointer: Endpointer, stream, started: asyncio.Event
) -> Utterance:
    """Read frames until the endpointer says the utterance ended; return the recognizer's final result.

    Args:
        frames: live 20 ms int16 frames of the caller.
        endpointer: a fresh Endpointer.
        stream: a RecognitionStream (`feed(audio)`, `final()`), fed from a worker thread.
        started: set as soon as speech starts (barge-in uses it).
    """
    fed = 0
    started_at = 0.0
    while True:
        frame = await frames.get()
        event = endpointer.push(frame)
        if event == "start":
            started_at = time.monotonic()
            started.set()
        if not endpointer.started:
            continue
        pending = len(endpointer.speech_frames) - fed
        if event == "end" or pending >= FEED_EVERY_FRAMES:
            chunk = np.concatenate(endpointer.speech_frames[fed:])
            fed = len(endpointer.speech_frames)
            await asyncio.to_thread(stream.feed, chunk)
        if event == "end":
            ended_at = time.monotonic() - endpointer.trailing_silence_s
            hypothesis = await asyncio.to_thread(stream.final)
            audio = np.concatenate(endpointer.speech_frames)
            return Utterance(hypothesis, audio, started_at, ended_at, time.monotonic())
