"""The lab's softphone extensions: SIP accounts any softphone can register with, and the Smart Number
can ring once the owner lists them among their extensions.

The passwords are made once per lab instance and kept beside its ARI password (outside the source
tree, readable by root only); `assistant pbx phones` prints them.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from dataclasses import dataclass
from importlib import resources

from assistant.config import Settings

EXTENSIONS = ("201", "202", "203")
PASSWORD_LENGTH = 16
_ALPHABET = string.ascii_letters + string.digits  # easy to type into a phone's settings screen
TEMPLATE = "softphone.conf"  # one copy per extension, not a file of its own in etc/
CONFIG_NAME = "pjsip_softphones.conf"  # included by pjsip.conf


@dataclass(frozen=True)
class SoftphoneAccount:
    """What a softphone needs: the extension is the SIP user name and the authentication name."""

    extension: str
    password: str
    host: str
    port: int

    @property
    def uri(self) -> str:
        return f"sip:{self.extension}@{self.host}:{self.port}"


def accounts(settings: Settings) -> list[SoftphoneAccount]:
    """The lab's softphone accounts, making their passwords on first use."""
    path = settings.cache_dir / "labs" / settings.lab_name / "softphones.json"
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    passwords = {ext: saved.get(ext) or _new_password() for ext in EXTENSIONS}
    if passwords != saved:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(passwords, indent=2) + "\n")
        path.chmod(0o600)
    return [
        SoftphoneAccount(ext, passwords[ext], settings.lab_phone_bind, settings.lab_phone_port)
        for ext in EXTENSIONS
    ]


def _new_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))


def render(settings: Settings) -> str:
    """pjsip.conf sections (endpoint, auth, aor) of every softphone account."""
    template = (resources.files("assistant.pbx") / "templates" / TEMPLATE).read_text()
    return "\n".join(
        re.sub(
            r"\{\{(\w+)\}\}",
            lambda m, account=account: {"extension": account.extension, "password": account.password}[
                m.group(1)
            ],
            template,
        )
        for account in accounts(settings)
    )
