"""The phonebook API: CRUD with E.164 numbers and duplicates refused, search, avatars, CSV import and
export, another owner's ids, and malformed input."""

from __future__ import annotations

import csv
import io

import pytest
from api_fixtures import Owner, alice, assert_error, bob, call_log, client, settings, store
from fastapi.testclient import TestClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JANE = {
    "name": "Jane Roe",
    "phone": "(202) 555-0123",
    "email": "Jane@Example.com",
    "client_code": "ROE",
    "matter_code": "ROE-1",
    "activity_code": "a103",
    "hourly_rate": "350",
    "important": True,
}


def create(client: TestClient, owner: Owner, **fields: object) -> dict:
    response = client.post("/contacts", headers=owner.headers, json={**JANE, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_read_update_delete(client: TestClient, alice: Owner) -> None:
    made = create(client, alice)
    assert made["phone"] == "+12025550123" and made["email"] == "Jane@example.com"
    assert (made["activity_code"], made["hourly_rate"], made["important"]) == ("A103", "350.00", True)
    assert client.get(f"/contacts/{made['id']}", headers=alice.headers).json() == made
    changed = client.patch(
        f"/contacts/{made['id']}",
        headers=alice.headers,
        json={"matter_code": "ROE-2", "hourly_rate": None, "email": None},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["matter_code"], changed.json()["hourly_rate"], changed.json()["email"]) == (
        "ROE-2",
        None,
        None,
    )
    replaced = client.put(
        f"/contacts/{made['id']}", headers=alice.headers, json={"name": "J. Roe", "phone": "+12025550124"}
    )
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["phone"], replaced.json()["client_code"]) == (
        "J. Roe",
        "+12025550124",
        None,
    )
    assert client.delete(f"/contacts/{made['id']}", headers=alice.headers).status_code == 204
    assert_error(client.get(f"/contacts/{made['id']}", headers=alice.headers), 404)
    assert_error(client.delete(f"/contacts/{made['id']}", headers=alice.headers), 404)


def test_duplicate_numbers_are_refused_clearly(client: TestClient, alice: Owner, bob: Owner) -> None:
    first = create(client, alice)
    detail = assert_error(
        client.post("/contacts", headers=alice.headers, json={"name": "Other", "phone": "+1 202 555 0123"}),
        409,
    )
    assert detail == f"+12025550123 is already in the phonebook as 'Jane Roe' (contact {first['id']})"
    other = create(client, alice, name="Other", phone="+12025550199")
    assert_error(
        client.patch(f"/contacts/{other['id']}", headers=alice.headers, json={"phone": "202-555-0123"}), 409
    )
    create(client, bob)  # another owner may have the same number


def test_another_owners_contacts_are_invisible(client: TestClient, alice: Owner, bob: Owner) -> None:
    theirs = create(client, bob)
    cid = theirs["id"]
    for response in (
        client.get(f"/contacts/{cid}", headers=alice.headers),
        client.patch(f"/contacts/{cid}", headers=alice.headers, json={"name": "Hacked"}),
        client.put(
            f"/contacts/{cid}", headers=alice.headers, json={"name": "Hacked", "phone": "+12025550100"}
        ),
        client.delete(f"/contacts/{cid}", headers=alice.headers),
        client.get(f"/contacts/{cid}/avatar", headers=alice.headers),
        client.put(
            f"/contacts/{cid}/avatar", headers=alice.headers, files={"file": ("a.png", PNG, "image/png")}
        ),
        client.delete(f"/contacts/{cid}/avatar", headers=alice.headers),
    ):
        detail = assert_error(response, 404)
        assert "Jane" not in detail and "Hacked" not in response.text
    assert client.get("/contacts", headers=alice.headers).json()["items"] == []
    assert client.get(f"/contacts/{cid}", headers=bob.headers).json()["name"] == "Jane Roe"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "+12025550123"}, "name"),
        ({"name": "X"}, "phone"),
        ({"name": "", "phone": "+12025550123"}, "name"),
        ({"name": "   ", "phone": "+12025550123"}, "name"),
        ({"name": "X", "phone": "not a number"}, "phone"),
        ({"name": "X", "phone": "+1" + "5" * 80}, "phone"),
        ({"name": "X", "phone": "+12025550123", "email": "nope"}, "email"),
        ({"name": "X", "phone": "+12025550123", "hourly_rate": -5}, "hourly_rate"),
        ({"name": "X", "phone": "+12025550123", "hourly_rate": "1.001"}, "hourly_rate"),
        ({"name": "X", "phone": "+12025550123", "activity_code": "call"}, "activity_code"),
        ({"name": "X\u0000", "phone": "+12025550123"}, "name"),
        ({"name": "X" * 201, "phone": "+12025550123"}, "name"),
        ({"name": "X", "phone": "+12025550123", "important": "maybe"}, "important"),
        ({"name": "X", "phone": "+12025550123", "owner_id": 2}, "owner_id"),
    ],
)
def test_malformed_contacts_are_422_naming_the_field(
    client: TestClient, alice: Owner, body: dict, field: str
) -> None:
    response = client.post("/contacts", headers=alice.headers, json=body)
    detail = assert_error(response, 422)
    assert field in detail
    assert any(error["field"] == field for error in response.json()["errors"])


def test_malformed_requests(client: TestClient, alice: Owner) -> None:
    h = alice.headers
    assert_error(
        client.post("/contacts", headers={**h, "Content-Type": "application/json"}, content=b"{nope"), 422
    )
    assert_error(client.post("/contacts", headers=h, json=[1, 2]), 422)
    assert_error(client.get("/contacts/abc", headers=h), 422)
    assert_error(client.get("/contacts/0", headers=h), 422)
    assert_error(client.get("/contacts", headers=h, params={"cursor": "garbage"}), 400)
    assert_error(client.patch("/contacts/1", headers=h, json={"name": None}), 404)
    made = create(client, alice)
    assert_error(client.patch(f"/contacts/{made['id']}", headers=h, json={"name": None}), 422)


def test_search_by_any_part_of_name_or_number(client: TestClient, alice: Owner) -> None:
    plain = {"email": None, "client_code": None, "matter_code": None}
    create(
        client, alice, **{**plain, "client_code": "ROE"}, name="Jane Roe", phone="+12025550123", nickname="JR"
    )
    create(client, alice, **{**plain, "client_code": "SMI"}, name="John Smith", phone="+442079460958")
    create(client, alice, **plain, name="100% Legal_Co", phone="+12025550999")

    def names(q: str) -> list[str]:
        return [
            c["name"] for c in client.get("/contacts", headers=alice.headers, params={"q": q}).json()["items"]
        ]

    assert names("") == ["100% Legal_Co", "Jane Roe", "John Smith"]
    assert names("ROE") == ["Jane Roe"]
    assert names("j") == ["Jane Roe", "John Smith"]
    assert names("7946") == ["John Smith"]
    assert names("(202) 555") == ["100% Legal_Co", "Jane Roe"]
    assert names("smi") == ["John Smith"]
    assert names("%") == ["100% Legal_Co"]
    assert names("_") == ["100% Legal_Co"]
    assert names("zzz") == []


def test_paging_contacts(client: TestClient, alice: Owner) -> None:
    for n in range(5):
        create(client, alice, name=f"Name {n}", phone=f"+1202555010{n}")
    seen, cursor = [], None
    while True:
        body = client.get(
            "/contacts", headers=alice.headers, params={"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [c["name"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Name {n}" for n in range(5)]


def test_avatar_type_and_size_are_checked(client: TestClient, alice: Owner) -> None:
    cid = create(client, alice)["id"]
    h = alice.headers
    assert_error(client.get(f"/contacts/{cid}/avatar", headers=h), 404)
    svg = client.put(
        f"/contacts/{cid}/avatar", headers=h, files={"file": ("x.png", b"<svg onload=alert(1)>", "image/png")}
    )
    assert "PNG, JPEG" in assert_error(svg, 415)
    big = client.put(
        f"/contacts/{cid}/avatar", headers=h, files={"file": ("x.png", PNG + b"\0" * 600_000, "image/png")}
    )
    assert_error(big, 413)
    assert_error(
        client.put(f"/contacts/{cid}/avatar", headers=h, files={"file": ("x.png", b"", "image/png")}), 415
    )
    assert_error(client.put(f"/contacts/{cid}/avatar", headers=h, data={"file": "text"}), 422)
    ok = client.put(
        f"/contacts/{cid}/avatar", headers=h, files={"file": ("me.bin", PNG, "application/octet-stream")}
    )
    assert (
        ok.status_code == 200
        and ok.json()["has_avatar"]
        and ok.json()["avatar_url"] == f"/contacts/{cid}/avatar"
    )
    got = client.get(f"/contacts/{cid}/avatar", headers=h)
    assert got.content == PNG and got.headers["content-type"] == "image/png"
    assert client.delete(f"/contacts/{cid}/avatar", headers=h).status_code == 204
    assert_error(client.get(f"/contacts/{cid}/avatar", headers=h), 404)


def test_csv_export_then_import_round_trips(client: TestClient, alice: Owner, bob: Owner) -> None:
    create(client, alice, label="Office")
    create(
        client,
        alice,
        name='=HYPERLINK("http://x")',
        phone="+12025550100",
        email=None,
        important=False,
        hourly_rate=None,
        activity_code=None,
    )
    exported = client.get("/contacts/export.csv", headers=alice.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == [
        "name",
        "phone",
        "email",
        "nickname",
        "client_code",
        "matter_code",
        "activity_code",
        "hourly_rate",
        "important",
        "label",
    ]
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][1] == "'+12025550100"
    assert rows[2] == [
        "Jane Roe",
        "'+12025550123",
        "Jane@example.com",
        "",
        "ROE",
        "ROE-1",
        "A103",
        "350.00",
        "yes",
        "office",
    ]
    report = client.post(
        "/contacts/import", headers=bob.headers, files={"file": ("c.csv", exported.content, "text/csv")}
    )
    assert report.status_code == 200, report.text
    assert report.json() == {"created": 2, "skipped": 0, "problems": []}
    names = {c["name"]: c for c in client.get("/contacts", headers=bob.headers).json()["items"]}
    assert names["Jane Roe"]["phone"] == "+12025550123" and names["Jane Roe"]["hourly_rate"] == "350.00"
    assert names["Jane Roe"]["label"] == "office" and names['=HYPERLINK("http://x")']["label"] is None
    assert '=HYPERLINK("http://x")' in names


def test_import_reports_bad_rows_and_refuses_bad_files(client: TestClient, alice: Owner) -> None:
    create(client, alice)
    data = (
        "Name,Phone,Email,VIP\nA,202-555-0101,,yes\nB,nope,,\n,202-555-0102,,\n"
        "C,202-555-0123,,\nD,202-555-0103,bad,\nE,202-555-0104,,maybe\n"
    )
    report = client.post(
        "/contacts/import", headers=alice.headers, files={"file": ("c.csv", data.encode(), "text/csv")}
    )
    assert report.status_code == 200
    body = report.json()
    assert body["created"] == 1 and body["skipped"] == 5
    assert [p["line"] for p in body["problems"]] == [3, 4, 5, 6, 7]
    assert "already in the phonebook" in body["problems"][2]["message"]
    for bad in (b"", b"\0\0binary", b"just,a,header\n"):
        assert_error(
            client.post(
                "/contacts/import", headers=alice.headers, files={"file": ("c.csv", bad, "text/csv")}
            ),
            400,
        )
    assert_error(client.post("/contacts/import", headers=alice.headers), 422)
