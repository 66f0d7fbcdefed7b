"""Missed-call notices: composed and queued in the mail outbox, so they survive a mail server that is down."""

from __future__ import annotations

import asyncio
import email.policy
import logging
from collections.abc import Callable

from assistant.domain.owner import OwnerProfile
from assistant.mail.missed_call import MissedCall, compose_missed_call
from assistant.mail.outbox import Outbox, new_message_id

log = logging.getLogger(__name__)


class MissedCallMailer:
    """Queues a missed-call notice to the owner's notification addresses."""

    def __init__(self, outbox: Outbox, wake_sender: Callable[[], None], mail_from: str) -> None:
        self.outbox = outbox
        self.wake_sender = wake_sender
        self.mail_from = mail_from

    async def notify(self, owner: OwnerProfile, missed: MissedCall) -> bool:
        """Queue the notice; False when the owner has no notification address."""
        recipients = list(owner.notify_emails)
        if not recipients:
            log.info("missed call from %s: no notification address set for the owner", missed.caller_number)
            return False
        message_id = new_message_id()
        message = compose_missed_call(
            missed, sender=self.mail_from, recipients=recipients, message_id=message_id
        )
        await asyncio.to_thread(
            self.outbox.enqueue,
            message_id,
            recipients,
            message["Subject"],
            message.as_bytes(policy=email.policy.SMTP),
        )
        self.wake_sender()
        return True
