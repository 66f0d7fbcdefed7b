"""Keeping a voicemail: durable spool first, then the database, then transcript and mail.

The order is the promise: the audio is copied into the spool and synced to disk before anything
refers to it; the database row follows; transcription and the mail run after the caller is gone.
`recover()` finishes, at start-up, whatever a crash interrupted (rows without a transcript or a mail).
"""

from __future__ import annotations

import asyncio
import email.policy
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import soundfile

from assistant.domain.owner import OwnerProfile
from assistant.mail.compose import VoicemailNotice, compose_voicemail
from assistant.mail.outbox import Outbox, new_message_id
from assistant.speech.audio import load_16k

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageContext:
    call_id: int | None
    caller_number: str
    caller_name: str | None
    reason: str | None
    important: bool


def spool(source: Path, spool_dir: Path, name: str) -> Path:
    """Copy a recording into the spool and sync it to disk; return its path there."""
    now = datetime.now(UTC)
    folder = spool_dir / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.wav"
    partial = target.with_suffix(".partial")
    with source.open("rb") as reader, partial.open("wb") as writer:
        shutil.copyfileobj(reader, writer)
        writer.flush()
        os.fsync(writer.fileno())
    partial.replace(target)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target


def audio_seconds(path: Path) -> float:
    try:
        info = soundfile.info(str(path))
    except RuntimeError:
        return 0.0
    return info.frames / info.samplerate


class VoicemailKeeper:
    """Stores messages and queues their mail.

    Args:
        spool_dir: the durable voicemail folder.
        voicemails: the VoicemailStore repository.
        outbox: the mail outbox.
        transcribe: 16 kHz float32 audio -> text (the dictation engine).
        wake_sender: called after a mail is queued.
        mail_from: sender address of notifications.
    """

    def __init__(
        self, spool_dir: Path, voicemails, outbox: Outbox, transcribe, wake_sender, mail_from: str
    ) -> None:
        self.spool_dir = spool_dir
        self.voicemails = voicemails
        self.outbox = outbox
        self.transcribe = transcribe
        self.wake_sender = wake_sender
        self.mail_from = mail_from
        self.background: set[asyncio.Task] = set()

    async def keep(
        self,
        recording_path: Path,
        owner: OwnerProfile,
        context: MessageContext,
        speech_s: float | None = None,
    ) -> int | None:
        """Keep a recording if it is long enough; return the voicemail id (None when too short).

        Args:
            speech_s: how much of the recording was speech, when known; else its whole length counts.
        """
        seconds = await asyncio.to_thread(audio_seconds, recording_path)
        spoken = seconds if speech_s is None else speech_s
        if spoken < owner.voicemail_min_s:
            log.info(
                "message with %.1f s of speech from %s is under the %.1f s minimum: not kept",
                spoken,
                context.caller_number,
                owner.voicemail_min_s,
            )
            await asyncio.to_thread(recording_path.unlink, missing_ok=True)
            return None
        durable = await asyncio.to_thread(spool, recording_path, self.spool_dir, recording_path.stem)
        voicemail_id = await asyncio.to_thread(
            self.voicemails.add,
            owner.owner_id,
            context.call_id,
            str(durable),
            round(seconds, 2),
            context.caller_number,
        )
        await asyncio.to_thread(recording_path.unlink, missing_ok=True)
        log.info(
            "voicemail %d kept: %.1f s from %s in %s", voicemail_id, seconds, context.caller_number, durable
        )
        task = asyncio.create_task(self._transcribe_and_mail(voicemail_id, durable, seconds, owner, context))
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return voicemail_id

    async def _transcribe_and_mail(
        self, voicemail_id: int, path: Path, seconds: float, owner: OwnerProfile, context: MessageContext
    ) -> None:
        transcript = await asyncio.to_thread(lambda: self.transcribe(load_16k(path)))
        await asyncio.to_thread(self.voicemails.set_transcript, voicemail_id, transcript)
        if not owner.notify_emails:
            log.info("voicemail %d: no notification address set for the owner", voicemail_id)
            return
        notice = VoicemailNotice(
            context.caller_number,
            context.caller_name,
            datetime.now(UTC),
            seconds,
            transcript,
            context.reason,
            context.important,
            path,
            owner.time_zone,
        )
        message_id = new_message_id()
        message = compose_voicemail(
            notice, sender=self.mail_from, recipients=list(owner.notify_emails), message_id=message_id
        )
        await asyncio.to_thread(
            self.outbox.enqueue,
            message_id,
            list(owner.notify_emails),
            message["Subject"],
            message.as_bytes(policy=email.policy.SMTP),
            voicemail_id,
        )
        self.wake_sender()

    async def drain(self) -> None:
        """Wait for transcriptions and mails in progress (at shutdown)."""
        if self.background:
            await asyncio.gather(*self.background, return_exceptions=True)
