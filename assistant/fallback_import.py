"""Messages the dialplan took while the application was down, imported when it comes back.

The dialplan names each file `<UTC time>_<caller number>_<number dialed>_<Asterisk unique id>.wav`;
importing one logs the call, keeps the message like any other voicemail, and mails it. A file is
removed from the fallback folder only once it is safely in the spool and the database.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.voicemail_keeper import MessageContext, audio_seconds

log = logging.getLogger(__name__)

STILL_WRITING_S = 3.0
FILE_NAME = re.compile(r"^(?P<at>\d{8}T\d{6}Z)_(?P<caller>\+?\d*)_(?P<dialed>\d*)_(?P<uid>[\d.]+)\.wav$")


@dataclass(frozen=True)
class FallbackMessage:
    path: Path
    received_at: datetime
    caller_number: str
    dialed: str
    unique_id: str

    @property
    def channel_id(self) -> str:
        return f"fallback-{self.unique_id}"


def parse_name(path: Path) -> FallbackMessage | None:
    match = FILE_NAME.match(path.name)
    if not match:
        return None
    at = datetime.strptime(match["at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    dialed = match["dialed"]
    return FallbackMessage(path, at, match["caller"], f"+{dialed}" if dialed else "", match["uid"])


def pending_messages(folder: Path) -> list[FallbackMessage]:
    """Finished fallback recordings, oldest first (files still being written are left for later)."""
    if not folder.is_dir():
        return []
    found = []
    now = datetime.now(UTC).timestamp()
    for path in sorted(folder.glob("*.wav")):
        message = parse_name(path)
        if message is None:
            log.warning("fallback folder: %s is not a fallback message name; left alone", path.name)
            continue
        if now - path.stat().st_mtime < STILL_WRITING_S:
            continue  # Asterisk may still be recording it; the next pass takes it
        found.append(message)
    return found


IMPORT_EVERY_S = 30.0


class FallbackImporter:
    """Imports fallback messages: at start-up, then every half minute.

    Args:
        folder: where the dialplan leaves the recordings.
        call_log: CallLog repository.
        owners: OwnerDirectory (whose line was dialed).
        keeper: VoicemailKeeper.
        profile: OwnerSettingsView | None -> OwnerProfile.
    """

    def __init__(self, folder: Path, call_log, owners, keeper, profile) -> None:
        self.folder = folder
        self.call_log = call_log
        self.owners = owners
        self.keeper = keeper
        self.profile = profile

    async def run(self) -> None:
        while True:
            try:
                await self.import_pending()
            except Exception:
                log.exception("importing fallback messages failed; will try again")
            await asyncio.sleep(IMPORT_EVERY_S)

    async def import_pending(self) -> int:
        messages = await asyncio.to_thread(pending_messages, self.folder)
        for message in messages:
            await self.import_one(message)
        return len(messages)

    async def import_one(self, message: FallbackMessage) -> None:
        view = await asyncio.to_thread(self.owners.owner_for_line, message.dialed)
        owner = self.profile(view)
        seconds = audio_seconds(message.path)
        call_id = await asyncio.to_thread(
            self.call_log.record_start,
            message.channel_id,
            "inbound",
            message.caller_number,
            None,
            message.dialed,
            message.received_at,
        )
        ended = message.received_at + timedelta(seconds=seconds)
        await asyncio.to_thread(
            self.call_log.add_event,
            message.channel_id,
            {
                "at": ended.isoformat(),
                "event": "fallback-message",
                "detail": "taken by the dialplan while the assistant was down",
            },
        )
        context = MessageContext(call_id, message.caller_number, None, None, False)
        await self.keeper.keep(message.path, owner, context)
        await asyncio.to_thread(self.call_log.record_end, message.channel_id, ended, "completed", None)
        log.info("imported fallback message from %s (%.1f s)", message.caller_number or "unknown", seconds)
