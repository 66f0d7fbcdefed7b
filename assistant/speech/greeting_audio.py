"""The owner's greetings rendered in their chosen voice, once per text and voice, as files Asterisk plays.

A greeting file's name is a hash of the words, the voice choice and the Piper settings it was made
with; a file that exists is used as it is. The settings API renders a changed greeting in the
background, so the first call after the change finds it ready.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import numpy as np
import soundfile

from assistant.config import Settings
from assistant.speech.espeak import NORMAL_WORDS_PER_MINUTE, espeak_speak
from assistant.speech.greeting_voice import GreetingVoice
from assistant.speech.pitch import shift_pitch
from assistant.speech.tts import (
    CALL_RATE_HZ,
    PromptCache,
    Synthesizer,
    VoiceSettings,
    split_sentences,
    write_atomically,
)

log = logging.getLogger(__name__)


class GreetingRenderer:
    """Greetings in a chosen voice, rendered once into the prompt folder.

    Args:
        voice_settings: the Piper voice's settings (voices/voice.toml).
        load_synthesizer: that Piper voice (called once, when first needed).
        folder: where this process writes the files (the prompt folder).
        folder_in_asterisk: the same folder as Asterisk names it.
    """

    def __init__(
        self,
        voice_settings: VoiceSettings,
        load_synthesizer: Callable[[], Synthesizer],
        folder: Path,
        folder_in_asterisk: str,
    ) -> None:
        self.voice_settings = voice_settings
        self._load_synthesizer = load_synthesizer
        self._synthesizer: Synthesizer | None = None
        self._loading = threading.Lock()
        self.folder = folder
        self.folder_in_asterisk = folder_in_asterisk.rstrip("/")
        self._background = ThreadPoolExecutor(1, "greeting-render")
        self.rendered = 0

    @property
    def synthesizer(self) -> Synthesizer:
        with self._loading:
            if self._synthesizer is None:
                self._synthesizer = self._load_synthesizer()
            return self._synthesizer

    def render(self, text: str, voice: GreetingVoice) -> np.ndarray:
        """`text` spoken in `voice` at its rate and pitch, as 16 kHz int16 samples (no cache)."""
        choice = voice.choice
        if choice.engine == "piper":
            speech = self.synthesizer.synthesize(text, CALL_RATE_HZ, speed=voice.speed)
        else:
            words_per_minute = round(NORMAL_WORDS_PER_MINUTE * voice.speed)
            speech = espeak_speak(text, choice.espeak_voice, CALL_RATE_HZ, words_per_minute)
        return shift_pitch(speech, voice.pitch_cents, CALL_RATE_HZ)

    def path_for(self, text: str, voice: GreetingVoice) -> Path:
        piper = asdict(self.voice_settings) if voice.choice.engine == "piper" else {}
        blob = json.dumps({"text": text, **asdict(voice), "piper": piper}, sort_keys=True).encode()
        return self.folder / f"greeting-{hashlib.sha256(blob).hexdigest()[:32]}.sln16"

    def ensure(self, text: str, voice: GreetingVoice) -> Path:
        """Render `text` in `voice` unless its file exists; return the file (blocking)."""
        path = self.path_for(text, voice)
        if path.exists():
            return path
        audio = self.render(text, voice)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, audio.astype("<i2").tobytes())
        self.rendered += 1
        log.info(
            "greeting rendered in %s (rate %d, pitch %d): %s", voice.voice, voice.rate, voice.pitch, path.name
        )
        return path

    def wav(self, text: str, voice: GreetingVoice) -> bytes:
        """The greeting as a WAV file (16 kHz, 16 bit, mono), from the cache when it was rendered."""
        samples = np.frombuffer(self.ensure(text, voice).read_bytes(), dtype="<i2")
        out = io.BytesIO()
        soundfile.write(out, samples, CALL_RATE_HZ, subtype="PCM_16", format="WAV")
        return out.getvalue()

    def prepare_later(self, text: str, voice: GreetingVoice) -> None:
        """Render a greeting in the background, unless it is ready (a failure is logged; the call
        renders it then). In the standard voice it is spoken like a prompt, sentence by sentence:
        those are the files made."""
        if voice.is_standard:
            missing = [s for s in split_sentences(text) if not self._prompt_path(s).exists()]
        else:
            missing = [] if self.path_for(text, voice).exists() else [text]
        if missing:
            self._background.submit(self._prepare, missing, voice)

    def _prepare(self, texts: list[str], voice: GreetingVoice) -> None:
        try:
            for text in texts:
                if voice.is_standard:
                    PromptCache(self.synthesizer, self.folder, self.folder_in_asterisk).ensure(text)
                else:
                    self.ensure(text, voice)
        except Exception:
            log.exception("rendering a greeting failed")

    def _prompt_path(self, sentence: str) -> Path:
        """Where the prompt cache keeps `sentence` in the standard voice."""
        return self.folder / f"{self.voice_settings.cache_key(sentence)}.sln16"

    def media_uri(self, path: Path) -> str:
        """The ARI media URI of a greeting file."""
        return f"sound:{self.folder_in_asterisk}/{path.stem}"


def build_greeting_renderer(settings: Settings, synthesizer: Synthesizer | None = None) -> GreetingRenderer:
    """The greetings of the configured Asterisk, in its prompt folder; the Piper voice is `synthesizer`
    (the prompt cache's), else loaded from voices/voice.toml when first needed."""
    from assistant.prompts import VOICES_DIR

    voice_settings = synthesizer.settings if synthesizer else VoiceSettings.load(VOICES_DIR / "voice.toml")

    def load() -> Synthesizer:
        return synthesizer or Synthesizer(voice_settings)

    return GreetingRenderer(
        voice_settings,
        load,
        settings.effective_sounds_dir / "prompts",
        f"{settings.effective_sounds_dir_in_asterisk}/prompts",
    )
