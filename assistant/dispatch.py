"""The seam between telephony and flows: one `CallHandler` run per call entering the application.

It builds the `Call`, looks up who owns the line and who is calling, runs the flow for the line
that was dialed, and writes the call log in `finally`, so a call that ends in any way leaves its
row; forwarded legs get rows of their own under the conversation. A call placed for the owner
(from the assistant line or a desk phone) is an outbound conversation of its own; the desk phone's
own channel is not a conversation and gets no row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from assistant.call import Call, CallerHungUp, Recording, Speech
from assistant.config import Settings
from assistant.domain.caller_id import owned_numbers
from assistant.domain.owner import Caller, OwnerProfile
from assistant.domain.queues import Member, queue_ring
from assistant.domain.routing import Route, reachable_routes
from assistant.domain.virtualization import parse_bases, ring_devices
from assistant.flows.assistant_line import assistant_line
from assistant.flows.desk import desk_call
from assistant.flows.queue import QueueCall, queue_call
from assistant.flows.smart_number import smart_number
from assistant.flows.speech_test import speech_test
from assistant.flows.virtualization import virtualization_center
from assistant.mail.missed_call import MissedCall
from assistant.missed_calls import MissedCallMailer
from assistant.office import Recognizers, StoreOffice
from assistant.owner_calls import CallsInProgress
from assistant.pbx import webphone
from assistant.prompts import Prompts
from assistant.store.calls import CallLog
from assistant.store.line_access import LineAccess
from assistant.store.owners import OwnerDirectory, OwnerSettingsView
from assistant.store.queues import Queues
from assistant.store.usage import OutboundUsage
from assistant.store.virtualization import Virtualizations
from assistant.store.voicemails import VoicemailStore
from assistant.telephony.ari import AriClient, AriNotFound
from assistant.telephony.channel import Channel
from assistant.telephony.dialer import Dialer
from assistant.telephony.media import CallerAudio, open_caller_audio
from assistant.telephony.stasis import IncomingCall, StasisApp
from assistant.voicemail_keeper import MessageContext, VoicemailKeeper

log = logging.getLogger(__name__)

DB_WRITE_ATTEMPTS = 5
DB_RETRY_DELAY_S = 0.5
DESK_FLOW = "desk"  # the dialplan's Stasis argument for calls the owner dials from a desk phone
QUEUE_FLOW = "queue"  # calls to a queue's number
VIRTUALIZATION_FLOW = "virtualize"  # *30: the Virtualization Center
NOT_CONVERSATIONS = (DESK_FLOW, VIRTUALIZATION_FLOW)  # calls that get no call-log row of their own


def desk_extension(channel_name: str) -> str:
    """The endpoint a desk call comes from: ``PJSIP/101-0000000a`` is extension ``101``."""
    resource = channel_name.partition("/")[2]
    return resource.rsplit("-", 1)[0] if "-" in resource else resource


@dataclass
class Parts:
    """What the call handler needs, built once at start-up."""

    settings: Settings
    call_log: CallLog
    owners: OwnerDirectory
    prompts: Prompts
    speech: Speech
    keeper: VoicemailKeeper
    line_access: LineAccess
    voicemails: VoicemailStore
    recognizers: Recognizers
    missed_calls: MissedCallMailer
    queues: Queues | None = None
    virtualizations: Virtualizations | None = None
    usage: OutboundUsage | None = None


def owner_numbers(view: OwnerSettingsView) -> tuple[str, ...]:
    """The numbers the owner may show as caller ID."""
    return owned_numbers(
        view.smart_number, view.extra_lines, view.local_numbers, view.mobile, view.registered_phones
    )


def placed_by(extension: str) -> str:
    """How the call log names the phone a call was placed from."""
    return "webphone" if extension == webphone.EXTENSION else f"desk phone {extension}"


def owner_profile(view: OwnerSettingsView | None, settings: Settings) -> OwnerProfile:
    """The flows' view of the owner; a line no owner has configured gets greeting and voicemail only."""
    if view is None:
        return OwnerProfile(name=settings.owner_name, smart_number=settings.smart_number)
    return OwnerProfile(
        owner_id=view.owner_id,
        name=view.owner_name,
        smart_number=view.smart_number or "",
        mobile=view.mobile,
        extensions=view.extensions,
        screening=view.screening,
        vip_numbers=view.vip_numbers,
        blocked_numbers=view.blocked_numbers,
        do_not_disturb=view.do_not_disturb,
        ring_timeout_s=float(view.ring_timeout_s),
        ring_strategy=view.ring_strategy,
        ring_seconds=view.ring_seconds,
        no_answer_action=view.no_answer_action,
        no_answer_forward_to=view.no_answer_forward_to,
        call_waiting=view.call_waiting,
        greeting=view.greeting_text,
        notify_emails=view.notification_emails,
        importance_words=view.importance_words,
        voicemail_max_s=view.voicemail_max_s,
        voicemail_min_s=float(view.voicemail_min_s),
        time_zone=view.time_zone,
        caller_id=view.caller_id,
        local_numbers=view.local_numbers,
        welcome_text=view.welcome_text,
        greeting_voice=view.greeting_voice,
        greeting_rate=view.greeting_rate,
        greeting_pitch=view.greeting_pitch,
        local_id=view.local_id,
        show_caller_id=view.show_caller_id,
        forward_caller_id=view.forward_caller_id,
        default_country=view.default_country,
        monthly_limit_minutes=view.monthly_limit_minutes,
        passcode_destinations=view.passcode_destinations,
        outbound_passcode_hash=view.outbound_passcode_hash,
    )


class CallHandler:
    """Runs the flow of each incoming call and keeps its call-log rows."""

    def __init__(self, parts: Parts, client: AriClient) -> None:
        self.parts = parts
        self.client = client
        self.stasis: StasisApp | None = None
        self.calls = CallsInProgress()

    async def __call__(self, incoming: IncomingCall) -> None:
        info = incoming.info
        line = info.args[0] if info.args else "smart"
        settings = self.parts.settings
        call = Call(
            incoming.channel,
            info,
            self.parts.prompts,
            self.parts.speech,
            media=self._media,
            dialer=Dialer(self.client, settings.app_name, self.stasis.adopt),
            recordings_dir=settings.effective_recordings_dir,
            line=line,
            resumed=incoming.resumed,
        )
        log.info(
            "call %s from %r to %s (%s)%s",
            info.id,
            info.caller_number,
            info.dialed,
            line,
            " resumed" if incoming.resumed else "",
        )
        if line not in NOT_CONVERSATIONS:
            call.record_id = await self._db(
                lambda: self.parts.call_log.record_start(
                    info.id,
                    "inbound",
                    info.caller_number,
                    info.caller_name or None,
                    info.dialed,
                    datetime.now(UTC),
                    flow=line,
                )
            )
        outcome = "failed"
        self.calls.add(call)
        try:
            await self._run_flow(call)
            outcome = "completed"
        except CallerHungUp:
            outcome = "caller-hangup"
        except asyncio.CancelledError:
            outcome = "abandoned"
            raise
        except Exception:
            log.exception("call %s: flow failed", info.id)
            with contextlib.suppress(Exception):
                await call.say("system.technical_problem")
        finally:
            self.calls.discard(call)
            await self._finish(call, outcome)

    async def _media(self, channel: Channel) -> CallerAudio:
        settings = self.parts.settings
        return await open_caller_audio(
            self.client,
            channel,
            app=settings.app_name,
            media_host=settings.media_host,
            adopt=self.stasis.adopt,
        )

    async def _run_flow(self, call: Call) -> None:
        if call.line == "speechtest":
            await speech_test(call)
            return
        if call.line == DESK_FLOW:
            await self._desk_call(call)
            return
        if call.line == QUEUE_FLOW:
            await self._queue_call(call)
            return
        if call.line == VIRTUALIZATION_FLOW:
            await virtualization_center(
                call,
                self.parts.virtualizations,
                desk_extension(call.info.name),
                call.info.args[1] if len(call.info.args) > 1 else "",
                parse_bases(self.parts.settings.virtualization_bases),
            )
            return
        view = await asyncio.to_thread(self.parts.owners.owner_for_line, call.info.dialed)
        owner = owner_profile(view, self.parts.settings)
        call.owner_id = owner.owner_id
        if call.line == "line":
            await assistant_line(call, self._office(owner) if view is not None else None)
            return
        contact = (
            await asyncio.to_thread(self.parts.owners.contact_for, owner.owner_id, call.caller_number)
            if owner.owner_id is not None
            else None
        )
        caller = Caller(
            call.caller_number, contact.name if contact else None, bool(contact and contact.important)
        )
        routes = await self._routes(owner)

        async def keep(recording: Recording) -> bool:
            screening = call.screening or {}
            context = MessageContext(
                call.record_id,
                caller.number,
                screening.get("name") or caller.contact_name,
                screening.get("reason"),
                bool(screening.get("important")),
            )
            return (
                await self.parts.keeper.keep(recording.path, owner, context, recording.speech_s) is not None
            )

        async def block(number: str) -> None:
            if owner.owner_id is not None:
                await asyncio.to_thread(self.parts.owners.block_number, owner.owner_id, number)

        async def notify_missed() -> bool:
            screening = call.screening or {}
            missed = MissedCall(
                caller.number,
                screening.get("name") or caller.contact_name,
                call.started_at,
                screening.get("reason"),
                bool(screening.get("important")),
                owner.time_zone,
            )
            return await self.parts.missed_calls.notify(owner, missed)

        def owner_talking() -> bool:
            return self.calls.owner_talking(owner.owner_id, besides=call)

        await smart_number(call, owner, caller, routes, keep, block, notify_missed, owner_talking)

    async def _desk_call(self, call: Call) -> None:
        owners = self.parts.owners
        view = await asyncio.to_thread(owners.owner_for_extension, desk_extension(call.info.name))
        owner = owner_profile(view, self.parts.settings) if view is not None else None
        call.owner_id = owner.owner_id if owner else None
        number = call.info.dialed
        contact = (
            await asyncio.to_thread(owners.contact_for, call.owner_id, number) if call.owner_id else None
        )
        requested = call.info.args[1] if len(call.info.args) > 1 else ""
        await desk_call(
            call,
            owner,
            number,
            contact.name if contact else None,
            requested_caller_id=requested or None,
            owned_numbers=owner_numbers(view) if view is not None else (),
            used_s=self._used_this_month(call.owner_id),
        )

    def _used_this_month(self, owner_id: int | None):
        """The owner's billable outbound talk this month, read when a call out asks for it."""

        async def used_s() -> float:
            usage = self.parts.usage
            month = await asyncio.to_thread(usage.this_month, owner_id) if usage and owner_id else None
            return month.used_s if month is not None else 0.0

        return used_s

    async def _queue_call(self, call: Call) -> None:
        """A call to a queue: its present members' phones ring together (flows/queue.py)."""
        parts = self.parts
        queue = await asyncio.to_thread(parts.queues.by_number, call.info.dialed) if parts.queues else None
        if queue is None:
            log.warning("queue call %s to %s: no queue has this number", call.info.id, call.info.dialed)
            await call.hangup()
            return
        placements = await self._placements()  # once for the whole queue, not per member
        members = []
        for user_id, present in queue.members:
            view = await asyncio.to_thread(parts.owners.settings, user_id)
            if view is None:
                continue
            member = owner_profile(view, parts.settings)
            rings = present and not member.do_not_disturb
            routes = await self._routes(member, placements) if rings else ()
            members.append(Member(user_id, present, member.do_not_disturb, routes))
        mailbox = None
        if queue.mailbox_owner_id is not None:
            view = await asyncio.to_thread(parts.owners.settings, queue.mailbox_owner_id)
            if view is not None:  # the queue's messages, spoken of by the queue's name
                mailbox = replace(owner_profile(view, parts.settings), name=queue.name, greeting=None)
                await self._file_under(call, view.owner_id)

        async def keep(recording: Recording) -> bool:
            context = MessageContext(call.record_id, call.caller_number, None, None, False)
            return await parts.keeper.keep(recording.path, mailbox, context, recording.speech_s) is not None

        async def taken_by(user_id: int) -> None:
            await self._file_under(call, user_id)

        ring = queue_ring(members)
        await queue_call(call, QueueCall(queue.name, queue.ring_s, ring, mailbox), keep, taken_by)

    async def _file_under(self, call: Call, owner_id: int) -> None:
        """The call is this owner's from now on (its call-log row, and call waiting)."""
        call.owner_id = owner_id
        await self._db(self.parts.call_log.file_under, call.info.id, owner_id)

    def _office(self, owner: OwnerProfile) -> StoreOffice:
        parts = self.parts
        return StoreOffice(
            owner,
            parts.owners,
            parts.line_access,
            parts.voicemails,
            parts.recognizers,
            used_s=self._used_this_month(owner.owner_id),
        )

    async def _placements(self) -> dict[str, str]:
        """Every virtualized extension and the base it is on now."""
        places = self.parts.virtualizations
        return await asyncio.to_thread(places.placements) if places is not None else {}

    async def _routes(
        self, owner: OwnerProfile, placements: dict[str, str] | None = None
    ) -> tuple[Route, ...]:
        """The routes that can ring now; a virtualized extension rings the phone of its base."""
        if placements is None:
            placements = await self._placements()
        endpoints = [
            extension if "/" in extension else f"PJSIP/{extension}"
            for extension in ring_devices(owner.extensions, placements)
        ]
        online = {endpoint: await self._endpoint_online(endpoint) for endpoint in endpoints}
        return reachable_routes(owner.mobile, online)

    async def _endpoint_online(self, endpoint: str) -> bool:
        technology, _, resource = endpoint.partition("/")
        try:
            state = (await self.client.get(f"/endpoints/{technology}/{resource}")).get("state")
        except AriNotFound:
            return False
        return state != "offline"

    async def _finish(self, call: Call, outcome: str) -> None:
        await call.close()
        if not call.gone:
            with contextlib.suppress(Exception):
                await call.hangup()
        if outcome == "completed" and not call.hung_up_by_us and call.outcome is None:
            outcome = "caller-hangup"
        call_log = self.parts.call_log
        if call.line == VIRTUALIZATION_FLOW:
            log.info("virtualization call %s ended: %s", call.info.id, outcome)
            return
        if call.record_id is None and call.line == DESK_FLOW:
            for leg in call.legs:
                await leg.close()
                if leg.callee is not None:
                    await self._log_placed_call(call, leg, placed_by(desk_extension(call.info.name)))
            log.info("desk call %s ended: %s", call.info.id, outcome)
            return
        if call.answered_at is not None:
            await self._db(call_log.record_answer, call.info.id, call.answered_at)
        for event in call.events:
            await self._db(call_log.add_event, call.info.id, event)
        if call.screening:
            decision = "ring" if call.screening.get("route") == "important" else "voicemail"
            await self._db(call_log.record_screening, call.info.id, decision, call.screening.get("decision"))
            transcript = " / ".join(
                part for part in (call.screening.get("name"), call.screening.get("reason")) if part
            )
            if transcript:
                await self._db(call_log.set_transcript, call.info.id, transcript)
        for leg in call.legs:
            await leg.close()
            if leg.callee is not None:
                await self._log_placed_call(call, leg)
            else:
                await self._log_leg(call, leg)
        await self._db(call_log.record_end, call.info.id, datetime.now(UTC), outcome, call.hangup_cause)
        log.info("call %s ended: %s", call.info.id, outcome)

    async def _log_leg(self, call: Call, leg: Call) -> None:
        call_log = self.parts.call_log
        await self._db(
            lambda: call_log.record_start(
                leg.info.id,
                "outbound",
                call.caller_number,
                None,
                leg.info.dialed,
                leg.started_at,
                parent_id=call.record_id,
            )
        )
        if leg.accepted_at is not None:
            await self._db(call_log.record_answer, leg.info.id, leg.accepted_at)
        for event in leg.events:
            await self._db(call_log.add_event, leg.info.id, event)
        outcome = "completed" if leg.accepted_at is not None else "abandoned"
        await self._db(
            call_log.record_end, leg.info.id, leg.ended_at or datetime.now(UTC), outcome, leg.hangup_cause
        )

    async def _log_placed_call(self, call: Call, leg: Call, by: str = "assistant line") -> None:
        """A call placed for the owner (from the assistant line, a desk phone): an outbound conversation.

        Its talk time runs from the callee's answer to its end; the owner's time with the
        assistant around it is not part of it.
        """
        call_log = self.parts.call_log
        number, name = leg.callee
        await self._db(
            lambda: call_log.record_start(
                leg.info.id,
                "outbound",
                leg.info.caller_number,
                None,
                number,
                leg.started_at,
                owner_id=call.owner_id,
            )
        )
        await self._db(call_log.add_event, leg.info.id, {"event": "placed", "by": by, "to": name})
        for event in leg.events:
            await self._db(call_log.add_event, leg.info.id, event)
        if leg.accepted_at is not None:
            await self._db(call_log.record_answer, leg.info.id, leg.accepted_at)
        outcome = "completed" if leg.accepted_at is not None else "abandoned"
        await self._db(
            call_log.record_end, leg.info.id, leg.ended_at or datetime.now(UTC), outcome, leg.hangup_cause
        )

    async def _db(self, operation, *args):
        """Run a call-log write off the event loop, retrying while the database is unavailable."""
        for attempt in range(1, DB_WRITE_ATTEMPTS + 1):
            try:
                return await asyncio.to_thread(operation, *args)
            except Exception as exc:
                if attempt == DB_WRITE_ATTEMPTS:
                    log.error("call log write failed %d times: %s", attempt, exc)
                    raise
                await asyncio.sleep(DB_RETRY_DELAY_S * attempt)
        return None
