"""Installing the English Vosk model: fails fast offline, verifies the checksum, unpacks."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.speech.asr.models_install import VOSK_EN_URL, install_vosk_en

MODEL = "vosk-model-small-en-us-0.15"


def test_without_internet_it_fails_fast_and_says_what_to_do(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(AssistantError) as error:
        install_vosk_en(tmp_path / "models", timeout_s=3.0, progress=io.StringIO())
    assert time.monotonic() - started < 8.0
    assert error.value.code == "network-unreachable"
    message = str(error.value)
    assert message.startswith(f"cannot download {VOSK_EN_URL}: ")
    assert message.endswith("; copy a Vosk model folder by hand and set ASSISTANT_VOSK_MODEL")
    assert not any((tmp_path / "models").iterdir()), "nothing half-installed is left behind"


def test_a_refused_connection_is_unreachable_too(tmp_path: Path) -> None:
    with pytest.raises(AssistantError) as error:
        install_vosk_en(
            tmp_path, url=f"http://127.0.0.1:9/{MODEL}.zip", timeout_s=2.0, progress=io.StringIO()
        )
    assert error.value.code == "network-unreachable"


def model_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr(f"{MODEL}/am/final.mdl", b"acoustic model")
        zipped.writestr(f"{MODEL}/conf/model.conf", b"--sample-frequency=16000\n")
    return buffer.getvalue()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local HTTP server with a fake model zip; yields the zip's URL."""
    for proxy in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    payload = model_zip()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{MODEL}.zip"
    httpd.shutdown()
    httpd.server_close()


def test_downloads_verifies_and_unpacks(server: str, tmp_path: Path) -> None:
    checksum = hashlib.sha256(model_zip()).hexdigest()
    progress = io.StringIO()
    model = install_vosk_en(tmp_path, url=server, sha256=checksum, progress=progress)
    assert model == tmp_path / MODEL
    assert (model / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert (tmp_path / f"{MODEL}.zip.sha256").read_text().split()[0] == checksum
    assert "MB" in progress.getvalue()
    assert sorted(path.name for path in tmp_path.iterdir()) == [MODEL, f"{MODEL}.zip.sha256"]


def test_a_checksum_mismatch_installs_nothing(server: str, tmp_path: Path) -> None:
    with pytest.raises(AssistantError) as error:
        install_vosk_en(tmp_path, url=server, sha256="0" * 64, progress=io.StringIO())
    assert error.value.code == "model-checksum"
    assert list(tmp_path.iterdir()) == []
