"""One Settings object for the whole service, read from the environment once and passed in.

Every variable is prefixed ``ASSISTANT_`` except the three ARI ones (``ARI_URL``,
``ARI_USER``, ``ARI_PASSWORD``), which point the service at an existing Asterisk.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback)


def default_cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / "assistant"


def default_data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "assistant"


class Settings(BaseSettings):
    """Service configuration; see README.md for the variables that matter most."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    # Where things live.
    data_dir: Path = Field(default_factory=default_data_dir, description="DB, voicemail spool, logs")
    cache_dir: Path = Field(
        default_factory=default_cache_dir, description="Asterisk root, synthesized prompt cache"
    )
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite in data_dir if unset")

    # An existing Asterisk; when ari_url is unset the lab Asterisk is used.
    ari_url: str | None = Field(default=None, validation_alias=AliasChoices("ARI_URL", "ASSISTANT_ARI_URL"))
    ari_user: str = Field(
        default="assistant", validation_alias=AliasChoices("ARI_USER", "ASSISTANT_ARI_USER")
    )
    ari_password: str | None = Field(
        default=None, validation_alias=AliasChoices("ARI_PASSWORD", "ASSISTANT_ARI_PASSWORD")
    )
    # Where the Asterisk in use reads our synthesized prompts: a folder this process writes,
    # and the same folder as Asterisk names it (they differ when Asterisk runs in a chroot or
    # on another host with a shared mount).
    sounds_dir: Path | None = None
    sounds_dir_in_asterisk: str | None = None
    # Folder where that Asterisk writes recordings, as this process can read it.
    recordings_dir: Path | None = None
    # Folder where the dialplan fallback leaves messages while the application is down.
    fallback_dir: Path | None = None

    # Outgoing mail (voicemail notifications).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "assistant@smart-number.local"

    # The lab Asterisk.
    lab_name: str = "default"
    lab_http_port: int = 8088
    lab_sip_port: int = 5060
    lab_rtp_start: int = 10000
    lab_rtp_end: int = 10999
    # Where the lab's own softphone extensions register (the trunk stays on loopback regardless).
    lab_phone_bind: str = "127.0.0.1"
    lab_phone_port: int = 5062
    # The portal's WebPhone: Asterisk's HTTPS server (secure websocket for SIP over WebRTC), loopback only.
    lab_https_port: int = 8089
    debian_mirror: str | None = None
    # Extensions whose phones take virtual extensions (*30): shared desks. Others refuse them.
    virtualization_bases: str = "202,203"

    # The Stasis application, the numbers it answers, and whose assistant it is.
    app_name: str = "assistant"
    owner_name: str = "Alex Morgan"
    smart_number: str = "+15550100"
    assistant_line: str = "+15550199"
    speech_test_line: str = "+15550198"

    # Caller audio streamed to the app (externalMedia): this host's address as Asterisk sees it.
    media_host: str = "127.0.0.1"

    # HTTP API.
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    # Speech.
    voice: str = "en_US-joe-medium"
    vosk_model: Path | None = Field(default=None, description="an unpacked Vosk model folder")
    dictation_engine: str = "auto"
    grammar_engine: str = "auto"
    asr_threads: int = 2

    log_level: str = "INFO"

    @property
    def uses_lab(self) -> bool:
        return self.ari_url is None

    @cached_property
    def lab_root(self) -> Path:
        return self.cache_dir / "asterisk-root"

    @cached_property
    def lab_dir_in_root(self) -> str:
        """The lab instance's folder as Asterisk inside the root sees it."""
        return f"/srv/assistant-lab/{self.lab_name}"

    @cached_property
    def lab_dir(self) -> Path:
        return self.lab_root / self.lab_dir_in_root.lstrip("/")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.db'}"

    @property
    def prompt_cache_dir(self) -> Path:
        return self.cache_dir / "prompts"

    @property
    def voicemail_dir(self) -> Path:
        return self.data_dir / "voicemail"

    @property
    def effective_sounds_dir(self) -> Path:
        if self.sounds_dir is not None:
            return self.sounds_dir
        if self.uses_lab:
            return self.lab_dir / "sounds"
        return self.data_dir / "sounds"

    @property
    def effective_sounds_dir_in_asterisk(self) -> str:
        if self.sounds_dir_in_asterisk is not None:
            return self.sounds_dir_in_asterisk.rstrip("/")
        if self.uses_lab and self.sounds_dir is None:
            return f"{self.lab_dir_in_root}/sounds"
        return str(self.effective_sounds_dir)

    @property
    def effective_recordings_dir(self) -> Path:
        if self.recordings_dir is not None:
            return self.recordings_dir
        if self.uses_lab:
            return self.lab_dir / "spool" / "recording"
        return Path("/var/spool/asterisk/recording")

    @property
    def effective_fallback_dir(self) -> Path:
        """Where the dialplan leaves messages taken while the application was down."""
        if self.fallback_dir is not None:
            return self.fallback_dir
        return self.lab_dir / "spool" / "fallback"

    @property
    def effective_ari_url(self) -> str:
        return (self.ari_url or f"http://127.0.0.1:{self.lab_http_port}/ari").rstrip("/")
