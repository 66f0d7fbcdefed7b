"""The Stasis application loop: keep the event websocket open, route events, start a task per call.

The websocket is reopened with backoff whenever it drops (Asterisk restarted, network). Asterisk
does not send StasisStart again after a reconnect, so on every (re)connect the loop asks which
channels are still in the application: calls whose channel is gone are ended, channels nobody
is serving (this process restarted mid-call) are handed to the call handler again as resumed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from assistant.errors import AssistantError
from assistant.telephony.ari import AriClient, AriNotFound
from assistant.telephony.channel import Channel, ChannelInfo

log = logging.getLogger(__name__)

# Channels the application makes for itself (see telephony/media.py and dialer.py), never new calls.
HELPER_CHANNEL_PREFIXES = ("snoop-", "media-", "leg-")
RECONNECT_FIRST_DELAY_S = 0.5
RECONNECT_MAX_DELAY_S = 10.0


@dataclass
class IncomingCall:
    """A channel that entered the application, handed to the call handler."""

    channel: Channel
    info: ChannelInfo
    app: str
    resumed: bool = False


CallHandler = Callable[[IncomingCall], Awaitable[None]]


class StasisApp:
    """Serves one or more Stasis applications on one Asterisk.

    Args:
        client: the ARI client.
        apps: application names to subscribe to.
        on_call: coroutine run once per channel entering the application, as its own task.
    """

    def __init__(self, client: AriClient, apps: list[str], on_call: CallHandler) -> None:
        self.client = client
        self.apps = apps
        self.on_call = on_call
        self.channels: dict[str, Channel] = {}
        self.tasks: dict[str, asyncio.Task] = {}
        self.connected = asyncio.Event()

    def adopt(self, channel_id: str) -> Channel:
        """Register a channel we are about to create (an originated leg) so its events reach it."""
        channel = self.channels.get(channel_id)
        if channel is None:
            channel = self.channels[channel_id] = Channel(self.client, channel_id)
        return channel

    async def run(self) -> None:
        """Serve until cancelled, reconnecting with backoff."""
        delay = RECONNECT_FIRST_DELAY_S
        failing = False
        while True:
            try:
                async with self.client.events(self.apps) as stream:
                    log.info("connected to ARI at %s as %s", self.client.url, ",".join(self.apps))
                    await self.reconcile()
                    self.connected.set()
                    delay, failing = RECONNECT_FIRST_DELAY_S, False
                    async for event in stream:
                        self._dispatch(event)
                log.warning("ARI event connection closed; reconnecting")
            except AssistantError as exc:
                if not failing:
                    log.error(
                        "%s [%s]; retrying with backoff up to every %.0f s",
                        exc,
                        exc.code,
                        RECONNECT_MAX_DELAY_S,
                    )
                failing = True
            except Exception:  # e.g. Asterisk stopping halfway through a reconcile: connect again
                log.exception("ARI event connection failed; reconnecting")
            self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_DELAY_S)

    def _dispatch(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "ApplicationReplaced":
            log.error("another process took over Stasis application %s", event.get("application"))
            return
        channel_data = event.get("channel")
        if kind == "StasisStart" and channel_data and channel_data["id"] not in self.channels:
            self._start_call(event)
        target = self._target_channel_id(event)
        channel = self.channels.get(target) if target else None
        if channel is not None:
            channel.on_event(event)
        if kind == "ChannelDestroyed" and target:
            self.channels.pop(target, None)

    @staticmethod
    def _target_channel_id(event: dict) -> str | None:
        if "channel" in event:
            return event["channel"]["id"]
        for key in ("playback", "recording"):
            uri = event.get(key, {}).get("target_uri", "")
            if uri.startswith("channel:"):
                return uri.removeprefix("channel:")
        return None

    def _start_call(self, event: dict, resumed: bool = False) -> None:
        data = event["channel"]
        channel = self.adopt(data["id"])
        call = IncomingCall(
            channel, ChannelInfo.from_ari(data, event.get("args")), event.get("application", ""), resumed
        )
        task = asyncio.create_task(self._serve(call), name=f"call-{data['id']}")
        self.tasks[data["id"]] = task

    async def _serve(self, call: IncomingCall) -> None:
        try:
            await self.on_call(call)
        except Exception:
            log.exception("call %s: handler failed", call.info.id)
        finally:
            self.tasks.pop(call.info.id, None)

    async def reconcile(self) -> None:
        """Match what we track with what Asterisk still has in the application (after a reconnect)."""
        present: set[str] = set()
        for app in self.apps:
            try:
                present.update((await self.client.get(f"/applications/{app}")).get("channel_ids", []))
            except AriNotFound:
                continue
        for channel_id, channel in list(self.channels.items()):
            if channel_id not in present:
                channel.on_event({"type": "ChannelDestroyed", "cause_txt": "lost while disconnected"})
                self.channels.pop(channel_id, None)
        for channel_id in present - set(self.tasks):
            if channel_id.startswith(HELPER_CHANNEL_PREFIXES):
                await self._hang_up_orphan(channel_id)
                continue
            try:
                data = await self.client.get(f"/channels/{channel_id}")
            except AriNotFound:
                continue
            app, args = _stasis_app_and_args(data)
            log.warning("channel %s is in the application with no one serving it: resuming", channel_id)
            self._start_call({"channel": data, "args": args, "application": app}, resumed=True)

    async def _hang_up_orphan(self, channel_id: str) -> None:
        """A listening or dialing helper channel whose call this process no longer knows."""
        log.warning("helper channel %s has no call any more: hanging it up", channel_id)
        try:
            await self.client.delete(f"/channels/{channel_id}")
        except AriNotFound:
            pass

    async def stop(self) -> None:
        for task in list(self.tasks.values()):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks.values(), return_exceptions=True)


def _stasis_app_and_args(channel: dict) -> tuple[str, list[str]]:
    """The application and arguments of the dialplan's Stasis() call that brought the channel in."""
    app_data = (channel.get("dialplan") or {}).get("app_data", "")
    parts = [part.strip() for part in app_data.split(",")]
    return parts[0], parts[1:]
