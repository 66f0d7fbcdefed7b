"""The running service: lab Asterisk (unless an external one is configured), Stasis app and API.

`Service.run()` is what `assistant up` runs. The call handler here is the seam between the
telephony plumbing and the flows: it builds the `Call`, picks the flow for the line that was
dialed, and writes the call log in `finally`, so a call that ends in any way leaves its row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn

from api.app import create_app
from assistant.call import Call, CallerHungUp, Speech
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.flows.smart_number import smart_number
from assistant.flows.speech_test import speech_test
from assistant.pbx import lab
from assistant.prompts import Prompts
from assistant.speech.asr.select import dictation_engine, grammar_engine
from assistant.speech.tts import build_prompt_cache, split_sentences
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.telephony.ari import AriClient
from assistant.telephony.media import CallerAudio, open_caller_audio
from assistant.telephony.stasis import IncomingCall, StasisApp

log = logging.getLogger(__name__)

DB_WRITE_ATTEMPTS = 5
DB_RETRY_DELAY_S = 0.5


@dataclass
class Parts:
    """What the call handler needs, built once at start-up."""

    settings: Settings
    store: Store
    call_log: CallLog
    prompts: Prompts
    speech: Speech


class CallHandler:
    """Runs the flow of each incoming call and keeps its call-log row."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    async def __call__(self, incoming: IncomingCall) -> None:
        info = incoming.info
        line = info.args[0] if info.args else "smart"
        call = Call(
            incoming.channel, info, self.parts.prompts, self.parts.tts, line=line, resumed=incoming.resumed
        )
        log.info(
            "call %s from %r to %s (%s)%s",
            info.id,
            info.caller_number,
            info.dialed,
            line,
            " resumed" if incoming.resumed else "",
        )
        await self._db(
            self.parts.call_log.record_start,
            info.id,
            "inbound",
            info.caller_number,
            info.caller_name or None,
            info.dialed,
            datetime.now(UTC),
        )
        outcome = "failed"
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
            await self._finish(call, outcome)

    async def _run_flow(self, call: Call) -> None:
        if call.line == "smart":
            await smart_number(call, owner=self.parts.settings.owner_name)
        elif call.line == "speechtest":
            await speech_test(call)
        else:
            await call.answer()
            await call.say("system.technical_problem")
            await call.hangup()

    async def _finish(self, call: Call, outcome: str) -> None:
        await call.close()
        if not call.gone:
            with contextlib.suppress(Exception):
                await call.hangup()
        if outcome == "completed" and not call.hung_up_by_us:
            outcome = "caller-hangup"
        ended = datetime.now(UTC)
        log_ = self.parts.call_log
        if call.answered_at is not None:
            await self._db(log_.record_answer, call.info.id, call.answered_at)
        for event in call.events:
            await self._db(log_.add_event, call.info.id, event)
        await self._db(log_.record_end, call.info.id, ended, outcome, call.hangup_cause)
        log.info("call %s ended: %s", call.info.id, outcome)

    async def _db(self, operation, *args):
        """Run a call-log write off the event loop, retrying while the database is unavailable."""
        for attempt in range(1, DB_WRITE_ATTEMPTS + 1):
            try:
                return await asyncio.to_thread(operation, *args)
            except Exception as exc:
                if attempt == DB_WRITE_ATTEMPTS:
                    log.error("call log write %s failed %d times: %s", operation.__name__, attempt, exc)
                    raise
                await asyncio.sleep(DB_RETRY_DELAY_S * attempt)
        return None


class Service:
    """Everything `assistant up` runs, started in order and stopped in reverse."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started_lab = False

    def start_lab(self) -> None:
        if self.settings.uses_lab and lab.running_pid(self.settings) is None:
            log.info("starting the lab Asterisk")
            lab.start(self.settings)
            self.started_lab = True

    def prepare(self) -> Parts:
        """Open the database and load the voice; raise AssistantError with a clear message."""
        ensure_port_free(self.settings.api_host, self.settings.api_port)
        store = open_store(self.settings.effective_database_url)
        store.migrate()
        log.info("database ready: %s", store.display_url)
        log.info("loading the Piper voice and the recognizers")
        speech = Speech(build_prompt_cache(self.settings), grammar_engine(self.settings),
                        dictation_engine(self.settings))
        prompts = Prompts.load()
        for text in prompts.fixed_texts():
            for sentence in split_sentences(text):
                speech.tts.ensure(sentence)
        return Parts(self.settings, store, CallLog(store), prompts, speech)

    async def run(self) -> None:
        creds = lab.ari_credentials(self.settings)
        client = AriClient(creds.url, creds.user, creds.password)
        parts = None
        try:
            await asyncio.to_thread(self.start_lab)
            info = await client.check()
            log.info("ARI ready: Asterisk %s", info.get("system", {}).get("version", "?"))
            parts = await asyncio.to_thread(self.prepare)
            handler = CallHandler(parts, client)
            app = handler.stasis = StasisApp(client, [self.settings.app_name], handler)
            api = create_app(self.settings, store=parts.store, ari_probe=client.check)
            server = uvicorn.Server(
                uvicorn.Config(
                    api,
                    host=self.settings.api_host,
                    port=self.settings.api_port,
                    log_level="warning",
                    lifespan="on",
                )
            )
            server.install_signal_handlers = lambda: None
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            tasks = [
                asyncio.create_task(app.run(), name="stasis"),
                asyncio.create_task(server.serve(), name="api"),
            ]
            log.info(
                "API on http://%s:%d (calls: /calls, health: /healthz, docs: /docs)",
                self.settings.api_host,
                self.settings.api_port,
            )
            log.info(
                "answering %s (Smart Number) and %s (assistant line); Ctrl-C stops",
                self.settings.smart_number,
                self.settings.assistant_line,
            )
            done, _ = await asyncio.wait(
                [*tasks, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                if task in tasks and task.exception() is not None:
                    raise task.exception()
            log.info("stopping")
            server.should_exit = True
            await app.stop()
            tasks[0].cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await client.close()
            if parts is not None:
                parts.store.close()
            if self.started_lab:
                await asyncio.to_thread(lab.stop, self.settings)


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AssistantError(
                "api-port-in-use", f"cannot serve the API on {host}:{port}: {exc.strerror}"
            ) from exc
