"""The greeting's voice: rate and pitch levels as synthesis parameters, the owner's words checked,
and the real voices (Piper joe, espeak-ng) rendered faster, slower, higher and lower."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.domain.greeting import MAX_WELCOME_LEN, check_welcome_text, welcome_words
from assistant.greetings import greeting_voice, voicemail_greeting, welcome
from assistant.prompts import Prompts
from assistant.speech.greeting_audio import GreetingRenderer
from assistant.speech.greeting_voice import VOICES, GreetingVoice, cents_for_pitch, speed_for_rate
from assistant.speech.tts import CALL_RATE_HZ, Synthesizer, VoiceSettings

TEXT = "Thank you for calling the office of Alex Morgan. How can I help you today?"


def test_rate_levels_are_speeds_even_steps_apart_with_5_the_standard_pace() -> None:
    speeds = [speed_for_rate(level) for level in range(10)]
    assert speeds[5] == 1.0
    assert speeds == sorted(speeds) and len(set(speeds)) == 10
    ratios = [b / a for a, b in zip(speeds, speeds[1:], strict=False)]
    assert max(ratios) - min(ratios) < 1e-3  # each step the same factor
    assert 0.55 < speeds[0] < 0.7 and 1.4 < speeds[9] < 1.6


def test_pitch_levels_are_semitones_with_5_unshifted() -> None:
    assert [cents_for_pitch(level) for level in range(10)] == [c * 100 for c in range(-5, 5)]


def test_the_standard_voice_is_joe_at_5_and_5() -> None:
    assert GreetingVoice().is_standard and GreetingVoice("joe", 5, 5).is_standard
    assert not GreetingVoice("joe", 6, 5).is_standard and not GreetingVoice("espeak-female").is_standard
    assert GreetingVoice("joe", 9, 0).speed == speed_for_rate(9)
    assert GreetingVoice("joe", 9, 0).pitch_cents == -500


@pytest.mark.parametrize(("voice", "rate", "pitch"), [("robot", 5, 5), ("joe", 10, 5), ("joe", 5, -1)])
def test_a_voice_that_is_not_offered_is_refused(voice: str, rate: int, pitch: int) -> None:
    with pytest.raises(ValueError):
        GreetingVoice(voice, rate, pitch)
    assert greeting_voice(voice, rate, pitch) == GreetingVoice()  # a stored one falls back to standard


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Hello\x07there", "control characters"),
        ("Hello\x1b[31m", "control characters"),
        ("Hello {name}", "braces"),
        ("Hello {owner", "braces"),
        ("Hello }", "braces"),
        ("x" * (MAX_WELCOME_LEN + 1), "at most"),
    ],
)
def test_owner_words_that_cannot_be_spoken_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_welcome_text(text)


def test_owner_words_are_tidied_and_their_name_filled_in() -> None:
    assert check_welcome_text(None) is None
    text = check_welcome_text("  Thanks for calling\r\n{owner}'s office.\t")
    assert text == "Thanks for calling {owner}'s office."
    assert welcome_words(text, "Alex Morgan") == "Thanks for calling Alex Morgan's office."


def test_the_greetings_are_the_owner_words_else_the_standard_prompts() -> None:
    prompts = Prompts.load()
    voice = GreetingVoice("espeak-male", 3, 7)
    own = welcome(prompts, "Alex Morgan", "You reached {owner}.", voice)
    assert (own.key, own.text, own.voice) == ("owner.welcome", "You reached Alex Morgan.", voice)
    standard = welcome(prompts, "Alex Morgan", None, GreetingVoice())
    assert standard.key == "screening.greeting" and "Alex Morgan" in standard.text and standard.is_standard
    assert voicemail_greeting(prompts, "Alex", None, voice).text == prompts.text(
        "voicemail.greeting", owner="Alex"
    )


# --- the real voices ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> GreetingRenderer:
    settings = VoiceSettings(noise_scale=0.0, noise_w_scale=0.0)  # the same words sound the same
    folder = tmp_path_factory.mktemp("prompts")
    return GreetingRenderer(settings, lambda: Synthesizer(settings), folder, "/sounds/prompts")


def voiced_seconds(audio: np.ndarray) -> float:
    """How long there is sound (20 ms frames above a floor), the engines' silences left out."""
    frames = audio[: audio.size // 320 * 320].astype(np.float32).reshape(-1, 320)
    loud = np.sqrt((frames**2).mean(axis=1)) > 300
    return loud.sum() * 0.02


def median_f0(audio: np.ndarray) -> float:
    """Median fundamental frequency of the voiced 40 ms frames, by normalized autocorrelation
    (50-400 Hz): the shortest lag whose peak is within 90 % of the best, so no octave errors."""
    signal = audio.astype(np.float64)
    size, low, high = 640, CALL_RATE_HZ // 400, CALL_RATE_HZ // 50
    estimates = []
    for start in range(0, signal.size - size - high, size // 2):
        frame = signal[start : start + size] - signal[start : start + size].mean()
        if np.sqrt((frame**2).mean()) < 500:
            continue
        shifted = [signal[start + lag : start + lag + size] for lag in range(low, high)]
        shifted = [s - s.mean() for s in shifted]
        r = np.array([np.dot(frame, s) / (np.linalg.norm(frame) * np.linalg.norm(s) + 1e-9) for s in shifted])
        if r.max() < 0.6:
            continue  # not periodic: not a voiced frame
        peaks = [i for i in range(1, r.size - 1) if r[i] >= 0.9 * r.max() and r[i - 1] <= r[i] >= r[i + 1]]
        if peaks:  # else the best lag is at an end of the range: no pitch in it
            estimates.append(CALL_RATE_HZ / (low + peaks[0]))
    assert len(estimates) > 10, "too few voiced frames"
    return float(np.median(estimates))


@pytest.mark.parametrize("voice", sorted(VOICES))
def test_rate_9_is_measurably_shorter_than_rate_0(renderer: GreetingRenderer, voice: str) -> None:
    slow = voiced_seconds(renderer.render(TEXT, GreetingVoice(voice, rate=0)))
    standard = voiced_seconds(renderer.render(TEXT, GreetingVoice(voice)))
    fast = voiced_seconds(renderer.render(TEXT, GreetingVoice(voice, rate=9)))
    assert fast < standard < slow, (fast, standard, slow)
    assert fast < 0.7 * slow, (fast, slow)


@pytest.mark.parametrize("voice", sorted(VOICES))
def test_pitch_9_is_measurably_higher_than_pitch_0(renderer: GreetingRenderer, voice: str) -> None:
    low = median_f0(renderer.render(TEXT, GreetingVoice(voice, pitch=0)))
    standard = median_f0(renderer.render(TEXT, GreetingVoice(voice)))
    high = median_f0(renderer.render(TEXT, GreetingVoice(voice, pitch=9)))
    assert low < standard < high, (low, standard, high)
    assert high / low > 2 ** (6 / 12), (low, high)  # 9 semitones apart: well over half an octave


def test_the_standard_voice_sounds_as_every_other_prompt(renderer: GreetingRenderer) -> None:
    greeting = renderer.render(TEXT, GreetingVoice())
    prompt = renderer.synthesizer.synthesize(TEXT)
    assert np.array_equal(greeting, prompt)


def test_a_greeting_is_rendered_once_and_then_read_from_its_file(renderer: GreetingRenderer) -> None:
    voice = GreetingVoice("joe", rate=7, pitch=3)
    before = renderer.rendered
    path = renderer.ensure("Hello there.", voice)
    again = renderer.ensure("Hello there.", voice)
    other = renderer.ensure("Hello there.", GreetingVoice("joe", rate=7, pitch=4))
    assert path == again != other and renderer.rendered == before + 2
    assert isinstance(path, Path) and path.stat().st_size > CALL_RATE_HZ  # over half a second of speech
    assert renderer.media_uri(path) == f"sound:/sounds/prompts/{path.stem}"


def test_words_that_look_like_options_are_spoken(renderer: GreetingRenderer) -> None:
    for voice in sorted(VOICES):
        assert voiced_seconds(renderer.render("-h --version", GreetingVoice(voice))) > 0.3, voice
