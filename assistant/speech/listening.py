"""Listening to one utterance: endpointing live frames and streaming them into a recognizer.

A recognizer that decodes only whole utterances (Whisper, behind a `BufferedStream`) would
add its whole decode after the end of speech. So once the caller has been quiet for
`SPECULATE_AFTER_MS`, the audio so far is decoded in a worker thread while the endpointer
waits out its trailing silence; if the caller speaks again that decode is dropped (and no
other starts until it has finished), else its result is the utterance's. With a
`complete` check and the endpoint's `complete_silence_ms`, a turn whose words so far are a
whole answer (turn_end.py) ends after that shorter quiet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.speech.asr.base import BufferedStream, Hypothesis
from assistant.speech.endpointing import Endpointer

FEED_EVERY_FRAMES = 5  # hand audio to the recognizer every 100 ms
SPECULATE_AFTER_MS = 200  # quiet after speech before the early decode of a whole-utterance recognizer


@dataclass
class Utterance:
    """What the caller said in one turn, with the moments that matter for latency."""

    hypothesis: object
    audio: np.ndarray
    started_at: float
    ended_at: float  # monotonic time of the end of speech (last voiced frame)
    recognized_at: float
    early_end: bool = False  # ended by the short quiet after a whole answer

    @property
    def seconds(self) -> float:
        return len(self.audio) / 16000


class _EarlyDecode:
    """The decode of the audio up to a pause, started before the utterance is known to be over."""

    def __init__(self, stream: BufferedStream) -> None:
        self._stream = stream
        self._current: asyncio.Future | None = None
        self._dropped: asyncio.Future | None = None

    def start(self) -> None:
        if self._current is None and (self._dropped is None or self._dropped.done()):
            self._current = asyncio.ensure_future(asyncio.to_thread(self._stream.decode_so_far))

    def drop(self) -> None:
        if self._current is not None:
            self._dropped, self._current = self._current, None

    @property
    def text(self) -> str | None:
        """The early result's text, once it is there (None before)."""
        if self._current is None or not self._current.done() or self._current.exception() is not None:
            return None
        return self._current.result().text

    async def result(self) -> Hypothesis | None:
        """The early decode of the whole utterance, or None when there is none (or it failed)."""
        if self._current is None:
            return None
        try:
            return await self._current
        except Exception:
            return None


async def capture_utterance(
    frames: asyncio.Queue,
    endpointer: Endpointer,
    stream,
    started: asyncio.Event,
    complete: Callable[[str], bool] | None = None,
) -> Utterance:
    """Read frames until the utterance ended; return the recognizer's final result.

    Args:
        frames: live 20 ms int16 frames of the caller.
        endpointer: a fresh Endpointer.
        stream: a RecognitionStream (`feed(audio)`, `final()`), fed from a worker thread; when the
            capture ends without an utterance (cancelled: no answer, a key, a hang-up), its
            `close()`, if it has one, lets go of what it holds.
        started: set as soon as speech starts (barge-in uses it).
        complete: says whether the words heard so far are a whole answer; with the endpoint's
            `complete_silence_ms` such an answer ends the turn after that shorter quiet.
    """
    finishing = False
    try:
        fed = 0
        started_at = 0.0
        partial: str | None = None
        early = _EarlyDecode(stream) if isinstance(stream, BufferedStream) else None
        short_quiet = endpointer.settings.complete_silence_ms if complete is not None else None
        while True:
            frame = await frames.get()
            event = endpointer.push(frame)
            if event == "start":
                started_at = time.monotonic()
                started.set()
            if not endpointer.started:
                continue
            quiet = endpointer.quiet_ms
            pending = len(endpointer.speech_frames) - fed
            at_a_pause = quiet in (SPECULATE_AFTER_MS, short_quiet)
            if event == "end" or pending >= FEED_EVERY_FRAMES or (pending and at_a_pause):
                chunk = np.concatenate(endpointer.speech_frames[fed:])
                fed = len(endpointer.speech_frames)
                text = await asyncio.to_thread(stream.feed, chunk)
                partial = text if text is not None else partial
            if early is not None:
                if quiet == 0:
                    early.drop()
                elif quiet >= SPECULATE_AFTER_MS:
                    early.start()
                partial = early.text
            early_end = (
                event != "end"
                and short_quiet is not None
                and quiet >= short_quiet
                and bool(partial)
                and complete(partial)
            )
            if event == "end" or early_end:
                ended_at = time.monotonic() - endpointer.trailing_silence_s
                hypothesis = await early.result() if early is not None else None
                if hypothesis is None:
                    finishing = True
                    hypothesis = await asyncio.to_thread(stream.final)
                audio = np.concatenate(endpointer.speech_frames)
                return Utterance(hypothesis, audio, started_at, ended_at, time.monotonic(), early_end)
    finally:
        close = getattr(stream, "close", None)
        if not finishing and close is not None:
            # In a thread, after any feed still running there (the stream serializes them).
            asyncio.get_running_loop().run_in_executor(None, close)
