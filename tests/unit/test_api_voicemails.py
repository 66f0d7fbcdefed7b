"""The voicemail API: list with transcripts, stream and download audio, mark read, delete (the file too),
the call becoming a voicemail call, another owner's ids, and malformed input."""

from __future__ import annotations

from pathlib import Path

from api_fixtures import (
    T0,
    Owner,
    alice,
    assert_error,
    bob,
    call_log,
    client,
    place_call,
    settings,
    store,
    wav_bytes,
)
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.store.calls import CallLog
from assistant.store.db import Store
from assistant.store.voicemails import VoicemailStore


def leave_voicemail(
    settings: Settings, store: Store, log: CallLog, owner: Owner, channel: str, caller: str
) -> tuple[int, int, Path]:
    call_id = place_call(log, channel, caller, owner.smart_number, T0, talk_s=25, put_through=False)
    spool = settings.voicemail_dir
    spool.mkdir(parents=True, exist_ok=True)
    audio = spool / f"{channel}.wav"
    audio.write_bytes(wav_bytes(1.0))
    vm_id = VoicemailStore(store, spool).add(None, call_id, audio.name, 1.0, caller)
    return call_id, vm_id, audio


def test_list_play_mark_read_and_delete(
    client: TestClient, settings: Settings, store: Store, call_log: CallLog, alice: Owner
) -> None:
    call_id, vm_id, audio = leave_voicemail(settings, store, call_log, alice, "c1", "+12025550123")
    VoicemailStore(store).set_transcript(vm_id, "Please call me back about the filing.")
    client.post("/contacts", headers=alice.headers, json={"name": "Jane Roe", "phone": "+12025550123"})
    h = alice.headers
    [item] = client.get("/voicemails", headers=h).json()["items"]
    assert item["id"] == vm_id and item["call_id"] == call_id and item["contact_name"] == "Jane Roe"
    assert item["transcript"] == "Please call me back about the filing." and item["read_at"] is None
    assert item["audio_url"] == f"/voicemails/{vm_id}/audio"
    [row] = client.get("/calls", headers=h).json()["items"]
    assert row["kind"] == "voicemail" and row["voicemail_id"] == vm_id

    played = client.get(f"/voicemails/{vm_id}/audio", headers=h)
    assert played.status_code == 200 and played.content == audio.read_bytes()
    assert played.headers["content-type"] == "audio/wav" and played.headers["content-disposition"].startswith(
        "inline"
    )
    partial = client.get(f"/voicemails/{vm_id}/audio", headers={**h, "Range": "bytes=0-43"})
    assert partial.status_code == 206 and partial.content == audio.read_bytes()[:44]
    saved = client.get(f"/voicemails/{vm_id}/audio", headers=h, params={"download": "true"})
    assert saved.headers["content-disposition"].startswith("attachment")

    read = client.patch(f"/voicemails/{vm_id}", headers=h, json={"read": True})
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/voicemails", headers=h, params={"unread": "true"}).json()["items"] == []
    assert client.patch(f"/voicemails/{vm_id}", headers=h, json={"read": False}).json()["read_at"] is None

    assert client.delete(f"/voicemails/{vm_id}", headers=h).status_code == 204
    assert not audio.exists()
    assert client.get("/voicemails", headers=h).json()["items"] == []
    assert_error(client.get(f"/voicemails/{vm_id}", headers=h), 404)
    assert_error(client.get(f"/voicemails/{vm_id}/audio", headers=h), 404)
    assert_error(client.delete(f"/voicemails/{vm_id}", headers=h), 404)
    # The message is gone and the owner never took the call: it is a missed call now.
    assert client.get(f"/calls/{call_id}", headers=h).json()["kind"] == "missed"


def test_another_owners_voicemail_is_invisible(
    client: TestClient, settings: Settings, store: Store, call_log: CallLog, alice: Owner, bob: Owner
) -> None:
    _, vm_id, audio = leave_voicemail(settings, store, call_log, bob, "c1", "+12025550123")
    for response in (
        client.get(f"/voicemails/{vm_id}", headers=alice.headers),
        client.get(f"/voicemails/{vm_id}/audio", headers=alice.headers),
        client.patch(f"/voicemails/{vm_id}", headers=alice.headers, json={"read": True}),
        client.delete(f"/voicemails/{vm_id}", headers=alice.headers),
    ):
        assert_error(response, 404)
    assert audio.exists()
    assert client.get("/voicemails", headers=alice.headers).json()["items"] == []
    assert client.get(f"/voicemails/{vm_id}", headers=bob.headers).status_code == 200


def test_missing_audio_and_malformed_input(
    client: TestClient, settings: Settings, store: Store, call_log: CallLog, alice: Owner
) -> None:
    _, vm_id, audio = leave_voicemail(settings, store, call_log, alice, "c1", "+12025550123")
    audio.unlink()
    assert "missing" in assert_error(client.get(f"/voicemails/{vm_id}/audio", headers=alice.headers), 404)
    h = alice.headers
    assert_error(client.patch(f"/voicemails/{vm_id}", headers=h, json={"read": "sometimes"}), 422)
    assert_error(client.patch(f"/voicemails/{vm_id}", headers=h, json={"read": True, "x": 1}), 422)
    assert_error(client.patch(f"/voicemails/{vm_id}", headers=h, json={}), 422)
    assert_error(client.get("/voicemails/abc", headers=h), 422)
    assert_error(client.get("/voicemails", headers=h, params={"cursor": "bad"}), 400)
    assert_error(client.get("/voicemails", headers=h, params={"limit": 0}), 422)
    assert_error(client.get("/voicemails"), 401)
    assert client.delete(f"/voicemails/{vm_id}", headers=h).status_code == 204


def test_voicemail_pages(
    client: TestClient, settings: Settings, store: Store, call_log: CallLog, alice: Owner
) -> None:
    ids = [leave_voicemail(settings, store, call_log, alice, f"c{n}", f"+1202555010{n}")[1] for n in range(3)]
    first = client.get("/voicemails", headers=alice.headers, params={"limit": 2}).json()
    rest = client.get(
        "/voicemails", headers=alice.headers, params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [v["id"] for v in first["items"] + rest["items"]] == ids[::-1] and rest["next_cursor"] is None
