"""The greeting settings through the API: the owner's words, voice, rate and pitch (a 422 names the
field), and the preview of the greeting as set, or as a form holds it before saving (real Piper)."""

from __future__ import annotations

import io
import time

import pytest
import soundfile
from api_fixtures import Owner, alice, assert_error, assert_settings_change_refused, client, settings, store
from fastapi.testclient import TestClient

from assistant.speech.greeting_voice import GreetingVoice
from assistant.store.owners import OwnerDirectory


def test_greeting_defaults_are_the_standard_greeting_in_the_standard_voice(
    client: TestClient, alice: Owner
) -> None:
    body = client.get("/settings", headers=alice.headers).json()
    assert body["welcome_text"] is None
    assert (body["greeting_voice"], body["greeting_rate"], body["greeting_pitch"]) == ("joe", 5, 5)


def test_greeting_settings_are_stored_tidied(client: TestClient, alice: Owner, store) -> None:
    change = {
        "welcome_text": "  Thanks for calling\n{owner}. ",
        "greeting_voice": "espeak-female",
        "greeting_rate": 9,
        "greeting_pitch": 0,
    }
    response = client.patch("/settings", headers=alice.headers, json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["welcome_text"] == "Thanks for calling {owner}."
    assert (body["greeting_voice"], body["greeting_rate"], body["greeting_pitch"]) == ("espeak-female", 9, 0)
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert view is not None and view.welcome_text == "Thanks for calling {owner}." and view.greeting_rate == 9
    back = client.patch("/settings", headers=alice.headers, json={"welcome_text": None})
    assert back.json()["welcome_text"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"welcome_text": ""}, "welcome_text"),
        ({"welcome_text": "   "}, "welcome_text"),
        ({"welcome_text": "Hello\x00"}, "welcome_text"),
        ({"welcome_text": "Hello {caller}"}, "welcome_text"),
        ({"welcome_text": "x" * 301}, "welcome_text"),
        ({"welcome_text": 42}, "welcome_text"),
        ({"greeting_voice": "robot"}, "greeting_voice"),
        ({"greeting_voice": None}, "greeting_voice"),
        ({"greeting_rate": 10}, "greeting_rate"),
        ({"greeting_rate": -1}, "greeting_rate"),
        ({"greeting_rate": "fast"}, "greeting_rate"),
        ({"greeting_pitch": 10}, "greeting_pitch"),
        ({"greeting_pitch": 4.5}, "greeting_pitch"),
    ],
)
def test_wrong_greeting_values_are_422_naming_the_field(
    client: TestClient, alice: Owner, change: dict, field: str
) -> None:
    assert_settings_change_refused(client, alice, change, field)


def wav_seconds(response) -> float:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav"
    samples, rate = soundfile.read(io.BytesIO(response.content), dtype="int16")
    assert rate == 16000 and samples.ndim == 1 and abs(samples).max() > 1000  # speech, not silence
    return samples.size / rate


def test_preview_plays_the_greeting_as_set_and_as_a_form_holds_it(client: TestClient, alice: Owner) -> None:
    standard = wav_seconds(client.get("/settings/greeting.wav", headers=alice.headers))
    assert standard > 2.0  # "Hello, you have reached the office of ..."

    words = "Thank you for calling {owner}. Please tell me your name, and what your call is about."
    client.patch("/settings", headers=alice.headers, json={"welcome_text": words, "greeting_rate": 0})
    saved = wav_seconds(client.get("/settings/greeting.wav", headers=alice.headers))
    faster = wav_seconds(client.get("/settings/greeting.wav", headers=alice.headers, params={"rate": 9}))
    assert faster < 0.75 * saved, (faster, saved)
    robot = wav_seconds(
        client.get(
            "/settings/greeting.wav", headers=alice.headers, params={"voice": "espeak-male", "pitch": 9}
        )
    )
    assert robot > 1.0
    short = wav_seconds(
        client.get("/settings/greeting.wav", headers=alice.headers, params={"text": "Hello."})
    )
    assert short < 0.5 * saved
    standard_slow = wav_seconds(
        client.get("/settings/greeting.wav", headers=alice.headers, params={"text": ""})
    )
    assert standard_slow > 1.3 * standard  # empty text: the standard words, at the saved rate 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rate": 10}, "rate"),
        ({"rate": "fast"}, "rate"),
        ({"pitch": -1}, "pitch"),
        ({"voice": "robot"}, "voice"),
        ({"text": "Hi\x07"}, "text"),
        ({"text": "Hi {name}"}, "text"),
        ({"text": "x" * 301}, "text"),
    ],
)
def test_preview_of_wrong_values_is_422_naming_the_parameter(
    client: TestClient, alice: Owner, params: dict, field: str
) -> None:
    assert field in assert_error(
        client.get("/settings/greeting.wav", headers=alice.headers, params=params), 422
    )


def test_preview_needs_the_owner(client: TestClient) -> None:
    assert_error(client.get("/settings/greeting.wav"), 401)


def test_a_changed_greeting_is_rendered_before_the_first_call(client: TestClient, alice: Owner) -> None:
    context = client.app.state.context
    words = "You have reached {owner}, who is in court today."
    client.patch("/settings", headers=alice.headers, json={"welcome_text": words, "greeting_pitch": 7})
    path = context.greetings.path_for(
        "You have reached Alice, who is in court today.", GreetingVoice("joe", 5, 7)
    )
    deadline = time.monotonic() + 60
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert path.exists()
