"""The portal's pages without a browser: every page renders for a logged-in owner, forms validate and
show errors next to their fields, CSRF is required, another owner's objects stay hidden."""

from __future__ import annotations

import re

import pytest
from api_fixtures import (
    T0,
    Owner,
    alice,
    bob,
    call_log,
    client,
    page_csrf,
    place_call,
    portal,
    settings,
    settings_form,
    store,
    wav_bytes,
)
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.store.calls import CallLog
from assistant.store.db import Store
from assistant.store.voicemails import VoicemailStore


def csrf(client: TestClient) -> str:
    return page_csrf(client.get("/portal/calls").text)


@pytest.mark.parametrize(
    "path",
    ["/portal/calls", "/portal/contacts", "/portal/contacts/new", "/portal/voicemails", "/portal/settings"],
)
def test_pages_need_a_login_then_render(client: TestClient, alice: Owner, path: str) -> None:
    redirect = client.get(path, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/portal/login?next=")
    test_portal = portal.__wrapped__(client, alice)  # type: ignore[attr-defined]
    page = test_portal.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in page.headers and page.headers["x-frame-options"] == "DENY"
    assert '<main id="main"' in page.text and 'href="#main"' in page.text
    for field in re.findall(r'<input id="([^"]+)"', page.text):
        assert f'for="{field}"' in page.text, f"{path}: input {field} has no label"


def test_root_and_home_redirect(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/portal/"
    assert client.get("/portal/", follow_redirects=False).headers["location"] == "/portal/calls"


def test_calls_page_shows_names_filters_and_add_to_contacts(
    portal: TestClient, call_log: CallLog, alice: Owner
) -> None:
    known = place_call(call_log, "k", "+12025550123", alice.smart_number)
    unknown = place_call(call_log, "u", "+12025550999", alice.smart_number, talk_s=None)
    portal.post(
        "/contacts",
        json={"name": "Jane <b>Roe</b>", "phone": "+12025550123"},
        headers={"X-CSRF-Token": csrf(portal)},
    )
    page = portal.get("/portal/calls").text
    assert "Jane &lt;b&gt;Roe&lt;/b&gt;" in page and "<b>Roe</b>" not in page
    assert f'href="/portal/contacts/new?call_id={unknown}"' in page
    assert f'href="/portal/contacts/new?call_id={known}"' not in page
    missed = portal.get("/portal/calls", params={"kind": "missed"}).text
    assert f'data-call-id="{unknown}"' in missed and f'data-call-id="{known}"' not in missed
    # The known caller was put through for 30 s: the log shows its duration and its billable talk.
    row = page[page.index(f'data-call-id="{known}"') :].split("</tr>")[0]
    assert row.count("<td>0:32</td>") == 1 and row.count("<td>0:30</td>") == 1, row
    bad = portal.get("/portal/calls", params={"since": "yesterday", "cursor": "junk"})
    assert bad.status_code == 200 and "use a date like" in bad.text
    prefilled = portal.get("/portal/contacts/new", params={"call_id": unknown}).text
    assert 'value="+12025550999"' in prefilled


def test_settings_form_caller_id(portal: TestClient) -> None:
    page = portal.get("/portal/settings").text
    for field in ("show_caller_id", "local_id", "local_numbers", "default_caller_id", "forward_caller_id"):
        assert f'name="{field}"' in page, field
    form = settings_form(
        page,
        show_caller_id="on",
        local_id="on",
        local_numbers="+12125550142\n(212) 555-0143",
        default_caller_id="+12025550999",
        forward_caller_id="smart_number",
    )
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422
    assert 'id="local_numbers-error"' in bad.text and "area code" in bad.text
    form["local_numbers"] = "+12125550142\n+13105550143"
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422 and 'id="default_caller_id-error"' in bad.text
    assert "not one of your numbers" in bad.text
    form["default_caller_id"] = "+13105550143"
    ok = portal.post("/portal/settings", data=form, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    body = portal.get("/settings").json()
    assert body["local_numbers"] == ["+12125550142", "+13105550143"] and body["local_id"] is True
    assert body["default_caller_id"] == "+13105550143" and body["forward_caller_id"] == "smart_number"
    assert body["show_caller_id"] is True
    assert 'value="smart_number" selected' in portal.get("/portal/settings").text


def test_contact_form_errors_are_shown_by_their_fields(portal: TestClient) -> None:
    token = csrf(portal)
    response = portal.post(
        "/portal/contacts", data={"csrf_token": token, "name": "", "phone": "nope", "email": "x"}
    )
    assert response.status_code == 422
    for field in ("name", "phone", "email"):
        assert f'id="{field}-error"' in response.text and f'aria-describedby="{field}-error"' in response.text
    assert 'role="alert"' in response.text
    added = portal.post(
        "/portal/contacts",
        data={
            "csrf_token": token,
            "name": "Jane",
            "phone": "(202) 555-0123",
            "important": "on",
            "hourly_rate": "300",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    duplicate = portal.post(
        "/portal/contacts", data={"csrf_token": token, "name": "Jo", "phone": "+12025550123"}
    )
    assert duplicate.status_code == 422 and "already in the phonebook" in duplicate.text
    [contact] = portal.get("/contacts").json()["items"]
    assert contact["important"] and contact["hourly_rate"] == "300.00"
    edit = portal.get(f"/portal/contacts/{contact['id']}")
    assert 'value="Jane"' in edit.text and 'value="300.00"' in edit.text
    saved = portal.post(
        f"/portal/contacts/{contact['id']}",
        data={"csrf_token": token, "name": "Jane R", "phone": "+12025550123"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert portal.get(f"/contacts/{contact['id']}").json()["important"] is False
    assert (
        portal.post(f"/portal/contacts/{contact['id']}/delete", data={"csrf_token": "forged"}).status_code
        == 403
    )
    assert (
        portal.post(f"/portal/contacts/{contact['id']}/delete", data={"csrf_token": token}).status_code == 200
    )
    assert portal.get("/contacts").json()["items"] == []
    assert portal.get("/portal/contacts/999").status_code == 404


def test_forms_without_csrf_change_nothing(portal: TestClient) -> None:
    assert portal.post("/portal/contacts", data={"name": "X", "phone": "+12025550123"}).status_code == 403
    assert portal.post("/portal/settings", data={"ring_timeout_s": "20"}).status_code == 403
    assert portal.get("/contacts").json()["items"] == []


def test_settings_form(portal: TestClient) -> None:
    page = portal.get("/portal/settings").text
    form = settings_form(
        page,
        ring_timeout_s="3",
        time_zone="Mars/Base",
        vip_numbers="+12025550123\nbad",
        importance_words="urgent\ncourt",
    )
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422
    for field in ("ring_timeout_s", "time_zone", "vip_numbers"):
        assert f'id="{field}-error"' in bad.text, field
    form.update({"ring_timeout_s": "20", "time_zone": "Europe/London", "vip_numbers": "(202) 555-0123"})
    ok = portal.post("/portal/settings", data=form, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    body = portal.get("/settings").json()
    assert body["ring_timeout_s"] == 20 and body["time_zone"] == "Europe/London"
    assert body["vip_numbers"] == ["+12025550123"] and body["importance_words"] == ["urgent", "court"]
    assert body["do_not_disturb"] is False and body["screening"] is True
    assert "Settings saved." in portal.get("/portal/settings", params={"saved": "true"}).text


def test_settings_form_ringing_shows_the_priority_order_and_each_phones_seconds(
    portal: TestClient, alice: Owner
) -> None:
    devices = {"mobile": "+12025550111", "extensions": ["102", "101"]}
    assert portal.patch("/settings", headers=alice.headers, json=devices).status_code == 200
    page = portal.get("/portal/settings").text
    order = page[page.index('<ol id="ring-devices"') : page.index("</ol>")]
    labels = re.findall(r'<label for="ring_seconds\.([^"]+)">([^<]+)</label>', order)
    assert [device for device, _ in labels] == ["mobile", "102", "101"]  # the mobile first, then as written
    assert "Mobile +12025550111" in labels[0][1] and "Extension 102" in labels[1][1]
    form = settings_form(
        page,
        ring_strategy="priority",
        **{"ring_seconds.mobile": "12", "ring_seconds.102": "70", "ring_seconds.101": ""},
    )
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422 and 'id="ring_seconds.102-error"' in bad.text
    assert 'value="70"' in bad.text  # what the owner typed stays in the field
    form["ring_seconds.102"] = "8"
    ok = portal.post("/portal/settings", data=form, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    body = portal.get("/settings").json()
    assert body["ring_strategy"] == "priority" and body["ring_seconds"] == {"mobile": 12, "102": 8}
    again = portal.get("/portal/settings").text
    assert 'value="priority" selected' in again and 'name="ring_seconds.102" type="number" min="5"' in again


def test_settings_form_no_answer_action(portal: TestClient) -> None:
    page = portal.get("/portal/settings").text
    assert 'value="voicemail" selected' in page and 'name="no_answer_forward_to"' in page
    form = settings_form(page, no_answer_action="forward")
    bad = portal.post("/portal/settings", data=form)
    assert bad.status_code == 422 and 'id="no_answer_forward_to-error"' in bad.text
    assert "forwarding needs a number" in bad.text
    form["no_answer_forward_to"] = "(202) 555-0188"
    ok = portal.post("/portal/settings", data=form, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    body = portal.get("/settings").json()
    assert (body["no_answer_action"], body["no_answer_forward_to"]) == ("forward", "+12025550188")
    assert 'value="forward" selected' in portal.get("/portal/settings").text
    assert body["call_waiting"] is False  # its box was not ticked in the form
    form["call_waiting"] = "on"
    assert portal.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    assert portal.get("/settings").json()["call_waiting"] is True
    assert 'name="call_waiting" checked' in portal.get("/portal/settings").text


def test_voicemail_page_read_and_delete(
    portal: TestClient, settings: Settings, store: Store, call_log: CallLog, alice: Owner, bob: Owner
) -> None:
    spool = settings.voicemail_dir
    spool.mkdir(parents=True, exist_ok=True)
    (spool / "a.wav").write_bytes(wav_bytes())
    (spool / "b.wav").write_bytes(wav_bytes())
    call_id = place_call(call_log, "c", "+12025550123", alice.smart_number)
    mine = VoicemailStore(store, spool).add(alice.id, call_id, "a.wav", 0.5, "+12025550123", "Call me")
    theirs = VoicemailStore(store, spool).add(bob.id, None, "b.wav", 0.5, "+12025550124", "Secret message")
    page = portal.get("/portal/voicemails").text
    assert f'src="/voicemails/{mine}/audio"' in page and "Call me" in page and "Secret message" not in page
    token = csrf(portal)
    assert portal.post(f"/portal/voicemails/{theirs}/read", data={"csrf_token": token}).status_code == 404
    assert portal.post(f"/portal/voicemails/{theirs}/delete", data={"csrf_token": token}).status_code == 404
    assert (spool / "b.wav").exists()
    assert (
        portal.post(
            f"/portal/voicemails/{mine}/read", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert portal.get(f"/voicemails/{mine}").json()["read_at"] is not None
    assert (
        portal.post(
            f"/portal/voicemails/{mine}/delete", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert not (spool / "a.wav").exists()
    assert portal.get(f"/voicemails/{mine}/audio").status_code == 404


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/portal/static/portal.css").status_code == 200
    assert "X-CSRF-Token" in client.get("/portal/static/portal.js").text
