"""Shared fixtures: one lab Asterisk for the whole run, the service as a real process, a simulated caller."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.pbx import lab

TEST_RTP_PORTS = 1000  # per lab: each pytest-xdist worker runs a lab of its own beside the others
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
WORKER_INDEX = int(WORKER.removeprefix("gw") or 0)
TEST_RTP_START = 30000 + TEST_RTP_PORTS * WORKER_INDEX
TEST_RTP_END = TEST_RTP_START + TEST_RTP_PORTS - 1
SERVICE_START_TIMEOUT_S = 120.0  # it synthesizes every prompt into the fresh test lab; slow on a busy machine
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lab_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a test instance of the lab, its own ports and data folder, beside any running one."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ASSISTANT_") and not key.startswith("ARI_")
    }
    env.update(
        {
            "ASSISTANT_LAB_NAME": f"tests-{os.getpid()}",
            "ASSISTANT_LAB_HTTP_PORT": str(free_port()),
            "ASSISTANT_LAB_SIP_PORT": str(free_port()),
            "ASSISTANT_LAB_PHONE_PORT": str(free_port()),
            "ASSISTANT_LAB_HTTPS_PORT": str(free_port()),
            "ASSISTANT_LAB_RTP_START": str(TEST_RTP_START),
            "ASSISTANT_LAB_RTP_END": str(TEST_RTP_END),
            "ASSISTANT_API_PORT": str(free_port()),
            "ASSISTANT_SMTP_PORT": str(free_port()),
            "ASSISTANT_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "ASSISTANT_LOG_LEVEL": "INFO",
        }
    )
    if os.environ.get("ASSISTANT_CACHE_DIR"):
        env["ASSISTANT_CACHE_DIR"] = os.environ["ASSISTANT_CACHE_DIR"]
    return env


def settings_from(env: dict[str, str]) -> Settings:
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return Settings(_env_file=None)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def settings(lab_env: dict[str, str]) -> Settings:
    return settings_from(lab_env)


@pytest.fixture(scope="session")
def asterisk(settings: Settings) -> Iterator[Settings]:
    """The lab Asterisk, started once for the whole run and stopped by its pid at the end."""
    lab.start(settings)
    yield settings
    lab.stop(settings)
    import shutil

    shutil.rmtree(settings.lab_dir, ignore_errors=True)


OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "correct horse battery staple"


def run_cli(env: dict[str, str], *args: str) -> str:
    """Run an `assistant` command against the test instance; return its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"assistant {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def owner_token(lab_env: dict[str, str]) -> str:
    """The owner of the Smart Number (created in the service's database) and an API token for them."""
    speech_test_line = settings_from(lab_env).speech_test_line
    run_cli(
        lab_env,
        "user",
        "create",
        "--email",
        OWNER_EMAIL,
        "--password",
        OWNER_PASSWORD,
        "--line",
        speech_test_line,
    )
    return run_cli(lab_env, "user", "token", "--email", OWNER_EMAIL).strip().splitlines()[-1]


class ServiceProcess:
    """`assistant up` as a real process, against the test lab."""

    def __init__(self, env: dict[str, str], settings: Settings, log_path: Path, token: str) -> None:
        self.env = env
        self.settings = settings
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.api = f"http://127.0.0.1:{settings.api_port}"
        self.http = httpx.Client(base_url=self.api, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def start(self) -> None:
        log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "up"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self.wait_healthy()
        self.wait_warmed_up(log_start)

    def wait_warmed_up(self, log_start: int, timeout_s: float = SERVICE_START_TIMEOUT_S) -> None:
        """Calls are placed once the service has warmed its recognizers, as in its steady state:
        the warm-up's CPU would otherwise slow the first calls' recognition on a 2-core machine."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as handle:
                handle.seek(log_start)
                if b"speech warmed up" in handle.read():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"service did not warm up in {timeout_s} s:\n{self.log_tail()}")

    def wait_healthy(self, timeout_s: float = SERVICE_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"service exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.api}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"service not healthy after {timeout_s} s:\n{self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        return code

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def calls(self) -> list[dict]:
        reply = self.http.get("/calls", params={"limit": 200})
        reply.raise_for_status()
        return reply.json()["items"]

    def call(self, call_id: int) -> dict:
        reply = self.http.get(f"/calls/{call_id}")
        reply.raise_for_status()
        return reply.json()

    def update_settings(self, **changes: object) -> dict:
        reply = self.http.patch("/settings", json=changes)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def outbound_call_to(self, number: str, timeout_s: float = 15.0, after_id: int = 0) -> dict:
        """The newest finished outbound call to `number` logged after the row `after_id`, in full."""
        deadline = time.monotonic() + timeout_s
        while True:
            rows = [
                r
                for r in self.calls()
                if r["direction"] == "outbound" and r["number"] == number and r["id"] > after_id
            ]
            if rows and rows[0]["ended_at"]:
                return self.call(rows[0]["id"])
            if time.monotonic() > deadline:
                raise AssertionError(f"no finished outbound call to {number}")
            time.sleep(0.2)

    def call_from(self, number: str, timeout_s: float = 10.0) -> dict:
        """The finished call-log row of the call from `number` (waits for its end to be written)."""
        deadline = time.monotonic() + timeout_s
        while True:
            rows = [row for row in self.calls() if row["caller_number"] == number]
            if rows and rows[0]["ended_at"]:
                return rows[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no finished call from {number}; rows: {rows}")
            time.sleep(0.2)


@pytest.fixture(scope="session")
def service(asterisk: Settings, lab_env: dict[str, str], owner_token: str) -> Iterator[ServiceProcess]:
    ARTIFACTS.mkdir(exist_ok=True)
    process = ServiceProcess(lab_env, asterisk, ARTIFACTS / f"service-{WORKER}.log", owner_token)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
async def caller(asterisk: Settings) -> AsyncIterator:
    from assistant.simcall import simulated_caller

    async with simulated_caller(asterisk) as sim:
        yield sim


@pytest.fixture(scope="session")
async def phones(caller) -> AsyncIterator:
    """The lab's phones (the owner's mobile, desk phones, the people the owner calls), for the whole run:
    one harness per lab, since Asterisk gives an application's events to one connection only."""
    from assistant.simcall import SimulatedPhones

    async with SimulatedPhones(caller) as lab_phones:
        yield lab_phones


_numbers = iter(range(1000, 10000))


@pytest.fixture
def caller_number() -> str:
    """A caller number no other test uses, to find this test's row in the call log."""
    return f"+1202555{next(_numbers):04d}"
