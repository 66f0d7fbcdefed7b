"""A simulated caller: places a real SIP call through Asterisk, speaks, presses keys, and listens.

The call leaves Asterisk over SIP on loopback and comes back in on the trunk, so the service
answers it exactly as it would a call from the public network (G.711, 8 kHz). The caller's own
channel sits in a private Stasis application of this process. Its speech is synthesized by
Piper; what it hears is recorded and transcribed afterwards by the project's dictation ASR.
Used by `assistant call`, by the tests and by the benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from assistant.config import Settings
from assistant.pbx import lab
from assistant.speech.asr.whisper import WhisperDictation
from assistant.speech.audio import utterances
from assistant.speech.endpointing import FRAME_MS, Endpointer, EndpointSettings
from assistant.speech.tts import PromptCache, VoiceSettings, build_prompt_cache, split_sentences
from assistant.telephony.ari import AriClient
from assistant.telephony.channel import CallerHungUp, Channel
from assistant.telephony.media import CallerAudio, open_caller_audio
from assistant.telephony.stasis import IncomingCall, StasisApp

log = logging.getLogger(__name__)

ANSWER_TIMEOUT_S = 30.0
# Without Piper's random variation: the same words sound the same in every run, so a call that
# is misheard once is misheard again and can be looked into.
CALLER_VOICE = VoiceSettings(length_scale=1.1, noise_scale=0.0, noise_w_scale=0.0)
CUE_WINDOW_S = 12.0  # how much of a turn is transcribed to look for a cue
# An utterance cut from a recording by its level is transcribed with this much of what follows:
# soft word endings (the "x" of "Alex" after G.711) fall below the cut level, and without them
# the recognizer hears another word ("Alan"). Shorter than the quiet that separates two utterances.
UTTERANCE_TAIL_S = 0.3
# And with this much of what precedes it: cut right at its first loud frame, Whisper sometimes
# stopped after the first sentence of a two-sentence prompt ("Your monthly calling limit is
# reached." and no more); from 0.1 s before, it heard both.
UTTERANCE_LEAD_S = 0.2
# The far end is taken to have finished a turn after this much quiet (hold music never ends one).
TURN_TAKING = EndpointSettings(
    end_silence_ms=900, max_utterance_s=3600
)  # the assistant is taken to have finished a turn after this much silence


@dataclass
class Step:
    """One thing the caller does: wait for the assistant to finish speaking, then say and/or press."""

    say: str | None = None
    dtmf: str | None = None
    wait_for_turn: bool = True
    interrupt_after_s: float | None = None  # instead of waiting for the turn: talk over the assistant
    hang_up_after: bool = False  # hang up as soon as this step is done
    delay_s: float | None = None  # instead of waiting for the turn: wait this long after the previous step
    measure_reply: bool = False  # time from the end of what we said to the first sound of the reply
    after_hearing: str | None = None  # instead of the next pause: wait for a pause after these words


@dataclass
class Heard:
    at_s: float
    text: str


@dataclass
class CallResult:
    channel_id: str
    caller_number: str
    answered: bool
    ended_by: str  # "assistant", "caller" or "unanswered"
    duration_s: float
    heard: list[Heard] = field(default_factory=list)
    reply_latencies_s: list[float] = field(default_factory=list)


class SimulatedCaller:
    """Places calls into the service through Asterisk.

    Args:
        settings: service settings (which Asterisk, which numbers).
        voice: prompt cache used to synthesize what the caller says.
        transcribe: callable turning 16 kHz float32 audio into text (the dictation engine).
    """

    def __init__(self, settings: Settings, voice: PromptCache, transcribe) -> None:
        self.settings = settings
        self.voice = voice
        self.transcribe = transcribe
        creds = lab.ari_credentials(settings)
        self.client = AriClient(creds.url, creds.user, creds.password)
        self.stasis = StasisApp(self.client, [f"simcaller-{uuid.uuid4().hex[:8]}"], _not_expected)
        self._events_task: asyncio.Task | None = None

    async def __aenter__(self) -> SimulatedCaller:
        await self.client.check()
        self._events_task = asyncio.create_task(self.stasis.run())
        await asyncio.wait_for(self.stasis.connected.wait(), timeout=10)
        return self

    async def wait_connected(self, timeout_s: float = 30.0) -> None:
        """Wait until the caller's event connection is up (after an Asterisk restart, say)."""
        await asyncio.wait_for(self.stasis.connected.wait(), timeout=timeout_s)

    async def __aexit__(self, *exc: object) -> None:
        if self._events_task:
            self._events_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._events_task
        await self.client.close()

    async def call(
        self,
        number: str,
        steps: list[Step],
        *,
        caller_number: str = "+12025550123",
        caller_name: str = "",
        hangup_after_s: float | None = None,
        max_call_s: float = 60.0,
        transcribe: bool = True,
    ) -> CallResult:
        """Call `number`, run `steps`, and return what was heard and how the call ended."""
        channel_id = f"sim-{uuid.uuid4().hex[:12]}"
        channel = self.stasis.adopt(channel_id)
        started = time.monotonic()
        caller_id = f'"{caller_name}" <{caller_number}>' if caller_name else f"<{caller_number}>"
        await self.client.post(
            f"/channels/{channel_id}",
            endpoint=f"PJSIP/{number}@pstn",
            app=self.stasis.apps[0],
            callerId=caller_id,
            timeout=int(ANSWER_TIMEOUT_S),
        )
        answered = await _first(channel.answered.wait(), channel.gone.wait(), within_s=ANSWER_TIMEOUT_S)
        if not answered or channel.gone.is_set():
            return CallResult(channel_id, caller_number, False, "unanswered", time.monotonic() - started)
        ended_by = "caller"
        ears = None
        latencies: list[float] = []
        try:
            ears = await self.ears(channel)
            limit_s = hangup_after_s if hangup_after_s is not None else max_call_s
            deadline = time.monotonic() + limit_s
            try:
                await asyncio.wait_for(self._run_steps(channel, ears, steps, latencies), timeout=limit_s)
                await asyncio.wait_for(channel.gone.wait(), timeout=max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                pass
        except CallerHungUp:
            pass
        finally:
            if channel.gone.is_set() and not channel.hung_up_here:
                ended_by = "assistant"
            if not channel.gone.is_set():
                await channel.hangup()
            if ears is not None:
                await ears.close()
        duration = time.monotonic() - started
        heard = await asyncio.to_thread(self._transcribe, ears.recorded()) if ears and transcribe else []
        return CallResult(channel_id, caller_number, True, ended_by, duration, heard, latencies)

    async def ears(self, channel: Channel) -> CallerAudio:
        """A live stream of what `channel` hears (the far end's audio), kept whole to transcribe later."""
        return await open_caller_audio(
            self.client,
            channel,
            app=self.stasis.apps[0],
            media_host=self.settings.media_host,
            adopt=self.stasis.adopt,
            keep_all=True,
        )

    async def _run_steps(
        self, channel: Channel, ears: CallerAudio, steps: list[Step], latencies: list[float] | None = None
    ) -> None:
        for step in steps:
            if step.after_hearing is not None:
                await self._wait_to_hear(channel, ears, step.after_hearing)
            elif step.delay_s is not None:
                await asyncio.sleep(step.delay_s)
            elif step.interrupt_after_s is not None:
                await _listen(channel, ears, until="start")
                await asyncio.sleep(step.interrupt_after_s)
            elif step.wait_for_turn:
                await _listen(channel, ears, until="end")
            for sentence in split_sentences(step.say or ""):
                await channel.play(self.voice.media_uri(await self.voice.ensure_async(sentence)))
            if step.dtmf:
                await channel.send_dtmf(step.dtmf)
            if step.measure_reply and latencies is not None:
                latencies.append(await _reply_onset_s(channel, ears))
            if step.hang_up_after:
                await channel.hangup()
                return

    async def _wait_to_hear(self, channel: Channel, ears: CallerAudio, words: str) -> None:
        """Listen turn by turn (through hold music too) until a turn that ends with `words`."""
        wanted = _plain(words)
        while True:
            endpointer = Endpointer(TURN_TAKING)
            await _listen(channel, ears, until="end", endpointer=endpointer)
            audio = (
                np.concatenate(endpointer.speech_frames[-int(CUE_WINDOW_S * 50) :]).astype(np.float32)
                / 32768.0
            )
            if wanted in _plain(await asyncio.to_thread(self.transcribe, audio)):
                return

    def _transcribe(self, samples: np.ndarray) -> list[Heard]:
        return transcribe_utterances(self.transcribe, samples.astype(np.float32) / 32768.0)


def transcribe_utterances(transcribe, audio: np.ndarray) -> list[Heard]:
    """Cut a recording (16 kHz float32) into utterances by its level and transcribe each one."""
    heard = []
    for start, end in utterances(audio):
        cut = audio[max(0, int((start - UTTERANCE_LEAD_S) * 16000)) : int((end + UTTERANCE_TAIL_S) * 16000)]
        if text := transcribe(cut):
            heard.append(Heard(round(start, 2), text))
    return heard


async def _reply_onset_s(channel: Channel, ears: CallerAudio) -> float:
    """Seconds from now (we just finished speaking) to the first sound of the far end's reply.

    Counted in received 20 ms frames, which arrive in real time, so a slow reader does not skew it.
    """
    ears.drain()
    endpointer = Endpointer(TURN_TAKING)
    await _listen(channel, ears, until="start", endpointer=endpointer)
    return endpointer.onset_frame * FRAME_MS / 1000


async def _listen(
    channel: Channel, ears: CallerAudio, *, until: str, endpointer: Endpointer | None = None
) -> None:
    """Follow the far end's audio until it starts talking ("start") or has talked and paused ("end").

    Frames not yet read are kept, so talk that happened while we were speaking still counts.
    """
    endpointer = endpointer or Endpointer(TURN_TAKING)
    while True:
        frame = asyncio.ensure_future(ears.frames.get())
        gone = asyncio.ensure_future(channel.gone.wait())
        done, _ = await asyncio.wait({frame, gone}, return_when=asyncio.FIRST_COMPLETED)
        if frame not in done:
            frame.cancel()
            raise CallerHungUp(channel.id)
        gone.cancel()
        if endpointer.push(frame.result()) == until:
            return


async def _first(*aws, within_s: float) -> bool:
    tasks = [asyncio.ensure_future(a) for a in aws]
    done, pending = await asyncio.wait(tasks, timeout=within_s, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return bool(done)


async def _not_expected(call: IncomingCall) -> None:
    log.warning("simulated caller got an unexpected channel %s; hanging up", call.info.id)
    await call.channel.hangup()


@asynccontextmanager
async def simulated_caller(settings: Settings) -> AsyncIterator[SimulatedCaller]:
    """A ready simulated caller: its voice (Piper, a little slower than the assistant) and its ears (ASR)."""
    voice = await asyncio.to_thread(build_prompt_cache, settings, CALLER_VOICE)
    asr = await asyncio.to_thread(WhisperDictation, None, settings.asr_threads)
    async with SimulatedCaller(settings, voice, asr.transcribe) as caller:
        yield caller


@dataclass
class PhoneScript:
    """How a simulated phone (the owner's mobile or desk phone) behaves when it rings."""

    answer_after_s: float | None = 1.0  # None: never answers
    steps: list[Step] = field(default_factory=list)  # after answering, e.g. wait for the whisper, press 1
    stay_s: float = 6.0  # after the steps, stay on the line this long (unless the far end hangs up)


@dataclass
class PhoneCall:
    number: str
    answered: bool
    heard: list[Heard]
    ended_by: str
    caller_number: str = ""  # the caller ID the phone showed
    rang_at: datetime | None = None  # when it started ringing
    ended_at: datetime | None = None  # when its channel was gone (stopped ringing, or hung up)


class SimulatedPhones:
    """Answers the lab's phones (the `labphones` application) by script, and records what they hear."""

    APP = "labphones"

    def __init__(self, caller: SimulatedCaller) -> None:
        self.caller = caller
        self.scripts: dict[str, PhoneScript] = {}
        self.calls: dict[str, list[asyncio.Future]] = {}
        self.rang: dict[str, int] = {}
        self.stasis = StasisApp(caller.client, [self.APP], self._ring)
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> SimulatedPhones:
        self._task = asyncio.create_task(self.stasis.run())
        await asyncio.wait_for(self.stasis.connected.wait(), timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stasis.stop()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def script(self, number: str, script: PhoneScript) -> None:
        self.scripts[number] = script

    def reset(self) -> None:
        """Forget scripts and what rang (phones without a script ring out, unanswered)."""
        self.scripts.clear()
        self.rang.clear()
        self.calls.clear()

    async def answered_calls(self, number: str) -> list[PhoneCall]:
        """Wait for the calls of `number` to finish and return them."""
        return [await future for future in self.calls.get(number, [])]

    async def _ring(self, call: IncomingCall) -> None:
        number = call.info.args[0] if call.info.args else call.info.dialed
        self.rang[number] = self.rang.get(number, 0) + 1
        outcome = asyncio.get_running_loop().create_future()
        self.calls.setdefault(number, []).append(outcome)
        rang_at = datetime.now(UTC)
        try:
            result = await self._answer(call, number)
            ended_at = call.channel.gone_at or datetime.now(UTC)
            outcome.set_result(dataclasses.replace(result, rang_at=rang_at, ended_at=ended_at))
        except BaseException as exc:
            outcome.set_exception(exc)
            raise

    async def _answer(self, call: IncomingCall, number: str) -> PhoneCall:
        script = self.scripts.get(number, PhoneScript(answer_after_s=None))
        channel = call.channel
        try:
            await channel.ring()
            if script.answer_after_s is None:
                await asyncio.wait_for(channel.gone.wait(), timeout=120)
                return PhoneCall(number, False, [], "caller", call.info.caller_number)
            await asyncio.sleep(script.answer_after_s)
            await channel.answer()
            ears = await self.caller.ears(channel)
            ended_by = "phone"
            try:
                await self.caller._run_steps(channel, ears, script.steps)
                await asyncio.wait_for(channel.gone.wait(), timeout=script.stay_s)
                ended_by = "far end"
            except (CallerHungUp, TimeoutError):
                ended_by = "far end" if channel.gone.is_set() else "phone"
            finally:
                if not channel.gone.is_set():
                    await channel.hangup()
                await ears.close()
            heard = await asyncio.to_thread(self.caller._transcribe, ears.recorded())
            return PhoneCall(number, True, heard, ended_by, call.info.caller_number)
        except CallerHungUp:
            return PhoneCall(number, channel.answered.is_set(), [], "far end", call.info.caller_number)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())
