"""The Call a flow talks to: say, hang up, and the record of what happened.

A flow never sees ARI ids, media URIs or audio formats; it speaks in prompt keys and text.
When the caller hangs up, the operation in progress raises `CallerHungUp`.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from assistant.prompts import Prompts
from assistant.speech.tts import PromptCache, split_sentences
from assistant.telephony.channel import CallerHungUp, Channel, ChannelInfo

__all__ = ["Call", "CallerHungUp"]

log = logging.getLogger(__name__)


class Call:
    """One caller on one line, as a flow sees it.

    Args:
        channel: the caller's channel.
        info: who called which number.
        prompts: the prompt texts.
        tts: the prompt cache that turns text into playable audio.
        line: which line was called ("smart" or "line").
        resumed: the service lost and found this call again (it restarted mid-call).
    """

    def __init__(
        self,
        channel: Channel,
        info: ChannelInfo,
        prompts: Prompts,
        tts: PromptCache,
        *,
        line: str,
        resumed: bool = False,
    ) -> None:
        self._channel = channel
        self.info = info
        self.prompts = prompts
        self._tts = tts
        self.line = line
        self.resumed = resumed
        self.events: list[dict] = []
        self.answered_at: datetime | None = None
        self.hung_up_by_us = False

    @property
    def caller_number(self) -> str:
        return self.info.caller_number

    @property
    def caller_name(self) -> str:
        return self.info.caller_name

    def log_event(self, kind: str, **details: object) -> None:
        self.events.append({"at": datetime.now(UTC).isoformat(), "event": kind, **details})

    async def answer(self) -> None:
        if not self._channel.answered.is_set():
            await self._channel.answer()
        self.answered_at = datetime.now(UTC)
        self.log_event("answered")

    async def say(self, key: str, **fields: object) -> None:
        """Say the prompt `key`; returns when it has been heard to the end."""
        await self.say_text(self.prompts.text(key, **fields), key=key)

    async def say_text(self, text: str, *, key: str | None = None) -> None:
        """Say free text (synthesized once, cached); the first sentence plays while the next is made."""
        started = time.monotonic()
        last = None
        for sentence in split_sentences(text) or [text]:
            path = await self._tts.ensure_async(sentence)
            last = await self._channel.start_playback(self._tts.media_uri(path))
        if last is not None:
            await last.finished
        self.log_event("said", prompt=key, text=text, seconds=round(time.monotonic() - started, 3))

    async def hangup(self) -> None:
        self.hung_up_by_us = True
        self.log_event("hangup", by="assistant")
        await self._channel.hangup()

    @property
    def gone(self) -> bool:
        return self._channel.gone.is_set()

    @property
    def hangup_cause(self) -> str | None:
        return self._channel.hangup_cause
