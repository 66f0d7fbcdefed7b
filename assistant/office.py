"""The owner's records as the assistant line uses them: PIN and registered phones, phonebook, messages.

Everything here runs the store's blocking calls in a worker thread. The command recognizer (a
grammar compiled from the phonebook) is built once per phonebook and shared between calls; a
changed phonebook gets a new one on the next call.
"""

from __future__ import annotations

import asyncio
import threading

from assistant.domain.owner import OwnerProfile
from assistant.domain.phonebook import Entry, Phonebook
from assistant.flows.assistant_line import PhoneMessage, PinCheck
from assistant.flows.outbound_checks import UsedThisMonth
from assistant.speech.name_dialing import CommandRecognizer
from assistant.store.line_access import LineAccess
from assistant.store.owners import OwnerDirectory
from assistant.store.voicemails import VoicemailStore

MESSAGES_READ_BY_PHONE = 50


class Recognizers:
    """Command recognizers by phonebook content, built with the grammar engine (at most a few kept)."""

    KEEP = 8

    def __init__(self, engine: object, dictation: object | None = None) -> None:
        self.engine = engine
        self.dictation = dictation
        self._built: dict[tuple[Entry, ...], CommandRecognizer] = {}
        self._lock = threading.Lock()

    def for_phonebook(self, phonebook: Phonebook) -> CommandRecognizer:
        key = tuple(phonebook.entries)
        with self._lock:
            if key in self._built:
                return self._built[key]
        recognizer = CommandRecognizer(self.engine, phonebook, dictation=self.dictation)
        with self._lock:
            if len(self._built) >= self.KEEP:
                self._built.pop(next(iter(self._built)))
            self._built[key] = recognizer
        return recognizer


class StoreOffice:
    """One owner's `Office` (see assistant.flows.assistant_line), backed by the database."""

    def __init__(
        self,
        owner: OwnerProfile,
        directory: OwnerDirectory,
        access: LineAccess,
        voicemails: VoicemailStore,
        recognizers: Recognizers,
        *,
        used_s: UsedThisMonth | None = None,
    ) -> None:
        self.owner = owner
        self._used_s = used_s
        self._owner_id = owner.owner_id
        self._directory = directory
        self._access = access
        self._voicemails = voicemails
        self._recognizers = recognizers
        self._phonebook: Phonebook | None = None

    async def outbound_used_s(self) -> float:
        return await self._used_s() if self._used_s is not None else 0.0

    async def is_registered(self, number: str) -> bool:
        return await asyncio.to_thread(self._access.is_registered, self._owner_id, number)

    async def locked_for_s(self, number: str) -> float:
        return await asyncio.to_thread(self._access.locked_for_s, self._owner_id, number)

    async def try_pin(self, number: str, pin: str) -> PinCheck:
        check = await asyncio.to_thread(self._access.try_pin, self._owner_id, number, pin)
        return PinCheck(check.ok, check.failures, check.locked_for_s, check.just_locked)

    async def phonebook(self) -> Phonebook:
        if self._phonebook is None:
            contacts = await asyncio.to_thread(self._directory.phonebook, self._owner_id)
            self._phonebook = Phonebook(Entry(c.name, c.phone, c.nickname, c.label, c.id) for c in contacts)
        return self._phonebook

    async def commands(self) -> CommandRecognizer:
        phonebook = await self.phonebook()
        return await asyncio.to_thread(self._recognizers.for_phonebook, phonebook)

    async def messages(self) -> list[PhoneMessage]:
        rows = await asyncio.to_thread(self._voicemails.for_phone, self._owner_id, MESSAGES_READ_BY_PHONE)
        return [
            PhoneMessage(
                row.id,
                row.caller_number,
                row.caller_name,
                row.created_at,
                row.transcript,
                row.audio_file if row.audio_file.exists() else None,
            )
            for row in rows
        ]

    async def mark_heard(self, message: PhoneMessage) -> None:
        await asyncio.to_thread(self._voicemails.mark_read, self._owner_id, message.id)

    async def delete(self, message: PhoneMessage) -> None:
        await asyncio.to_thread(self._voicemails.delete, self._owner_id, message.id)
