"""The store side of the owner's assistant line: the 0004 migration, registered phones, the write-only
PIN in the settings API, portal and CLI, PIN checks with lockout, voicemail by phone, and the phonebook
with labels for dialing by name."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from api_fixtures import (
    PASSWORD,
    T0,
    Owner,
    alice,
    assert_error,
    bob,
    call_log,
    client,
    make_owner,
    portal_login,
    settings,
    settings_form,
    store,
    wav_bytes,
)
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from assistant import cli
from assistant.config import Settings
from assistant.domain import lockout
from assistant.domain.credentials import verify_password
from assistant.errors import AssistantError
from assistant.store.contacts import Contacts
from assistant.store.db import Store, alembic_config, open_store
from assistant.store.line_access import LOCK_AFTER, LineAccess
from assistant.store.models import LineAttempt, OwnerSettings, Voicemail
from assistant.store.owners import OwnerDirectory, OwnerSettingsStore
from assistant.store.users import Users
from assistant.store.voicemails import VoicemailStore

PIN = "4711"
CALLER = "+12025550177"


def owner_row(store: Store, owner_id: int) -> OwnerSettings:
    with store.session() as session:
        row = session.get(OwnerSettings, owner_id)
        assert row is not None
        return row


def set_pin(store: Store, owner_id: int, pin: str | None, **changes: object) -> None:
    OwnerSettingsStore(store).update(owner_id, {"pin": pin, **changes})


# --- migration ------------------------------------------------------------------------------------


def test_migration_0004_adds_columns_with_defaults_to_existing_rows(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'up.db'}")
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550400")
        Contacts(store).create(account.id, {"name": "Jane", "phone": "+12025550123"})
        config = alembic_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        columns = {c["name"] for c in inspect(store.engine).get_columns("owner_settings")}
        assert "registered_phones" not in columns and "pin_hash" not in columns
        assert "line_attempts" not in inspect(store.engine).get_table_names()
        store.migrate()
        inspector = inspect(store.engine)
        assert "line_attempts" in inspector.get_table_names()
        assert "label" in {c["name"] for c in inspector.get_columns("contacts")}
        row = owner_row(store, account.id)
        assert (row.registered_phones, row.pin_hash, row.pin_lock_minutes) == ([], None, 15)
        assert OwnerDirectory(store).phonebook(account.id)[0].label is None
        view = OwnerDirectory(store).settings(account.id)
        assert view is not None and (view.registered_phones, view.pin_set, view.pin_lock_minutes) == (
            (),
            False,
            15,
        )
    finally:
        store.close()


# --- settings API ---------------------------------------------------------------------------------


def test_settings_defaults_and_registered_phones_in_e164(client: TestClient, alice: Owner) -> None:
    body = client.get("/settings", headers=alice.headers).json()
    assert (body["registered_phones"], body["pin_set"], body["pin_lock_minutes"]) == ([], False, 15)
    assert "pin" not in body and "pin_hash" not in body
    changed = client.patch(
        "/settings",
        headers=alice.headers,
        json={
            "registered_phones": ["(202) 555-0111", "+12025550111", "202-555-0112"],
            "pin_lock_minutes": 60,
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["registered_phones"] == ["+12025550111", "+12025550112"]
    assert changed.json()["pin_lock_minutes"] == 60
    assert client.get("/settings", headers=alice.headers).json() == changed.json()


def test_pin_is_write_only_and_stored_as_a_scrypt_hash(
    client: TestClient, alice: Owner, store: Store
) -> None:
    response = client.patch("/settings", headers=alice.headers, json={"pin": " 4711 "})
    assert response.status_code == 200, response.text
    assert response.json()["pin_set"] is True
    for shown in (response.text, client.get("/settings", headers=alice.headers).text):
        assert PIN not in shown and "scrypt" not in shown and '"pin"' not in shown
    row = owner_row(store, alice.id)
    assert row.pin_hash is not None and row.pin_hash.startswith("scrypt$") and PIN not in row.pin_hash
    assert verify_password(PIN, row.pin_hash) and not verify_password("4712", row.pin_hash)
    assert "4711" not in repr(OwnerDirectory(store).settings(alice.id))
    # Other changes keep the PIN; null removes it.
    assert client.patch("/settings", headers=alice.headers, json={"do_not_disturb": True}).json()["pin_set"]
    assert owner_row(store, alice.id).pin_hash == row.pin_hash
    cleared = client.patch("/settings", headers=alice.headers, json={"pin": None})
    assert cleared.status_code == 200 and cleared.json()["pin_set"] is False
    assert owner_row(store, alice.id).pin_hash is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pin": "123"}, "pin"),
        ({"pin": "123456789"}, "pin"),
        ({"pin": "12a4"}, "pin"),
        ({"pin": ""}, "pin"),
        ({"pin": "١٢٣٤"}, "pin"),  # digits, but not 0-9
        ({"pin": 1234}, "pin"),
        ({"pin_lock_minutes": 0}, "pin_lock_minutes"),
        ({"pin_lock_minutes": 1441}, "pin_lock_minutes"),
        ({"pin_lock_minutes": "soon"}, "pin_lock_minutes"),
        ({"registered_phones": ["+12025550111", "call me"]}, "registered_phones"),
        ({"pin_set": True}, "pin_set"),
    ],
)
def test_wrong_assistant_line_values_are_422_naming_the_field(
    client: TestClient, alice: Owner, store: Store, change: dict, field: str
) -> None:
    before = client.get("/settings", headers=alice.headers).json()
    response = client.patch("/settings", headers=alice.headers, json={"do_not_disturb": True, **change})
    message = assert_error(response, 422)
    assert field in message
    assert field in [error["field"].split(".")[0] for error in response.json()["errors"]]
    assert client.get("/settings", headers=alice.headers).json() == before
    assert owner_row(store, alice.id).pin_hash is None


def test_pin_message_says_what_is_wanted(client: TestClient, alice: Owner) -> None:
    response = client.patch("/settings", headers=alice.headers, json={"pin": "12"})
    assert "4 to 8 digits" in assert_error(response, 422)


def test_store_refuses_a_bad_pin_even_without_the_api(store: Store, alice: Owner) -> None:
    with pytest.raises(ValueError, match="4 to 8 digits"):
        set_pin(store, alice.id, "12")
    assert owner_row(store, alice.id).pin_hash is None


# --- portal and CLI -------------------------------------------------------------------------------


def test_portal_settings_page_sets_phones_pin_and_lock_time(
    client: TestClient, alice: Owner, store: Store
) -> None:
    portal_login(client, alice.email)
    page = client.get("/portal/settings").text
    assert (
        'name="registered_phones"' in page and 'name="pin_lock_minutes"' in page and "No PIN is set" in page
    )
    form = settings_form(
        page, registered_phones="(202) 555-0111\n+12025550112", pin="12", pin_lock_minutes="30"
    )
    bad = client.post("/portal/settings", data=form)
    assert bad.status_code == 422 and 'id="pin-error"' in bad.text and 'value="12"' not in bad.text
    form["pin"] = "246810"
    assert client.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    body = client.get("/settings").json()
    assert body["registered_phones"] == ["+12025550111", "+12025550112"]
    assert body["pin_set"] is True and body["pin_lock_minutes"] == 30
    assert verify_password("246810", owner_row(store, alice.id).pin_hash or "")
    page = client.get("/portal/settings").text
    assert "A PIN is set." in page and "246810" not in page and "scrypt" not in page
    form["pin"] = ""  # empty keeps the PIN
    assert client.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    assert client.get("/settings").json()["pin_set"] is True
    form["remove_pin"] = "on"
    assert client.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    assert client.get("/settings").json()["pin_set"] is False


def test_cli_sets_the_pin_and_registered_phones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_LOG_LEVEL", "WARNING")
    args = ["user", "create", "--email", "o@example.com", "--password", PASSWORD]
    args += ["--registered-phone", "(202) 555-0111", "--registered-phone", "+442071838750"]
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out)["registered_phones"] == ["+12025550111", "+442071838750"]
    assert cli.main(["user", "set-pin", "--email", "O@example.com", "--pin", "12"]) == 2
    assert "bad-pin" in capsys.readouterr().err
    assert cli.main(["user", "set-pin", "--email", "nobody@example.com", "--pin", "1234"]) == 2
    assert cli.main(["user", "set-pin", "--email", "O@example.com", "--pin", "1234"]) == 0
    assert json.loads(capsys.readouterr().out) == {"email": "o@example.com", "pin_set": True}
    store = open_store(Settings(_env_file=None, data_dir=tmp_path).effective_database_url)
    try:
        view = OwnerDirectory(store).settings(1)
        assert (
            view is not None and view.pin_set and view.registered_phones == ("+12025550111", "+442071838750")
        )
        access = LineAccess(store)
        assert access.try_pin(1, CALLER, "1234").ok and access.is_registered(1, "2025550111")
    finally:
        store.close()
    assert cli.main(["user", "set-pin", "--email", "o@example.com", "--remove"]) == 0
    capsys.readouterr()


def test_users_set_pin_errors(store: Store, alice: Owner) -> None:
    with pytest.raises(AssistantError) as bad:
        Users(store).set_pin(alice.email, "abcd")
    assert bad.value.code == "bad-pin"
    with pytest.raises(AssistantError) as missing:
        Users(store).set_pin("nobody@example.com", "1234")
    assert missing.value.code == "not-found"


# --- registered phones ----------------------------------------------------------------------------


def test_registered_phones_and_the_mobile_are_the_owner(store: Store, alice: Owner, bob: Owner) -> None:
    OwnerSettingsStore(store).update(
        alice.id, {"registered_phones": ["+12025550111"], "mobile": "+12025550199"}
    )
    access = LineAccess(store)
    assert access.is_registered(alice.id, "+12025550111")
    assert access.is_registered(alice.id, "(202) 555-0111")  # read in the owner's country
    assert access.is_registered(alice.id, "+12025550199")  # the mobile counts too
    assert not access.is_registered(alice.id, "+12025550112")
    assert not access.is_registered(alice.id, "")
    assert not access.is_registered(alice.id, "anonymous")
    assert not access.is_registered(bob.id, "+12025550111")  # another owner's phone
    assert not access.is_registered(999, "+12025550111")


# --- PIN checks with lockout ----------------------------------------------------------------------


def test_five_wrong_pins_lock_the_number_for_the_owners_lock_time(
    store: Store, alice: Owner, caplog: pytest.LogCaptureFixture
) -> None:
    set_pin(store, alice.id, PIN)
    access = LineAccess(store)
    assert LOCK_AFTER == 5  # as the issue says: five wrong PINs in a row
    for n in range(1, 5):
        check = access.try_pin(alice.id, CALLER, "0000", now=T0 + timedelta(seconds=n))
        assert (check.ok, check.failures, check.locked_for_s, check.just_locked) == (False, n, 0.0, False)
        assert check.attempts_left == LOCK_AFTER - n
    with caplog.at_level(logging.WARNING, logger="assistant.store.line_access"):
        locked = access.try_pin(alice.id, CALLER, "0000", now=T0 + timedelta(seconds=5))
    assert not locked.ok and locked.just_locked and locked.failures == LOCK_AFTER
    assert locked.locked_for_s == pytest.approx(15 * 60) and locked.attempts_left == 0
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        len(warning) == 1 and str(alice.id) in warning[0].getMessage() and CALLER in warning[0].getMessage()
    )
    # While locked even the right PIN is refused, and that is not a new lock.
    during = access.try_pin(alice.id, CALLER, PIN, now=T0 + timedelta(minutes=10))
    assert (during.ok, during.just_locked) == (False, False)
    assert during.locked_for_s == pytest.approx(5 * 60 + 5)
    assert access.locked_for_s(alice.id, CALLER, now=T0 + timedelta(minutes=10)) == pytest.approx(5 * 60 + 5)
    assert access.locked_for_s(alice.id, "(202) 555-0177", now=T0 + timedelta(minutes=10)) > 0
    # Another number is not locked; after the lock time the right PIN works again.
    assert access.try_pin(alice.id, "+12025550178", PIN, now=T0 + timedelta(minutes=10)).ok
    after = T0 + timedelta(minutes=15, seconds=6)
    assert access.locked_for_s(alice.id, CALLER, now=after) == 0
    assert access.try_pin(alice.id, CALLER, PIN, now=after).ok


def test_after_a_lock_expires_the_caller_gets_five_tries_again(store: Store, alice: Owner) -> None:
    set_pin(store, alice.id, PIN, pin_lock_minutes=2)
    access = LineAccess(store)
    for n in range(LOCK_AFTER):
        check = access.try_pin(alice.id, CALLER, "1111", now=T0 + timedelta(seconds=n))
    assert check.just_locked and check.locked_for_s == pytest.approx(120)
    later = T0 + timedelta(minutes=3)
    again = access.try_pin(alice.id, CALLER, "1111", now=later)
    assert (again.failures, again.locked_for_s, again.just_locked) == (1, 0.0, False)


def test_a_right_pin_resets_the_count(store: Store, alice: Owner) -> None:
    set_pin(store, alice.id, PIN)
    access = LineAccess(store)
    for n in range(LOCK_AFTER - 1):
        access.try_pin(alice.id, CALLER, "9999", now=T0 + timedelta(seconds=n))
    ok = access.try_pin(alice.id, CALLER, "4 7 1 1", now=T0 + timedelta(seconds=10))  # spoken digits
    assert (ok.ok, ok.failures, ok.locked_for_s) == (True, 0, 0.0)
    for n in range(LOCK_AFTER - 1):
        check = access.try_pin(alice.id, CALLER, "9999", now=T0 + timedelta(seconds=20 + n))
    assert check.failures == LOCK_AFTER - 1 and check.locked_for_s == 0


def test_a_new_pin_clears_lockouts(store: Store, alice: Owner) -> None:
    set_pin(store, alice.id, PIN)
    access = LineAccess(store)
    for n in range(LOCK_AFTER):
        access.try_pin(alice.id, CALLER, "9999", now=T0 + timedelta(seconds=n))
    assert access.locked_for_s(alice.id, CALLER, now=T0 + timedelta(minutes=1)) > 0
    set_pin(store, alice.id, "8642")
    assert access.locked_for_s(alice.id, CALLER, now=T0 + timedelta(minutes=1)) == 0
    assert access.try_pin(alice.id, CALLER, "8642", now=T0 + timedelta(minutes=1)).ok


def test_an_owner_without_a_pin_never_accepts_one(store: Store, alice: Owner, bob: Owner) -> None:
    access = LineAccess(store)
    for guess in ("", "0000", "1234", PIN):
        assert not access.try_pin(alice.id, CALLER, guess, now=T0).ok
    set_pin(store, bob.id, PIN)  # another owner's PIN is not this owner's
    assert not access.try_pin(alice.id, "+12025550188", PIN, now=T0).ok
    assert access.try_pin(bob.id, "+12025550188", PIN, now=T0).ok


def test_counts_are_per_owner_and_number_and_anonymous_counts_too(
    store: Store, alice: Owner, bob: Owner
) -> None:
    set_pin(store, alice.id, PIN)
    set_pin(store, bob.id, PIN)
    access = LineAccess(store)
    for n in range(LOCK_AFTER):
        access.try_pin(alice.id, "", "0000", now=T0 + timedelta(seconds=n))
    assert access.locked_for_s(alice.id, "", now=T0 + timedelta(seconds=10)) > 0
    assert access.locked_for_s(alice.id, " ", now=T0 + timedelta(seconds=10)) > 0
    assert access.locked_for_s(bob.id, "", now=T0 + timedelta(seconds=10)) == 0
    with store.session() as session:
        keys = [(r.owner_id, r.caller_number) for r in session.scalars(select(LineAttempt))]
    assert keys == [(alice.id, "anonymous")]


def test_old_failures_are_forgotten_and_the_policy_is_the_login_one_with_parameters() -> None:
    policy = lockout.LockoutPolicy(lock_after=3, lock_s=60, failure_window_s=100)
    state = lockout.LoginState()
    for n in range(3):
        state = lockout.after_failure(state, T0 + timedelta(seconds=n), policy)
    assert lockout.locked_for_s(state, T0 + timedelta(seconds=2)) == pytest.approx(60)
    stale = lockout.after_failure(lockout.LoginState(2, T0), T0 + timedelta(seconds=101), policy)
    assert stale.failures == 1 and stale.locked_until is None
    assert lockout.LOGIN == lockout.LockoutPolicy(
        lockout.LOCK_AFTER, lockout.LOCK_S, lockout.FAILURE_WINDOW_S, lockout.SLOW_AFTER
    )
    with pytest.raises(ValueError):
        lockout.LockoutPolicy(lock_after=0)


# --- voicemail by phone ---------------------------------------------------------------------------


def test_voicemail_for_phone_is_newest_first_with_contact_names(
    client: TestClient, settings: Settings, store: Store, alice: Owner, bob: Owner
) -> None:
    client.post("/contacts", headers=alice.headers, json={"name": "Jane Roe", "phone": "(202) 555-0123"})
    spool = settings.voicemail_dir
    spool.mkdir(parents=True, exist_ok=True)
    voicemails = VoicemailStore(store, spool)
    ids = []
    for n, caller in enumerate(("+12025550123", "2025550123", "+12025550999", "+12025550123")):
        (spool / f"m{n}.wav").write_bytes(wav_bytes(0.2))
        ids.append(voicemails.add(alice.id, None, f"m{n}.wav", 0.2, caller, transcript=f"message {n}"))
        with store.write() as session:
            session.get(Voicemail, ids[-1]).created_at = T0 + timedelta(minutes=[3, 1, 2, 0][n])
    voicemails.add(bob.id, None, spool / "bob.wav", 1.0, "+12025550123")
    voicemails.delete(alice.id, ids[3])
    voicemails.mark_read(alice.id, ids[2])
    listed = voicemails.for_phone(alice.id)
    assert [v.id for v in listed] == [ids[0], ids[2], ids[1]]
    assert [v.caller_name for v in listed] == ["Jane Roe", None, "Jane Roe"]
    assert [v.read for v in listed] == [False, True, False]
    first = listed[0]
    assert first.caller_number == "+12025550123" and first.transcript == "message 0"
    assert first.created_at == T0 + timedelta(minutes=3) and first.duration_s == pytest.approx(0.2)
    assert first.audio_file == spool / "m0.wav" and first.audio_file.is_file()
    assert [v.id for v in voicemails.for_phone(alice.id, unread_only=True)] == [ids[0], ids[1]]
    assert [v.id for v in voicemails.for_phone(alice.id, limit=1)] == [ids[0]]
    assert voicemails.for_phone(999) == []


# --- phonebook for dialing ------------------------------------------------------------------------


def test_phonebook_has_every_contact_with_nickname_and_label(
    client: TestClient, store: Store, alice: Owner, bob: Owner
) -> None:
    for body in (
        {"name": "Jane Roe", "phone": "202-555-0123", "label": " Mobile ", "nickname": "JR"},
        {"name": "Jane Roe", "phone": "202-555-0124", "label": "office"},
        {"name": "Adam Ant", "phone": "202-555-0125"},
    ):
        response = client.post("/contacts", headers=alice.headers, json=body)
        assert response.status_code == 201, response.text
    client.post("/contacts", headers=bob.headers, json={"name": "Bob's friend", "phone": "202-555-0126"})
    book = OwnerDirectory(store).phonebook(alice.id)
    assert [(c.name, c.phone, c.label, c.nickname) for c in book] == [
        ("Adam Ant", "+12025550125", None, None),
        ("Jane Roe", "+12025550123", "mobile", "JR"),
        ("Jane Roe", "+12025550124", "office", None),
    ]
    assert all(c.owner_id == alice.id for c in book)
    assert OwnerDirectory(store).contact_for(alice.id, "+12025550124").label == "office"
    cid = book[1].id
    patched = client.patch(f"/contacts/{cid}", headers=alice.headers, json={"label": None})
    assert patched.status_code == 200 and patched.json()["label"] is None
    assert "label" in assert_error(
        client.patch(f"/contacts/{cid}", headers=alice.headers, json={"label": "x" * 41}), 422
    )
    assert OwnerDirectory(store).phonebook(999) == []


def test_csv_import_reads_labels(client: TestClient, alice: Owner, store: Store) -> None:
    data = "Name,Phone,Phone label\nJane Roe,202-555-0123,Office\nAdam Ant,202-555-0125,\n"
    report = client.post(
        "/contacts/import", headers=alice.headers, files={"file": ("c.csv", data.encode(), "text/csv")}
    )
    assert report.json() == {"created": 2, "skipped": 0, "problems": []}
    assert {c.name: c.label for c in OwnerDirectory(store).phonebook(alice.id)} == {
        "Adam Ant": None,
        "Jane Roe": "office",
    }


def test_make_owner_with_registered_phones(store: Store) -> None:
    owner = make_owner(store, "carol@example.com", "+15550500", registered_phones=("+12025550140",))
    assert LineAccess(store).is_registered(owner.id, "+12025550140")
