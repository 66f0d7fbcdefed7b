"""What the portal's header shows on every page: the owner's picture and what is new to them."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from api.auth import Caller
from api.context import AppContext
from assistant.store.profiles import ProfileView, Unseen


@dataclass(frozen=True)
class Header:
    """The logged-in owner's profile and their counts of new missed calls and unread voicemails."""

    profile: ProfileView
    unseen: Unseen

    @property
    def missed_badge(self) -> str:
        """The number on the Calls link ("99+" beyond 99; empty for none)."""
        return _badge(self.unseen.missed_calls)

    @property
    def voicemail_badge(self) -> str:
        """The number on the Voicemail link."""
        return _badge(self.unseen.unread_voicemails)


def portal_header(request: Request, caller: Caller | None) -> Header | None:
    """Return the header of a logged-in page, None on the login page."""
    if caller is None:
        return None
    context: AppContext = request.app.state.context
    profile = context.profiles.get(caller.owner_id)
    if profile is None:
        return None
    return Header(profile, context.profiles.unseen(caller.owner_id))


def _badge(count: int) -> str:
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)
