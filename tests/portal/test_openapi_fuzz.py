"""Property-based run of the whole OpenAPI schema (schemathesis) against the app served by uvicorn on
loopback, authenticated, with data to find: no 5xx, every response as the schema documents it
(status, content type, body), for valid and for invalid input."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, settings

from api import create_app
from assistant.config import Settings
from assistant.store.calls import CallLog
from assistant.store.contacts import Contacts
from assistant.store.db import open_store
from assistant.store.users import Users
from assistant.store.voicemails import VoicemailStore

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _ari_ok() -> None:
    return None


class _Server:
    """The app in uvicorn on a thread, with an account, a bearer token and some data."""

    def __init__(self, root: Path) -> None:
        self.settings = Settings(_env_file=None, data_dir=root / "data", database_url=None)
        self.store = open_store(self.settings.effective_database_url)
        self.store.migrate()
        users = Users(self.store)
        account = users.create("fuzz@example.com", "correct horse battery", "Fuzz", smart_number="+15550100")
        users.create("other@example.com", "correct horse battery", "Other", smart_number="+15550200")
        self.token, _ = users.issue_token(account.id, "fuzz")
        self._seed(account.id)
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(self.settings, store=self.store, ari_probe=_ari_ok),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def _seed(self, owner_id: int) -> None:
        from datetime import UTC, datetime, timedelta

        log = CallLog(self.store)
        at = datetime(2025, 3, 3, 15, tzinfo=UTC)
        for n in range(3):
            channel = f"fuzz-{n}"
            call_id = log.record_start(
                channel, "inbound", f"+1202555012{n}", None, "+15550100", at + timedelta(hours=n)
            )
            log.record_answer(channel, at + timedelta(hours=n, seconds=2))
            log.record_end(channel, at + timedelta(hours=n, seconds=90), "completed", "16")
        Contacts(self.store).create(
            owner_id, {"name": "Jane Roe", "phone": "+12025550120", "important": True}
        )
        spool = self.settings.voicemail_dir
        spool.mkdir(parents=True, exist_ok=True)
        (spool / "one.wav").write_bytes(b"RIFF$\0\0\0WAVEfmt " + b"\0" * 28)
        VoicemailStore(self.store, spool).add(owner_id, call_id, "one.wav", 1.0, "+12025550122", "hello")

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.store.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    with _Server(tmp_path_factory.mktemp("fuzz")) as running:
        yield running


_state: dict[str, str] = {}


def _schema():
    """Load the schema from a throwaway instance at collection time (the test uses the live server)."""
    app = create_app(Settings(_env_file=None, data_dir=Path("/nonexistent-fuzz"), database_url="sqlite://"))
    return schemathesis.openapi.from_dict(app.openapi())


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, server: _Server) -> None:
    case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.token}"},
        checks=CHECKS,
        timeout=30,
    )


def test_the_live_schema_is_the_one_tested(server: _Server) -> None:
    live = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    assert set(live["paths"]) == set(schema.raw_schema["paths"])
