"""The mail outbox and sender against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
import socket
import wave
from datetime import UTC, datetime, timedelta
from email.policy import SMTP
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from assistant.mail.compose import VoicemailNotice, compose_voicemail
from assistant.mail.outbox import FIRST_RETRY_S, Outbox, new_message_id
from assistant.mail.sender import MailSender, SmtpSettings
from assistant.store.db import open_store


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.migrate()
    return Outbox(store)


def voicemail_mail(tmp_path: Path, transcript: str) -> tuple[str, bytes]:
    audio = tmp_path / "message.wav"
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    notice = VoicemailNotice(
        "+12025550123",
        "Maria Garcia",
        datetime.now(UTC),
        12.0,
        transcript,
        "the hearing",
        True,
        audio,
        "America/New_York",
    )
    message_id = new_message_id()
    message = compose_voicemail(
        notice, sender="assistant@example.com", recipients=["alex@example.com"], message_id=message_id
    )
    return message_id, message.as_bytes(policy=SMTP)


async def test_delivered_once_with_transcript_and_audio(outbox: Outbox, tmp_path: Path):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        message_id, body = voicemail_mail(tmp_path, "Please call me back about the hearing.")
        outbox.enqueue(message_id, ["alex@example.com"], "subject", body)
        sender = MailSender(outbox, SmtpSettings(port=port))

        assert await sender.run_once() == 1
        assert await sender.run_once() == 0
    finally:
        controller.stop()
    (mail,) = inbox.messages
    assert mail["Subject"] == "[Important] Voicemail from Maria Garcia (+12025550123)"
    text = (
        next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    )
    assert "Please call me back about the hearing." in text and "Reason given: the hearing" in text
    wav = next(p for p in mail.walk() if p.get_content_type() == "audio/wav").get_payload(decode=True)
    assert wav[:4] == b"RIFF"


async def test_queued_while_the_server_is_down_then_delivered_once(outbox: Outbox, tmp_path: Path):
    port = free_port()
    message_id, body = voicemail_mail(tmp_path, "hello")
    outbox.enqueue(message_id, ["alex@example.com"], "subject", body)
    sender = MailSender(outbox, SmtpSettings(port=port))

    assert await sender.run_once() == 0  # nothing listens on the port
    assert outbox.counts() == {"queued": 1}
    assert outbox.claim_due(datetime.now(UTC)) == []  # waiting for its backoff

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await asyncio.sleep(FIRST_RETRY_S + 0.5)  # the first retry comes after this backoff
        assert await sender.run_once() == 1
        assert await sender.run_once() == 0
    finally:
        controller.stop()
    assert outbox.counts() == {"sent": 1}
    assert [m["Message-ID"] for m in inbox.messages] == [message_id]


def test_a_claimed_message_is_not_handed_to_a_second_sender(outbox: Outbox, tmp_path: Path):
    message_id, body = voicemail_mail(tmp_path, "hello")
    outbox.enqueue(message_id, ["alex@example.com"], "subject", body)
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert [p.message_id for p in outbox.claim_due(now)] == [message_id]
    assert outbox.claim_due(now) == []
