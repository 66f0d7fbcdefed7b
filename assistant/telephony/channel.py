"""One Asterisk channel in a Stasis application: the operations on it and the events that concern it.

Every operation that waits on the far end (a playback, a recording) ends with `CallerHungUp`
when the channel hangs up or leaves the application first.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from assistant.telephony.ari import AriClient, AriNotFound, AriRequestError

log = logging.getLogger(__name__)

T = TypeVar("T")

HANGUP_EVENTS = {"ChannelDestroyed", "StasisEnd", "ChannelHangupRequest"}


class CallerHungUp(Exception):
    """The channel hung up (or left the application) while we were talking to it."""


@dataclass
class ChannelInfo:
    """What Asterisk told us about a channel when it entered the application."""

    id: str
    name: str
    caller_number: str
    caller_name: str
    dialed: str
    state: str
    args: list[str] = field(default_factory=list)

    @classmethod
    def from_ari(cls, channel: dict, args: list[str] | None = None) -> ChannelInfo:
        caller = channel.get("caller") or {}
        dialplan = channel.get("dialplan") or {}
        return cls(
            id=channel["id"],
            name=channel.get("name", ""),
            caller_number=caller.get("number", ""),
            caller_name=caller.get("name", ""),
            dialed=dialplan.get("exten", ""),
            state=channel.get("state", ""),
            args=list(args or []),
        )


class Channel:
    """Operations on one channel, and the futures that its events resolve."""

    def __init__(self, client: AriClient, channel_id: str) -> None:
        self.id = channel_id
        self._client = client
        self.gone = asyncio.Event()
        self.answered = asyncio.Event()
        self.in_application = asyncio.Event()
        self.dtmf: asyncio.Queue[str] = asyncio.Queue()
        self._waiting: dict[str, asyncio.Future] = {}
        self.hangup_cause: str | None = None
        self.gone_at: datetime | None = None
        self.hung_up_here = False

    # --- events -------------------------------------------------------------------------------
    def on_event(self, event: dict) -> None:
        kind = event.get("type")
        if kind in HANGUP_EVENTS:
            if kind != "StasisEnd" and self.hangup_cause is None:
                self.hangup_cause = event.get("cause_txt") or str(event.get("cause", "")) or None
            self._mark_gone()
        elif kind == "PlaybackFinished":
            self._resolve("playback:" + event["playback"]["id"], event["playback"])
        elif kind in ("RecordingFinished", "RecordingFailed"):
            self._resolve("recording:" + event["recording"]["name"], event["recording"])
        elif kind == "ChannelDtmfReceived":
            self.dtmf.put_nowait(event["digit"])
        elif kind == "ChannelStateChange" and event.get("channel", {}).get("state") == "Up":
            self.answered.set()
        elif kind == "StasisStart":
            self.in_application.set()
            if event.get("channel", {}).get("state") == "Up":
                self.answered.set()

    def _mark_gone(self) -> None:
        if self.gone.is_set():
            return
        self.gone_at = datetime.now(UTC)
        self.gone.set()
        for key, future in list(self._waiting.items()):
            if key.startswith("recording:"):
                continue  # Asterisk still finishes it and reports RecordingFinished
            if not future.done():
                future.set_exception(CallerHungUp(self.id))
            del self._waiting[key]

    def _expect(self, key: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve_exception)
        if self.gone.is_set():
            future.set_exception(CallerHungUp(self.id))
        else:
            self._waiting[key] = future
        return future

    def _resolve(self, key: str, value: Any) -> None:
        future = self._waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(value)

    # --- operations ---------------------------------------------------------------------------
    async def _call(self, request: Awaitable[T]) -> T:
        if self.gone.is_set():
            close = getattr(request, "close", None)
            if close:
                close()
            raise CallerHungUp(self.id)
        try:
            return await request
        except AriNotFound as exc:
            self._mark_gone()
            raise CallerHungUp(self.id) from exc

    async def answer(self) -> None:
        await self._call(self._client.post(f"/channels/{self.id}/answer"))
        self.answered.set()

    async def ring(self) -> None:
        """Ringing: a 180 to a channel that has not answered, ringback tone to one that has."""
        await self._call(self._client.post(f"/channels/{self.id}/ring"))

    async def stop_ringing(self) -> None:
        await self._call(self._client.delete(f"/channels/{self.id}/ring"))

    async def start_playback(self, media: str | list[str]) -> Playback:
        """Start playing; return a handle whose `finished` future resolves when it ends."""
        playback_id = uuid.uuid4().hex
        finished = self._expect("playback:" + playback_id)
        uris = ",".join([media] if isinstance(media, str) else media)
        try:
            await self._call(self._client.post(f"/channels/{self.id}/play/{playback_id}", media=uris))
        except BaseException:
            self._waiting.pop("playback:" + playback_id, None)
            finished.cancel()
            raise
        return Playback(self._client, playback_id, finished)

    async def play(self, media: str | list[str]) -> None:
        """Play media to the channel and wait until it has finished."""
        playback = await self.start_playback(media)
        await playback.finished

    async def record(
        self,
        name: str,
        *,
        fmt: str = "wav",
        max_duration_s: int = 0,
        max_silence_s: int = 0,
        beep: bool = False,
        terminate_on: str = "none",
        if_exists: str = "overwrite",
    ) -> asyncio.Future:
        """Start a live recording of what the channel sends; return a future of the finished recording.

        When the channel hangs up, Asterisk finishes the recording and keeps what was recorded;
        the future then resolves with the recording, not with CallerHungUp.
        """
        finished = asyncio.get_running_loop().create_future()
        self._waiting["recording:" + name] = finished
        await self._call(
            self._client.post(
                f"/channels/{self.id}/record",
                name=name,
                format=fmt,
                maxDurationSeconds=max_duration_s,
                maxSilenceSeconds=max_silence_s,
                beep=beep,
                terminateOn=terminate_on,
                ifExists=if_exists,
            )
        )
        return finished

    async def stop_recording(self, name: str) -> None:
        """End a live recording early (Asterisk keeps what was recorded and reports it finished)."""
        try:
            await self._client.post(f"/recordings/live/{name}/stop")
        except (AriNotFound, AriRequestError):
            pass

    async def send_dtmf(self, digits: str, *, between_ms: int = 150, duration_ms: int = 120) -> None:
        await self._call(
            self._client.post(
                f"/channels/{self.id}/dtmf",
                dtmf=digits,
                between=between_ms,
                duration=duration_ms,
            )
        )

    async def set_variable(self, name: str, value: str) -> None:
        await self._call(self._client.post(f"/channels/{self.id}/variable", variable=name, value=value))

    async def hangup(self, reason: str = "normal") -> None:
        """Hang up; a channel that is already gone is not an error."""
        self.hung_up_here = True
        try:
            await self._client.delete(f"/channels/{self.id}", reason=reason)
        except AriNotFound:
            pass
        self._mark_gone()


def _retrieve_exception(future: asyncio.Future) -> None:
    """Mark a hang-up seen: queued playbacks all fail together and only one of them is awaited."""
    if not future.cancelled():
        future.exception()


@dataclass
class Playback:
    """A playback in progress."""

    _client: AriClient
    id: str
    finished: asyncio.Future

    async def stop(self) -> None:
        try:
            await self._client.delete(f"/playbacks/{self.id}")
        except AriNotFound:
            pass
