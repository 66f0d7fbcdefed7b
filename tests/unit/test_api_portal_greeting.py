"""The settings page's greeting: the owner's words, voice, rate and pitch in the form (errors next to
their fields, empty words for the standard greeting), and the preview the page plays as the form is."""

from __future__ import annotations

import re

from api_fixtures import alice, client, portal, settings, settings_form, store
from fastapi.testclient import TestClient


def form_of(page: str) -> dict[str, str]:
    form = settings_form(page)
    form.update(re.findall(r'<textarea id="([^"]+)" name="[^"]+" rows="3"\s*[^>]*>([^<]*)</textarea>', page))
    return form


def test_the_greeting_is_set_in_the_form_and_wrong_values_are_shown_at_their_fields(
    portal: TestClient,
) -> None:
    page = portal.get("/portal/settings").text
    for name in (
        "welcome_text",
        "greeting_voice",
        "greeting_rate",
        "greeting_pitch",
        'id="greeting-preview"',
    ):
        assert name in page, name
    assert '<option value="espeak-female"' in page and "/portal/static/greeting_preview.js" in page
    form = form_of(page)
    form.update(
        {
            "welcome_text": "Hello {caller}",
            "greeting_voice": "joe",
            "greeting_rate": "12",
            "greeting_pitch": "5",
        }
    )
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422
    assert 'id="welcome_text-error"' in bad.text and 'id="greeting_rate-error"' in bad.text
    form.update(
        {"welcome_text": "You reached {owner}.", "greeting_voice": "espeak-male", "greeting_rate": "7"}
    )
    ok = portal.post("/portal/settings", data=form, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    body = portal.get("/settings").json()
    assert (body["welcome_text"], body["greeting_voice"], body["greeting_rate"]) == (
        "You reached {owner}.",
        "espeak-male",
        7,
    )
    shown = portal.get("/portal/settings").text
    assert '<option value="espeak-male" selected>' in shown and "You reached {owner}." in shown
    form.update({"welcome_text": ""})
    assert portal.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    assert portal.get("/settings").json()["welcome_text"] is None


def test_the_preview_plays_with_the_session_cookie(portal: TestClient) -> None:
    reply = portal.get("/settings/greeting.wav", params={"text": "Hello from the office.", "rate": "6"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "audio/wav"
    assert reply.content[:4] == b"RIFF" and len(reply.content) > 16000
    wrong = portal.get("/settings/greeting.wav", params={"pitch": "high"})
    assert wrong.status_code == 422 and "pitch" in wrong.json()["detail"]
