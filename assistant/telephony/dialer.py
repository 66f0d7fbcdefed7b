"""Outbound legs and bridges: dial a number into the application, hold music, connect two channels."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass

from assistant.telephony.ari import AriClient, AriNotFound, AriRequestError
from assistant.telephony.channel import Channel, ChannelInfo

log = logging.getLogger(__name__)


@dataclass
class Leg:
    """An outbound channel we dialed; `answered` fires when it picks up, `channel.gone` when it ends."""

    channel: Channel
    target: str
    label: str

    @property
    def id(self) -> str:
        return self.channel.id

    def info(self, caller_id: str) -> ChannelInfo:
        return ChannelInfo(self.channel.id, self.target, caller_id, "", self.target, "Up")


class Dialer:
    """Creates outbound legs in the Stasis application and joins channels in bridges.

    Args:
        client: ARI client.
        app: the application legs enter when they answer.
        adopt: registers a channel id we create so its events reach us and it is not taken for a new call.
    """

    def __init__(self, client: AriClient, app: str, adopt) -> None:
        self.client = client
        self.app = app
        self.adopt = adopt

    async def dial(self, target: str, label: str, *, caller_id: str, timeout_s: float) -> Leg | None:
        """Start ringing `target`; None when it cannot even be dialed (bad endpoint)."""
        channel_id = f"leg-{uuid.uuid4().hex[:12]}"
        channel = self.adopt(channel_id)
        try:
            await self.client.post(
                f"/channels/{channel_id}",
                endpoint=target,
                app=self.app,
                appArgs="leg",
                callerId=caller_id,
                timeout=int(timeout_s),
            )
        except (AriRequestError, AriNotFound) as exc:
            log.warning("cannot dial %s: %s", target, exc)
            channel.on_event({"type": "ChannelDestroyed", "cause_txt": "dial failed"})
            return None
        return Leg(channel, target, label)

    async def start_hold_music(self, channel: Channel) -> None:
        with contextlib.suppress(AriNotFound, AriRequestError):
            await self.client.post(f"/channels/{channel.id}/moh", mohClass="default")

    async def stop_hold_music(self, channel: Channel) -> None:
        with contextlib.suppress(AriNotFound, AriRequestError):
            await self.client.delete(f"/channels/{channel.id}/moh")

    async def connect(
        self, first: Channel, second: Channel, *, hang_up_first: bool = True, max_s: float | None = None
    ) -> str:
        """Bridge two channels until one hangs up; hang up the other; return which left first.

        With `hang_up_first` False, `first` stays up (back in the application) when `second` leaves.
        After `max_s` both are parted ("time-up"): `second` is hung up, `first` as above.

        Media goes through Asterisk's core (proxy_media), not a native RTP bridge between the two
        legs: with native bridging we saw audio lost in one direction now and then.
        """
        bridge = await self.client.post("/bridges", type="mixing,proxy_media", name=f"talk-{first.id}")
        try:
            await self.client.post(f"/bridges/{bridge['id']}/addChannel", channel=f"{first.id},{second.id}")
            time_up = [asyncio.sleep(max_s)] if max_s is not None else []
            await _first_of(first.gone.wait(), second.gone.wait(), *time_up)
            left = "first" if first.gone.is_set() else "second" if second.gone.is_set() else "time-up"
        finally:
            for channel in (first, second) if hang_up_first else (second,):
                if not channel.gone.is_set():
                    await channel.hangup()
            with contextlib.suppress(AriNotFound, AriRequestError):
                await self.client.delete(f"/bridges/{bridge['id']}")
        return left


async def _first_of(*coroutines):
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        return await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
