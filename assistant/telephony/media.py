"""The caller's audio, streamed live to this process over RTP while the call is in the application.

A snoop channel taps what the caller sends (spy "in"), an externalMedia channel sends it as RTP
(signed linear 16 kHz) to a UDP socket of ours, and a mixing bridge joins the two. The caller's
own channel stays free to play prompts and to join other bridges.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import uuid

import numpy as np

from assistant.telephony.ari import AriClient, AriNotFound
from assistant.telephony.channel import Channel

log = logging.getLogger(__name__)

RTP_HEADER = struct.Struct("!BBHII")
FRAME_SAMPLES = 320  # 20 ms at 16 kHz
ENTER_TIMEOUT_S = 5.0  # for the helper channels to enter the application
QUEUE_FRAMES = 3000  # a minute of audio; older frames are dropped if nobody reads


class _RtpProtocol(asyncio.DatagramProtocol):
    def __init__(self, frames: asyncio.Queue[np.ndarray], keep: list[np.ndarray] | None) -> None:
        self.frames = frames
        self.keep = keep
        self.last_sequence: int | None = None
        self.packets = 0

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        payload = rtp_payload(data)
        if payload is None:
            return
        sequence = struct.unpack_from("!H", data, 2)[0]
        if self.last_sequence is not None and ((sequence - self.last_sequence) & 0xFFFF) > 0x8000:
            return  # late or duplicate packet
        self.last_sequence = sequence
        self.packets += 1
        samples = np.frombuffer(payload, dtype=">i2").astype(np.int16)
        if self.keep is not None:
            self.keep.append(samples)
        if self.frames.full():
            self.frames.get_nowait()
        self.frames.put_nowait(samples)


def rtp_payload(packet: bytes) -> bytes | None:
    """The payload of an RTP packet (version 2), skipping CSRCs, header extension and padding."""
    if len(packet) < RTP_HEADER.size:
        return None
    first, _, _, _, _ = RTP_HEADER.unpack_from(packet)
    if first >> 6 != 2:
        return None
    offset = RTP_HEADER.size + 4 * (first & 0x0F)
    if first & 0x10:
        if len(packet) < offset + 4:
            return None
        words = struct.unpack_from("!H", packet, offset + 2)[0]
        offset += 4 + 4 * words
    end = len(packet)
    if first & 0x20 and end > offset:
        end -= packet[-1]
    if end - offset <= 0 or (end - offset) % 2:
        return None
    return packet[offset:end]


class CallerAudio:
    """Live 20 ms frames (int16, 16 kHz) of what one caller says.

    Use `open_caller_audio` to create one and `close()` when the call ends.
    """

    def __init__(
        self,
        client: AriClient,
        transport: asyncio.DatagramTransport,
        protocol: _RtpProtocol,
        frames: asyncio.Queue[np.ndarray],
    ) -> None:
        self._client = client
        self._transport = transport
        self._protocol = protocol
        self.frames = frames
        self.bridge_id: str | None = None
        self.snoop_id: str | None = None
        self.media_id: str | None = None

    @property
    def packets(self) -> int:
        return self._protocol.packets

    def recorded(self) -> np.ndarray:
        """Everything received so far, when opened with `keep_all` (else empty)."""
        kept = self._protocol.keep or []
        return np.concatenate(kept) if kept else np.zeros(0, dtype=np.int16)

    def drain(self) -> None:
        """Forget audio received so far (what the caller said before the question)."""
        while not self.frames.empty():
            self.frames.get_nowait()

    async def close(self) -> None:
        self._transport.close()
        for path in (
            f"/channels/{self.snoop_id}",
            f"/channels/{self.media_id}",
            f"/bridges/{self.bridge_id}",
        ):
            if path.endswith("/None"):
                continue
            with contextlib.suppress(AriNotFound, Exception):
                await self._client.delete(path)


async def open_caller_audio(
    client: AriClient, channel: Channel, *, app: str, media_host: str, adopt, keep_all: bool = False
) -> CallerAudio:
    """Start streaming the caller's audio on `channel` to a new local UDP socket.

    Args:
        client: ARI client.
        channel: the caller's channel (in the application).
        app: the Stasis application the helper channels join.
        media_host: address of this host as Asterisk sees it (where RTP is sent).
        adopt: callable registering a channel id we create, so its StasisStart is not taken for a call.
        keep_all: also keep every frame received, for `recorded()` (a recording without ARI's
            recorder, which would hold the channel's playbacks until it stops).
    """
    loop = asyncio.get_running_loop()
    frames: asyncio.Queue[np.ndarray] = asyncio.Queue(maxsize=QUEUE_FRAMES)
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _RtpProtocol(frames, [] if keep_all else None), local_addr=(media_host, 0)
    )
    port = transport.get_extra_info("sockname")[1]
    audio = CallerAudio(client, transport, protocol, frames)
    try:
        audio.snoop_id, audio.media_id = f"snoop-{uuid.uuid4().hex[:12]}", f"media-{uuid.uuid4().hex[:12]}"
        helpers = [adopt(audio.snoop_id), adopt(audio.media_id)]
        bridge = await client.post("/bridges", type="mixing", name=f"listen-{channel.id}")
        audio.bridge_id = bridge["id"]
        await client.post(
            f"/channels/{channel.id}/snoop", spy="in", whisper="none", app=app, snoopId=audio.snoop_id
        )
        await client.post(
            "/channels/externalMedia",
            app=app,
            channelId=audio.media_id,
            external_host=f"{media_host}:{port}",
            format="slin16",
            encapsulation="rtp",
            transport="udp",
            direction="both",
        )
        await asyncio.wait_for(asyncio.gather(*(c.in_application.wait() for c in helpers)), ENTER_TIMEOUT_S)
        await client.post(
            f"/bridges/{audio.bridge_id}/addChannel", channel=f"{audio.snoop_id},{audio.media_id}"
        )
    except BaseException:
        await audio.close()
        raise
    return audio
