"""baresip, a real SIP user agent from Debian, as the owner's softphone in the end-to-end tests.

It registers to the lab with an extension's user name and password, answers by itself when rung,
speaks from a WAV file, keeps what it hears (its sndfile module writes both directions to WAV
files), and is driven over its ctrl_tcp socket: JSON in netstrings, commands in, events out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import signal
import subprocess
from pathlib import Path

BARESIP = shutil.which("baresip")
START_TIMEOUT_S = 10.0

CONFIG = """\
poll_method\tepoll
sip_listen\t127.0.0.1:{sip_port}
net_interface\t127.0.0.1
call_local_timeout\t120
audio_source\taufile,{voice}
audio_player\talsa,null
audio_alert\talsa,null
rtp_ports\t{rtp_start}-{rtp_end}
module_path\t/usr/lib/baresip/modules
module\tg711.so
module\taufile.so
module\talsa.so
module\tsndfile.so
module_app\taccount.so
module_app\tmenu.so
module_app\tctrl_tcp.so
ctrl_tcp_listen\t127.0.0.1:{ctrl_port}
snd_path\t{folder}
"""


def netstring(payload: dict) -> bytes:
    data = json.dumps(payload).encode()
    return b"%d:%s," % (len(data), data)


async def read_netstring(reader: asyncio.StreamReader) -> dict:
    length = int((await reader.readuntil(b":"))[:-1])
    data = await reader.readexactly(length + 1)
    return json.loads(data[:-1])


class Softphone:
    """One baresip process with one account.

    Args:
        folder: its configuration folder (and where its recordings go).
        aor: the account's address, e.g. ``sip:201@127.0.0.1:5062``.
        password: the account's password.
        voice: an 8 kHz mono WAV it says once a call is up (long enough for the whole call).
        ports: its SIP port, ctrl_tcp port and first RTP port, all on loopback.
    """

    def __init__(self, folder: Path, aor: str, password: str, voice: Path, ports: tuple[int, int, int]):
        self.folder = folder
        self.aor = aor
        self.password = password
        self.voice = voice
        self.sip_port, self.ctrl_port, self.rtp_start = ports
        self.proc: asyncio.subprocess.Process | None = None
        self.events: asyncio.Queue[dict] = asyncio.Queue()
        self._replies: asyncio.Queue[dict] = asyncio.Queue()
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task | None = None

    async def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "config").write_text(
            CONFIG.format(
                sip_port=self.sip_port,
                ctrl_port=self.ctrl_port,
                rtp_start=self.rtp_start,
                rtp_end=self.rtp_start + 9,
                voice=self.voice,
                folder=self.folder,
            )
        )
        (self.folder / "accounts").write_text(
            f"<{self.aor}>;auth_pass={self.password};answermode=auto;regint=60\n"
        )
        (self.folder / "contacts").write_text("")
        if BARESIP is None:
            raise RuntimeError("baresip is not installed (Debian's baresip-core; scripts/setup.sh --tests)")
        with (self.folder / "baresip.log").open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                BARESIP,
                "-f",
                str(self.folder),
                "-v",
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        reader, self._writer = await self._connect()
        self._reader_task = asyncio.create_task(self._read(reader))

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        deadline = asyncio.get_running_loop().time() + START_TIMEOUT_S
        while True:
            try:
                return await asyncio.open_connection("127.0.0.1", self.ctrl_port)
            except OSError:
                if self.proc.returncode is not None or asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"baresip did not start:\n{self.log_tail()}") from None
                await asyncio.sleep(0.1)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                message = await read_netstring(reader)
                await (self.events if message.get("event") else self._replies).put(message)

    async def command(self, command: str, params: str = "") -> dict:
        self._writer.write(netstring({"command": command, "params": params, "token": command}))
        await self._writer.drain()
        return await asyncio.wait_for(self._replies.get(), timeout=5)

    async def wait_for(self, *types: str, timeout_s: float) -> dict:
        """The next event of one of `types` (events of other types are skipped)."""
        async with asyncio.timeout(timeout_s):
            while True:
                event = await self.events.get()
                if event.get("type") in types:
                    return event

    async def registration(self, timeout_s: float = 10.0) -> str:
        """Whether the registrar took the account ("OK") or refused it ("ERR").

        Polled (``reginfo``): the account registers as baresip starts, before our socket is connected.
        """
        async with asyncio.timeout(timeout_s):
            while True:
                status = re.sub(r"\x1b\[[0-9;]*m", "", (await self.command("reginfo"))["data"])
                if match := re.search(rf"{re.escape(self.aor)}\s+(OK|ERR)\b", status):
                    return match.group(1)
                await asyncio.sleep(0.2)

    async def dial(self, uri: str) -> None:
        """Call ``uri`` (``sip:*30101@host:port``); ``CALL_ESTABLISHED`` and ``CALL_CLOSED`` follow."""
        await self.command("dial", uri)

    async def hang_up(self) -> None:
        await self.command("hangup")

    async def send_digits(self, digits: str) -> None:
        for digit in digits:
            await self.command("sndcode", digit)

    async def stop(self) -> None:
        if self._reader_task is not None:
            self._reader_task.cancel()
            self._reader_task = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def heard_files(self) -> list[Path]:
        """What it received in its calls (sndfile's decoded side), oldest first; whole once it has stopped."""
        return sorted(self.folder.glob("dump-*-dec.wav"), key=lambda path: path.stat().st_mtime)

    def log_tail(self, lines: int = 20) -> str:
        path = self.folder / "baresip.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
