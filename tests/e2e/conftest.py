"""Fixtures shared by the end-to-end modules."""

from __future__ import annotations

import asyncio
import csv
import email
import io
import time
from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from assistant.simcall import PhoneScript, SimulatedPhones, Step

# The owner hears "Connecting you now" before the caller is put through. Only "connecting" is waited
# for: the phone's recognizer hears some renditions of the prompt as "Connecting me now".
CONNECTED_CUE = "connecting"


class Mailbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[Message]:
        deadline = time.monotonic() + timeout_s
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(self.messages) >= count, f"{len(self.messages)} mails, expected {count}"
        return self.messages


@pytest.fixture(scope="module")
def mailbox(settings):
    """The mail server the service delivers to, for one test module."""
    box = Mailbox(settings.smtp_port)
    box.start()
    yield box
    box.stop()


def talking(line: str, **first: object) -> list[Step]:
    """Say `line` three times, three seconds apart, the first time as `first` says."""
    return [Step(say=line, **first), Step(say=line, delay_s=3), Step(say=line, delay_s=3)]


def takes_the_call(
    phones: SimulatedPhones, phone: str, says: str = "Hello, this is Alex.", stay_s: float = 20
) -> None:
    """Script `phone` to answer after a second, press 1 to take the call and, once put through, say `says`."""
    phones.script(
        phone,
        PhoneScript(
            answer_after_s=1,
            steps=[Step(dtmf="1"), *talking(says, after_hearing=CONNECTED_CUE)],
            stay_s=stay_s,
        ),
    )


async def connected(phones: SimulatedPhones) -> SimulatedPhones:
    """The phones, once their event connection is up (Asterisk may have been restarted by a test)."""
    await asyncio.wait_for(phones.stasis.connected.wait(), timeout=30)
    return phones


def export_rows(service, **params: object) -> list[dict[str, str]]:
    """The billing export (CSV) around today, as rows by column name, without the total row.

    Numbers come back as the export writes them: ``'+12025550123`` (the apostrophe keeps a
    spreadsheet from reading them as formulas).
    """
    today = datetime.now(UTC).date()
    query = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    reply = service.http.get("/calls/export.csv", params={**query, **params})
    assert reply.status_code == 200, reply.text
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert rows and rows[-1]["call_id"] == "TOTAL"
    return rows[:-1]


def export_rows_for(service, number: str, **params: object) -> list[dict[str, str]]:
    """The export's rows whose other party is `number`."""
    return [row for row in export_rows(service, **params) if row["number"] == f"'{number}"]


def event_time(call: dict, kind: str) -> datetime:
    """When the first event `kind` of a call-log row happened."""
    return datetime.fromisoformat(next(event["at"] for event in call["events"] if event["event"] == kind))
