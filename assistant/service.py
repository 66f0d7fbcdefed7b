"""The running service: lab Asterisk (unless an external one is configured), Stasis app, API,
mail sender and the importer of fallback messages. `Service.run()` is what `assistant up` runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import uvicorn

from api.app import create_app
from assistant.call import Speech
from assistant.config import Settings
from assistant.dispatch import CallHandler, Parts, owner_profile
from assistant.errors import AssistantError
from assistant.fallback_import import FallbackImporter
from assistant.mail.outbox import Outbox
from assistant.mail.sender import MailSender, SmtpSettings
from assistant.missed_calls import MissedCallMailer
from assistant.office import Recognizers
from assistant.pbx import lab
from assistant.prompts import Prompts
from assistant.speech.asr.base import transcribe_recording
from assistant.speech.asr.select import dictation_engine, grammar_engine
from assistant.speech.greeting_audio import build_greeting_renderer
from assistant.speech.tts import build_prompt_cache, split_sentences
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.line_access import LineAccess
from assistant.store.owners import OwnerDirectory
from assistant.store.queues import Queues
from assistant.store.usage import OutboundUsage
from assistant.store.virtualization import Virtualizations
from assistant.store.voicemails import VoicemailStore
from assistant.telephony.ari import AriClient
from assistant.telephony.stasis import StasisApp
from assistant.voicemail_keeper import VoicemailKeeper

log = logging.getLogger(__name__)

READY_GRAMMAR_STREAMS = 10  # closed-set answers recognized at once without loading another decoder
# Recognition, synthesis and file work run in worker threads; a decode waiting for the CPU holds
# one, so with asyncio's default of cpu_count + 4 threads ten calls' decodes kept the others'
# audio from their recognizers for a while.
WORKER_THREADS = 64


def warm_up(speech: Speech) -> None:
    """Once the service is up, load what the first calls would otherwise wait for: a first
    dictation, grammar decoders for simultaneous answers."""
    speech.dictation.transcribe(np.zeros(16000, dtype=np.int16))
    warm = getattr(speech.grammar, "warm", None)
    if warm is not None:
        warm(READY_GRAMMAR_STREAMS)
    log.info("speech warmed up")


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_starttls,
        settings.smtp_user,
        settings.smtp_password,
        settings.mail_from,
    )


class Service:
    """Everything `assistant up` runs, started in order and stopped in reverse."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started_lab = False
        self.store: Store | None = None

    def start_lab(self) -> None:
        if self.settings.uses_lab and lab.running_pid(self.settings) is None:
            log.info("starting the lab Asterisk")
            lab.start(self.settings)
            self.started_lab = True

    def prepare(self) -> tuple[Parts, MailSender]:
        """Open the database, load voice and recognizers; raise AssistantError with a clear message."""
        settings = self.settings
        ensure_port_free(settings.api_host, settings.api_port)
        self.store = store = open_store(settings.effective_database_url)
        store.migrate()
        log.info("database ready: %s", store.display_url)
        log.info("loading the Piper voice and the recognizers")
        speech = Speech(build_prompt_cache(settings), grammar_engine(settings), dictation_engine(settings))
        speech.greetings = build_greeting_renderer(settings, speech.tts.synthesizer)
        prompts = Prompts.load()
        for sentence in prompts.fixed_sentences(split_sentences):
            speech.tts.ensure(sentence, keep=True)
        threading.Thread(target=warm_up, args=(speech,), name="warm-speech", daemon=True).start()
        sender = MailSender(Outbox(store), smtp_settings(settings))
        keeper = VoicemailKeeper(
            settings.voicemail_dir,
            VoicemailStore(store, settings.voicemail_dir),
            sender.outbox,
            lambda audio: transcribe_recording(speech.dictation, audio).text,
            sender.wake.set,
            settings.mail_from,
        )
        parts = Parts(
            settings,
            CallLog(store),
            OwnerDirectory(store),
            prompts,
            speech,
            keeper,
            LineAccess(store),
            VoicemailStore(store, settings.voicemail_dir),
            Recognizers(speech.grammar, speech.dictation),
            MissedCallMailer(sender.outbox, sender.wake.set, settings.mail_from),
            queues=Queues(store),
            virtualizations=Virtualizations(store),
            usage=OutboundUsage(store),
        )
        return parts, sender

    async def run(self) -> None:
        settings = self.settings
        creds = lab.ari_credentials(settings)
        client = AriClient(creds.url, creds.user, creds.password)
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(WORKER_THREADS, "worker"))
        try:
            await asyncio.to_thread(self.start_lab)
            info = await client.check()
            log.info("ARI ready: Asterisk %s", info.get("system", {}).get("version", "?"))
            parts, sender = await asyncio.to_thread(self.prepare)
            await self._serve(parts, sender, client)
        finally:
            await client.close()
            if self.store is not None:
                self.store.close()
            if self.started_lab:
                await asyncio.to_thread(lab.stop, settings)

    async def _serve(self, parts: Parts, sender: MailSender, client: AriClient) -> None:
        settings = self.settings
        handler = CallHandler(parts, client)
        app = handler.stasis = StasisApp(client, [settings.app_name], handler)
        importer = FallbackImporter(
            settings.effective_fallback_dir,
            parts.call_log,
            parts.owners,
            parts.keeper,
            lambda view: owner_profile(view, settings),
        )
        api = create_app(settings, store=self.store, ari_probe=client.check, greetings=parts.speech.greetings)
        server = uvicorn.Server(
            uvicorn.Config(
                api, host=settings.api_host, port=settings.api_port, log_level="warning", lifespan="on"
            )
        )
        server.install_signal_handlers = lambda: None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        tasks = {
            "stasis": asyncio.create_task(app.run()),
            "api": asyncio.create_task(server.serve()),
            "mail": asyncio.create_task(sender.run()),
            "fallback": asyncio.create_task(importer.run()),
        }
        log.info(
            "API on http://%s:%d (calls: /calls, health: /healthz, docs: /docs)",
            settings.api_host,
            settings.api_port,
        )
        log.info(
            "answering %s (Smart Number), %s (assistant line), %s (speech test); Ctrl-C stops",
            settings.smart_number,
            settings.assistant_line,
            settings.speech_test_line,
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([*tasks.values(), stopping], return_when=asyncio.FIRST_COMPLETED)
        for name, task in tasks.items():
            if task in done and not task.cancelled() and task.exception() is not None:
                log.error("%s stopped unexpectedly: %s", name, task.exception())
        log.info("stopping")
        server.should_exit = True
        await app.stop()
        await parts.keeper.drain()
        with contextlib.suppress(Exception):
            await sender.run_once()
        for name in ("stasis", "mail", "fallback"):
            tasks[name].cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AssistantError(
                "api-port-in-use", f"cannot serve the API on {host}:{port}: {exc.strerror}"
            ) from exc
