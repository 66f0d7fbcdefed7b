"""The Call a flow talks to: say, ask, hang up, and the record of what happened.

A flow never sees ARI ids, RTP, engines or audio formats; it speaks in prompt keys and gets
back `Answer`s. When the caller hangs up, the operation in progress raises `CallerHungUp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.prompts import Prompts
from assistant.speech.endpointing import FRAME_MS, Endpointer, EndpointSettings
from assistant.speech.expect import Answer, Choices, Digits, Expectation, FreeSpeech, Phrases
from assistant.speech.greeting_audio import GreetingRenderer
from assistant.speech.listening import Utterance, capture_utterance
from assistant.speech.tts import PromptCache, split_sentences
from assistant.speech.turn_end import choice_complete, digits_complete, sentence_complete
from assistant.telephony.channel import CallerHungUp, Channel, ChannelInfo, Playback
from assistant.telephony.dialer import Dialer
from assistant.telephony.media import CallerAudio

if TYPE_CHECKING:
    from assistant.greetings import Greeting

__all__ = ["Answer", "Call", "CallerHungUp", "Choices", "Digits", "FreeSpeech", "Phrases", "Speech"]

log = logging.getLogger(__name__)

NO_INPUT_S = 5.0
MESSAGE_SILENCE_S = 4.0
MESSAGE_NO_SPEECH_S = 10.0  # a caller who says nothing at all after the beep
RECORDING_GRACE_S = 10.0
INTER_DIGIT_S = 3.0
REPROMPTS = 2
MAX_CACHED_GRAMMARS = 200


@dataclass(frozen=True)
class Recording:
    path: Path
    speech_s: float  # how much of it was the caller speaking


@dataclass
class Speech:
    """The speech parts a call uses, loaded once per process."""

    tts: PromptCache
    grammar: object  # GrammarEngine
    dictation: object  # DictationEngine
    grammar_endpoint: EndpointSettings = field(
        default_factory=lambda: EndpointSettings(end_silence_ms=450, complete_silence_ms=250)
    )
    dictation_endpoint: EndpointSettings = field(
        default_factory=lambda: EndpointSettings(end_silence_ms=900, complete_silence_ms=400)
    )
    _grammars: dict = field(default_factory=dict)
    greetings: GreetingRenderer | None = None  # the owner's greetings in their own voice

    def stream_for(self, expect: Expectation):
        if isinstance(expect, Phrases):
            return expect.stream() if expect.stream else self.grammar.stream(expect.grammar)
        if isinstance(expect, Choices):
            phrases = tuple(expect.phrases())
            if phrases not in self._grammars:
                if len(self._grammars) >= MAX_CACHED_GRAMMARS:  # questions built from names come and go
                    self._grammars.pop(next(iter(self._grammars)))
                self._grammars[phrases] = self.grammar.compile(list(phrases), name="choices")
            return self.grammar.stream(self._grammars[phrases])
        return self.dictation.stream()

    def endpoint_for(self, expect: Expectation) -> EndpointSettings:
        return self.grammar_endpoint if isinstance(expect, Choices | Phrases) else self.dictation_endpoint

    def complete_for(self, expect: Expectation):
        """What says that the words heard so far answer `expect` (a short pause then ends the turn)."""
        if isinstance(expect, Choices):
            return choice_complete(expect.options)
        if isinstance(expect, Digits):
            return digits_complete(expect.max_digits, Digits.from_speech)
        if isinstance(expect, FreeSpeech):
            return sentence_complete
        return None  # a command: its own recognizer decides


class Call:
    """One caller on one line, as a flow sees it.

    Args:
        channel: the caller's channel.
        info: who called which number.
        prompts: the prompt texts.
        speech: TTS and recognizers.
        media: starts the live stream of a channel's audio (done on the first question).
        dialer: places outbound legs, hold music, bridges.
        recordings_dir: where Asterisk's recordings appear to this process.
        line: which line was called ("smart", "line", "speechtest"), or a leg's label.
        resumed: the service lost and found this call again (it restarted mid-call).
    """

    def __init__(
        self,
        channel: Channel,
        info: ChannelInfo,
        prompts: Prompts,
        speech: Speech,
        *,
        media: Callable[[Channel], Awaitable[CallerAudio]] | None = None,
        dialer: Dialer | None = None,
        recordings_dir: Path | None = None,
        line: str = "smart",
        resumed: bool = False,
    ) -> None:
        self._channel = channel
        self.info = info
        self.prompts = prompts
        self.speech = speech
        self._media = media
        self._dialer = dialer
        self._recordings_dir = recordings_dir
        self._audio: CallerAudio | None = None
        self._audio_opening: asyncio.Task | None = None
        self.line = line
        self.resumed = resumed
        self.events: list[dict] = []
        self.answered_at: datetime | None = None
        self.hung_up_by_us = False
        self.outcome: str | None = None  # set by a flow: "answered" (connected), "voicemail"
        self.screening: dict | None = None
        self.started_at = datetime.now(UTC)
        self.accepted_at: datetime | None = None  # a leg: when the owner accepted the call
        self.legs: list[Call] = []
        self.record_id: int | None = None  # the call-log row, once written
        self.callee: tuple[str, str] | None = None  # a call placed for the owner: (number, name)
        self.owner_id: int | None = None  # whose line was called, once known
        self._end_of_last_speech: float | None = None

    @property
    def caller_number(self) -> str:
        return self.info.caller_number

    @property
    def caller_name(self) -> str:
        return self.info.caller_name

    @property
    def gone(self) -> bool:
        return self._channel.gone.is_set()

    @property
    def hangup_cause(self) -> str | None:
        return self._channel.hangup_cause

    @property
    def ended_at(self) -> datetime | None:
        return self._channel.gone_at

    def log_event(self, kind: str, **details: object) -> None:
        self.events.append({"at": datetime.now(UTC).isoformat(), "event": kind, **details})

    async def answer(self, *, listen: bool = True) -> None:
        """Answer the call; with `listen`, start opening the caller's audio stream meanwhile.

        The stream takes a few ARI requests to set up. Opened only at the first question, it left
        a pause after the greeting (longer on a busy machine) into which callers started their
        answer, and those first words ("This is ...") were lost before the question listened.
        """
        if not self._channel.answered.is_set():
            await self._channel.answer()
        self.answered_at = datetime.now(UTC)
        self.log_event("answered")
        if listen and self._media is not None and self._audio is None and self._audio_opening is None:
            self._audio_opening = asyncio.ensure_future(self._media(self._channel))

    async def _caller_audio(self) -> CallerAudio | None:
        """The caller's live audio stream, opened now unless it is open or being opened."""
        if self._audio is None and self._media is not None:
            opening, self._audio_opening = self._audio_opening, None
            self._audio = await (opening or self._media(self._channel))
        return self._audio

    async def say(self, key: str, **fields: object) -> None:
        """Say the prompt `key` to the end."""
        await self.say_text(self.prompts.text(key, **fields), key=key)

    async def say_text(self, text: str, *, key: str | None = None) -> None:
        """Say free text to the end (synthesized once and cached)."""
        started = time.monotonic()
        playbacks: list[Playback] = []
        await self._speak(text, playbacks)
        self.log_event("said", prompt=key, text=text, seconds=round(time.monotonic() - started, 3))

    async def say_greeting(self, greeting: Greeting) -> None:
        """Say one of the owner's greetings to the end, in the owner's voice (rendered once, cached)."""
        renderer = self.speech.greetings
        if greeting.is_standard or renderer is None:
            await self.say_text(greeting.text, key=greeting.key)
            return
        started = time.monotonic()
        path = await asyncio.to_thread(renderer.ensure, greeting.text, greeting.voice)
        playback = await self._channel.start_playback(renderer.media_uri(path))
        await playback.finished
        voice = greeting.voice
        self.log_event(
            "said",
            prompt=greeting.key,
            text=greeting.text,
            voice={"voice": voice.voice, "rate": voice.rate, "pitch": voice.pitch},
            seconds=round(time.monotonic() - started, 3),
        )

    async def play_recording(self, recording: Path) -> None:
        """Play a recorded message to the end (the caller can stop it with any key)."""
        path = await asyncio.to_thread(self.speech.tts.ensure_recording, recording)
        playback = await self._channel.start_playback(self.speech.tts.media_uri(path))
        key = asyncio.ensure_future(self._channel.dtmf.get())
        gone = asyncio.ensure_future(self._channel.gone.wait())
        try:
            done, _ = await asyncio.wait({playback.finished, key, gone}, return_when=asyncio.FIRST_COMPLETED)
            if gone in done:
                raise CallerHungUp(self._channel.id)
            if key in done:
                await playback.stop()
        finally:
            key.cancel()
            gone.cancel()
        self.log_event("played", recording=recording.name)

    async def ringback(self) -> None:
        """Ringing tone to the caller while we place a call for them."""
        await self._channel.ring()

    async def stop_ringback(self) -> None:
        if not self.gone:
            with contextlib.suppress(CallerHungUp):
                await self._channel.stop_ringing()

    async def ask(
        self,
        key: str,
        expect: Expectation,
        *,
        no_input_s: float = NO_INPUT_S,
        reprompts: int = REPROMPTS,
        barge_in: bool = True,
        **fields: object,
    ) -> Answer:
        """Ask the prompt `key` and return what the caller answered, by voice or keypad.

        On no input or no match the question is asked again (with a short apology) up to
        `reprompts` times; the last answer is returned either way, so the flow decides the fallback.
        """
        text = self.prompts.text(key, **fields)
        answer = Answer("no-input")
        for attempt in range(1, reprompts + 2):
            if attempt > 1:
                sorry = "speech.no_input" if answer.kind == "no-input" else "speech.no_match"
                text = f"{self.prompts.text(sorry)} {self.prompts.text(key, **fields)}"
            answer = await self._turn(
                key, text, expect, no_input_s=no_input_s, barge_in=barge_in, attempt=attempt
            )
            answer.attempts = attempt
            if answer.understood:
                break
        return answer

    async def record_message(self, *, max_s: int, silence_s: float = MESSAGE_SILENCE_S) -> Recording | None:
        """Beep and record what the caller says until `#`, `silence_s` of quiet, `max_s`, or hang-up.

        Quiet is judged on the caller's audio stream by our own voice detection, so a phone that
        stops sending audio when its user is silent still ends the message. Returns the recording
        (as Asterisk wrote it, kept when the caller hung up while speaking), with how much of it
        was speech; None when there is no file.
        """
        await self._caller_audio()
        name = f"voicemail-{self._channel.id}-{int(time.time())}"  # no "/": it is part of ARI URLs
        endpointer = Endpointer(EndpointSettings(end_silence_ms=int(silence_s * 1000), max_utterance_s=max_s))
        try:
            finished = await self._channel.record(
                name, fmt="wav", max_duration_s=max_s, beep=True, terminate_on="#"
            )
        except CallerHungUp:
            return None
        quiet = asyncio.create_task(self._until_quiet(endpointer, silence_s))
        done, _ = await asyncio.wait(
            {finished, quiet}, timeout=max_s + RECORDING_GRACE_S, return_when=asyncio.FIRST_COMPLETED
        )
        if not finished.done():
            await self._channel.stop_recording(name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(finished), timeout=RECORDING_GRACE_S)
        quiet.cancel()
        path = self._recordings_dir / f"{name}.wav" if self._recordings_dir else None
        if path is None or not await asyncio.to_thread(path.exists):
            return None
        speech_s = (
            len(endpointer.speech_frames) * FRAME_MS / 1000 - endpointer.trailing_silence_s
            if endpointer.started
            else 0.0
        )
        recording = Recording(path, round(max(0.0, speech_s), 2))
        self.log_event("recorded", speech_s=recording.speech_s)
        return recording

    async def _until_quiet(self, endpointer: Endpointer, silence_s: float) -> None:
        """Return once the caller has spoken and then been quiet, or has not spoken at all for a while."""
        audio = self._audio
        audio.drain()
        waited = 0
        while True:
            event = endpointer.push(await audio.frames.get())
            waited += 1
            if event == "end" or (not endpointer.started and waited * FRAME_MS / 1000 >= MESSAGE_NO_SPEECH_S):
                return

    async def hold(self) -> None:
        """Music on hold for the caller while we do something else."""
        await self._dialer.start_hold_music(self._channel)

    async def unhold(self) -> None:
        await self._dialer.stop_hold_music(self._channel)

    async def dial(self, target: str, label: str, *, caller_id: str, timeout_s: float) -> Call | None:
        """Start ringing `target`; return the leg as a Call (answered when `leg.wait_answered()` returns)."""
        leg = await self._dialer.dial(target, label, caller_id=caller_id, timeout_s=timeout_s)
        if leg is None:
            return None
        self.log_event("ringing", leg=label)
        leg_call = Call(
            leg.channel,
            leg.info(caller_id),
            self.prompts,
            self.speech,
            media=self._media,
            dialer=self._dialer,
            recordings_dir=self._recordings_dir,
            line=label,
        )
        self.legs.append(leg_call)
        return leg_call

    async def wait_answered(self) -> bool:
        """For a dialed leg: True when it answered, False when it ended first (busy, no answer)."""
        answered = asyncio.ensure_future(self._channel.answered.wait())
        gone = asyncio.ensure_future(self._channel.gone.wait())
        await asyncio.wait({answered, gone}, return_when=asyncio.FIRST_COMPLETED)
        answered.cancel()
        gone.cancel()
        if self._channel.answered.is_set() and not self._channel.gone.is_set():
            self.answered_at = datetime.now(UTC)
            return True
        return False

    async def wait_gone(self) -> None:
        await self._channel.gone.wait()

    async def connect(self, other: Call, *, keep_caller: bool = False, max_s: float | None = None) -> str:
        """Bridge the caller with another party until one of them hangs up (or `max_s` have passed).

        The other party is then hung up; so is the caller, unless `keep_caller` (the owner on the
        assistant line goes back to the assistant when the person they called hangs up).
        Returns who left first: "caller" or the other party's line; "time-up" after `max_s`.
        """
        await self.close()
        await other.close()
        await self._dialer.stop_hold_music(self._channel)
        self.log_event("connected", to=other.line)
        left = await self._dialer.connect(
            self._channel, other._channel, hang_up_first=not keep_caller, max_s=max_s
        )
        first_to_leave = {"first": "caller", "time-up": "time-up"}.get(left, other.line)
        self.log_event("disconnected", first_to_leave=first_to_leave)
        return first_to_leave

    async def hangup(self) -> None:
        self.hung_up_by_us = True
        self.log_event("hangup", by="assistant")
        await self._channel.hangup()

    async def close(self) -> None:
        """Release the live audio stream (called by the service when the call ends)."""
        opening, self._audio_opening = self._audio_opening, None
        if opening is not None:
            opening.cancel()
            try:
                self._audio = self._audio or await opening
            except (asyncio.CancelledError, Exception):
                pass  # not opened: open_caller_audio released what it had set up
        if self._audio is not None:
            await self._audio.close()
            self._audio = None

    # --- the mechanics of one turn --------------------------------------------------------------
    async def _speak(self, text: str, playbacks: list[Playback]) -> None:
        """Play `text` sentence by sentence: each is synthesized while the one before plays."""
        for sentence in split_sentences(text) or [text]:
            path = await self.speech.tts.ensure_async(sentence)
            playbacks.append(await self._channel.start_playback(self.speech.tts.media_uri(path)))
            if self._end_of_last_speech is not None:
                self.log_event(
                    "reply-latency", ms=round((time.monotonic() - self._end_of_last_speech) * 1000)
                )
                self._end_of_last_speech = None
        for playback in playbacks:
            await playback.finished

    async def _turn(
        self, key: str, text: str, expect: Expectation, *, no_input_s: float, barge_in: bool, attempt: int
    ) -> Answer:
        audio = await self._caller_audio()
        assert audio is not None, "the call has no audio stream"
        turn_started = time.monotonic()
        started = asyncio.Event()
        playbacks: list[Playback] = []
        tasks: dict[str, asyncio.Task] = {}

        def listen() -> None:
            audio.drain()
            endpointer = Endpointer(self.speech.endpoint_for(expect))
            tasks["capture"] = asyncio.create_task(
                capture_utterance(
                    audio.frames,
                    endpointer,
                    self.speech.stream_for(expect),
                    started,
                    self.speech.complete_for(expect),
                )
            )
            tasks["started"] = asyncio.create_task(started.wait())

        tasks["speak"] = asyncio.create_task(self._speak(text, playbacks))
        tasks["key"] = asyncio.create_task(self._channel.dtmf.get())
        tasks["gone"] = asyncio.create_task(self._channel.gone.wait())
        if barge_in:
            listen()
        barged_in = False
        try:
            watch = {tasks["speak"], tasks["key"], tasks["gone"]} | (
                {tasks["started"]} if barge_in else set()
            )
            done, _ = await asyncio.wait(watch, return_when=asyncio.FIRST_COMPLETED)
            if tasks["gone"] in done:
                raise CallerHungUp(self._channel.id)
            if tasks["speak"] not in done:
                barged_in = True
                await self._stop(tasks["speak"], playbacks)
            elif tasks["speak"].exception() is not None:
                raise tasks["speak"].exception()
            prompt_s = time.monotonic() - turn_started
            if not barge_in:
                listen()
            if tasks["key"].done():
                answer = await self._keys(tasks["key"].result(), expect)
            else:
                done, _ = await asyncio.wait(
                    {tasks["started"], tasks["key"], tasks["gone"]},
                    timeout=no_input_s,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if tasks["gone"] in done:
                    raise CallerHungUp(self._channel.id)
                if tasks["key"] in done:
                    answer = await self._keys(tasks["key"].result(), expect)
                elif tasks["started"] in done:
                    answer = await self._hear(tasks, expect)
                else:
                    answer = Answer("no-input")
            self.log_event(
                "turn",
                prompt=key,
                asked=text,
                attempt=attempt,
                heard=answer.text,
                digits=answer.digits,
                confidence=round(answer.confidence, 3),
                decision=answer.kind,
                choice=answer.choice,
                barged_in=barged_in,
                prompt_s=round(prompt_s, 3),
            )
            return answer
        except CallerHungUp:
            self.log_event(
                "turn",
                prompt=key,
                attempt=attempt,
                decision="hangup",
                barged_in=barged_in,
                prompt_s=round(time.monotonic() - turn_started, 3),
            )
            raise
        finally:
            for task in tasks.values():
                if not task.done():
                    task.cancel()
            for task in tasks.values():
                with contextlib.suppress(BaseException):
                    await task

    async def _stop(self, speaking: asyncio.Task, playbacks: list[Playback]) -> None:
        speaking.cancel()
        with contextlib.suppress(BaseException):
            await speaking
        for playback in playbacks:
            await playback.stop()

    async def _hear(self, tasks: dict[str, asyncio.Task], expect: Expectation) -> Answer:
        done, _ = await asyncio.wait({tasks["capture"], tasks["gone"]}, return_when=asyncio.FIRST_COMPLETED)
        if tasks["gone"] in done:
            raise CallerHungUp(self._channel.id)
        utterance: Utterance = tasks["capture"].result()
        self._end_of_last_speech = utterance.ended_at
        hypothesis = utterance.hypothesis
        text, confidence = hypothesis.text, hypothesis.confidence
        self.log_event(
            "heard",
            text=text,
            confidence=round(confidence, 3),
            speech_s=round(utterance.seconds, 2),
            recognition_ms=round((utterance.recognized_at - utterance.ended_at) * 1000),
            early_end=utterance.early_end,
        )
        if isinstance(expect, Choices):
            choice = expect.choice_for(text)
            if choice is None or confidence < expect.min_confidence:
                return Answer("no-match", text=text, confidence=confidence)
            return Answer("speech", text=text, choice=choice, confidence=confidence)
        if isinstance(expect, Phrases):
            return Answer(
                "speech" if text else "no-match",
                text=text,
                confidence=confidence,
                alternatives=list(hypothesis.alternatives),
            )
        if isinstance(expect, Digits):
            digits = Digits.from_speech(text)
            return Answer("speech" if digits else "no-match", text=text, digits=digits, confidence=confidence)
        return Answer("speech" if text else "no-match", text=text, confidence=confidence)

    async def _keys(self, first: str, expect: Expectation) -> Answer:
        if isinstance(expect, Choices | Phrases):
            choice = expect.keys.get(first)
            return Answer("dtmf" if choice else "no-match", digits=first, choice=choice, confidence=1.0)
        digits = first
        limit = expect.max_digits if isinstance(expect, Digits) else 1
        terminator = expect.terminator if isinstance(expect, Digits) else ""
        while len(digits) < limit and not (terminator and digits.endswith(terminator)):
            try:
                digits += await asyncio.wait_for(self._channel.dtmf.get(), timeout=INTER_DIGIT_S)
            except TimeoutError:
                break
        digits = digits.removesuffix(terminator) if terminator else digits
        return Answer("dtmf", digits=digits, confidence=1.0)
