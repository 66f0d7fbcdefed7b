"""Delivers the outbox over SMTP (STARTTLS and login when configured), retrying with backoff.

A message is marked sent only after the server accepted it; a server that is down, refuses the
connection or answers with a temporary error leaves it queued for the next attempt.
"""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.mail.outbox import Outbox, Pending

log = logging.getLogger(__name__)

POLL_S = 2.0
SMTP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "assistant@smart-number.local"


def deliver(settings: SmtpSettings, message: Pending) -> None:
    """One SMTP transaction (blocking); raises on any failure."""
    with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S) as smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        body = re.sub(rb"(?<!\r)\n", b"\r\n", message.body)  # SMTP wants CRLF line ends
        refused = smtp.sendmail(settings.sender, message.recipients, body)
        if refused:
            log.warning("mail %s: some recipients refused: %s", message.message_id, refused)


class MailSender:
    """The loop that empties the outbox; `run_once` is one pass (tests and shutdown use it)."""

    def __init__(self, outbox: Outbox, settings: SmtpSettings) -> None:
        self.outbox = outbox
        self.settings = settings
        self.wake = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as exc:  # the database may be down: keep the loop, try again later
                log.error("mail outbox unavailable: %s", exc)
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=POLL_S)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Try every message that is due; return how many were delivered."""
        due = await asyncio.to_thread(self.outbox.claim_due, datetime.now(UTC))
        delivered = 0
        for message in due:
            try:
                await asyncio.to_thread(deliver, self.settings, message)
            except (OSError, smtplib.SMTPException) as exc:
                retry_at = await asyncio.to_thread(
                    self.outbox.mark_failed, message.id, datetime.now(UTC), str(exc)
                )
                log.warning(
                    "mail %s not delivered (%s); next attempt at %s",
                    message.message_id,
                    exc,
                    retry_at.isoformat(timespec="seconds"),
                )
                continue
            await asyncio.to_thread(self.outbox.mark_sent, message.id, datetime.now(UTC))
            delivered += 1
            log.info("mail %s delivered to %s", message.message_id, ", ".join(message.recipients))
        return delivered
