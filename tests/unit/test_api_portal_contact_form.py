"""The contact edit window of the portal: its Delete button (with CSRF) removes the contact."""

from __future__ import annotations

import re

from api_fixtures import Owner, alice, bob, client, portal_login, settings, store
from fastapi.testclient import TestClient


def test_the_edit_window_deletes_the_contact_after_asking(
    client: TestClient, alice: Owner, bob: Owner
) -> None:
    contact = client.post(
        "/contacts", json={"name": "Jane Roe", "phone": "+12025550123"}, headers=alice.headers
    ).json()
    csrf = portal_login(client, alice.email)

    page = client.get(f"/portal/contacts/{contact['id']}")
    form = re.search(
        r'<form method="post" action="/portal/contacts/(\d+)/delete"[^>]*>(.*?)</form>', page.text, re.S
    )
    assert form is not None and form.group(1) == str(contact["id"])
    assert 'data-confirm="Delete Jane Roe? This cannot be undone."' in form.group(0)
    assert f'name="csrf_token" value="{csrf}"' in form.group(2) and "Delete contact" in form.group(2)
    assert "/delete" not in client.get("/portal/contacts/new").text  # nothing to delete yet

    forged = client.post(f"/portal/contacts/{contact['id']}/delete", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert client.get(f"/contacts/{contact['id']}", headers=alice.headers).status_code == 200

    deleted = client.post(f"/portal/contacts/{contact['id']}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 200 and "Deleted Jane Roe." in deleted.text
    assert client.get(f"/contacts/{contact['id']}", headers=alice.headers).status_code == 404
    assert client.get(f"/portal/contacts/{contact['id']}").status_code == 404


def test_another_owners_contact_cannot_be_deleted(client: TestClient, alice: Owner, bob: Owner) -> None:
    theirs = client.post(
        "/contacts", json={"name": "Bob's", "phone": "+12025550199"}, headers=bob.headers
    ).json()
    csrf = portal_login(client, alice.email)
    assert (
        client.post(f"/portal/contacts/{theirs['id']}/delete", data={"csrf_token": csrf}).status_code == 404
    )
    assert client.get(f"/contacts/{theirs['id']}", headers=bob.headers).status_code == 200
