"""Bodies of the phonebook API: a contact as sent (create, replace, change) and as shown."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

from api.schemas import Code, ShortText, clean_text
from assistant.domain.owner_settings import check_activity_code, check_rate
from assistant.store.models import Contact
from assistant.store.owners import cents_to_rate

Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(lambda v: v.strip())]
Label = Annotated[
    str,
    Field(max_length=40, description='Which of the person\'s phones this is, e.g. "mobile" or "office"'),
    AfterValidator(lambda v: " ".join(clean_text(v).split()).lower()),
]
PhoneText = Annotated[str, Field(min_length=1, max_length=64, description="Any common form; stored in E.164")]
Rate = Annotated[
    Decimal | None,
    Field(default=None, ge=0, le=100000, description="Hourly rate; the owner's default when null"),
]

_EXAMPLE = {
    "name": "Jane Roe",
    "phone": "(202) 555-0123",
    "email": "jane@example.com",
    "nickname": "Jane",
    "label": "office",
    "client_code": "ROE",
    "matter_code": "ROE-2025-001",
    "activity_code": "A106",
    "hourly_rate": "350.00",
    "important": True,
}


class _ContactFields(BaseModel):
    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = clean_text(value)
        if not value:
            raise ValueError("a name is required")
        return value

    @field_validator("activity_code", check_fields=False)
    @classmethod
    def _activity(cls, value: str | None) -> str | None:
        return None if value in (None, "") else check_activity_code(value)

    @field_validator("hourly_rate", check_fields=False)
    @classmethod
    def _rate(cls, value: Decimal | None) -> Decimal | None:
        return check_rate(value)

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        return clean_text(value)


class ContactIn(_ContactFields):
    """A contact to create or (PUT) to replace: name and one phone number required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    name: Name
    phone: PhoneText
    email: EmailStr | None = None
    nickname: ShortText | None = None
    label: Label | None = None
    client_code: Code | None = None
    matter_code: Code | None = None
    activity_code: Code | None = Field(
        default=None, description="UTBMS activity, e.g. A106; else the owner's"
    )
    hourly_rate: Rate = None
    important: bool = Field(default=False, description="Screening lets this caller ring through")


class ContactPatch(_ContactFields):
    """Fields of a contact to change; those left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"matter_code": "ROE-2025-002"}]}
    )

    name: Name | None = None
    phone: PhoneText | None = None
    email: EmailStr | None = None
    nickname: ShortText | None = None
    label: Label | None = None
    client_code: Code | None = None
    matter_code: Code | None = None
    activity_code: Code | None = None
    hourly_rate: Rate = None
    important: bool | None = None


class ContactPublic(BaseModel):
    """A phonebook entry."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_EXAMPLE, "id": 7, "phone": "+12025550123"}]}
    )

    id: int
    name: str
    phone: str = Field(description="E.164")
    email: str | None
    nickname: str | None
    label: str | None = Field(description='e.g. "mobile" or "office"')
    client_code: str | None
    matter_code: str | None
    activity_code: str | None
    hourly_rate: Decimal | None
    important: bool
    has_avatar: bool
    avatar_url: str | None
    created_at: datetime
    updated_at: datetime


class ContactPage(BaseModel):
    """A page of contacts in name order."""

    items: list[ContactPublic]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class ImportProblem(BaseModel):
    """A line of an imported file that was not added."""

    line: int
    message: str


class ImportReport(BaseModel):
    """What a CSV import did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"created": 2, "skipped": 1, "problems": [{"line": 3, "message": "phone: not a number"}]}
            ]
        }
    )

    created: int
    skipped: int
    problems: list[ImportProblem]


def contact_public(row: Contact) -> ContactPublic:
    """Build the API view of a contact row."""
    return ContactPublic(
        id=row.id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        nickname=row.nickname,
        label=row.label,
        client_code=row.client_code,
        matter_code=row.matter_code,
        activity_code=row.activity_code,
        hourly_rate=cents_to_rate(row.rate_cents),
        important=row.important,
        has_avatar=row.avatar_type is not None,
        avatar_url=f"/contacts/{row.id}/avatar" if row.avatar_type is not None else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def storage_values(values: dict[str, Any]) -> dict[str, Any]:
    """Turn validated API fields into the store's (the rate in cents, empty texts as null)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "hourly_rate":
            out["rate_cents"] = None if value is None else int((value * 100).to_integral_value())
        elif isinstance(value, str) and not value and name not in ("name", "phone"):
            out[name] = None
        else:
            out[name] = value
    return out
