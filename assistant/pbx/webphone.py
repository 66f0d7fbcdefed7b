"""The lab's WebPhone: the WebRTC extension the portal registers as, over a secure websocket.

Asterisk's HTTP server also listens with TLS (a self-signed certificate made once per lab
instance); SIP runs over its websocket (``wss://127.0.0.1:<port>/ws``) and media over DTLS-SRTP.
The extension's password and the certificate are kept beside the lab's other secrets, outside
the source tree, readable by root only; the portal hands the password to the owner whose
extensions include the WebPhone's.
"""

from __future__ import annotations

import re
import secrets
import shutil
import string
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError

EXTENSION = "200"
PASSWORD_LENGTH = 20
TEMPLATE = "webphone.conf"  # rendered into CONFIG_NAME, not copied to etc/ as it is
CONFIG_NAME = "pjsip_webphone.conf"  # included by pjsip.conf
CERT_NAME = "webphone-tls.crt"
KEY_NAME = "webphone-tls.key"
CERT_DAYS = 3650
_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class WebphoneAccount:
    """What the browser's SIP user agent needs to register."""

    extension: str
    password: str
    host: str
    https_port: int

    @property
    def websocket_url(self) -> str:
        return f"wss://{self.host}:{self.https_port}/ws"

    @property
    def uri(self) -> str:
        return f"sip:{self.extension}@{self.host}"

    @property
    def certificate_page(self) -> str:
        """Opened once in the browser to accept the lab's self-signed certificate."""
        return f"https://{self.host}:{self.https_port}/ws"


def _secrets_dir(settings: Settings) -> Path:
    return settings.cache_dir / "labs" / settings.lab_name


def account(settings: Settings) -> WebphoneAccount:
    """The WebPhone's account, making its password on first use."""
    path = _secrets_dir(settings) / "webphone-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH)))
        path.chmod(0o600)
    return WebphoneAccount(EXTENSION, path.read_text().strip(), "127.0.0.1", settings.lab_https_port)


def ensure_certificate(settings: Settings) -> tuple[Path, Path]:
    """The lab's self-signed TLS certificate and key for 127.0.0.1, made once per lab instance."""
    folder = _secrets_dir(settings)
    cert, key = folder / CERT_NAME, folder / KEY_NAME
    if cert.exists() and key.exists():
        return cert, key
    if shutil.which("openssl") is None:
        raise AssistantError("lab-no-openssl", "openssl is not installed: apt-get install openssl")
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-sha256",
            "-days",
            str(CERT_DAYS),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssistantError(
            "lab-cert-failed", f"openssl could not make the certificate: {result.stderr[-300:]}"
        )
    key.chmod(0o600)
    return cert, key


def install_certificate(settings: Settings) -> dict[str, str]:
    """Copy the certificate into the lab instance's keys folder; return the paths Asterisk sees."""
    cert, key = ensure_certificate(settings)
    keys = settings.lab_dir / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for source in (cert, key):
        shutil.copyfile(source, keys / source.name)
        (keys / source.name).chmod(0o600)
    inside = f"{settings.lab_dir_in_root}/keys"
    return {"tls_cert": f"{inside}/{CERT_NAME}", "tls_key": f"{inside}/{KEY_NAME}"}


def render(settings: Settings) -> str:
    """pjsip.conf sections (endpoint, auth, aor) of the WebPhone extension."""
    template = (resources.files("assistant.pbx") / "templates" / TEMPLATE).read_text()
    values = {"extension": EXTENSION, "password": account(settings).password}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
