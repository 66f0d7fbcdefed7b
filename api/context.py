"""What every route needs, built once per app: settings, the database and its repositories."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from assistant.config import Settings
from assistant.speech.greeting_audio import GreetingRenderer, build_greeting_renderer
from assistant.store.calls import CallLog
from assistant.store.contacts import Contacts
from assistant.store.db import Store
from assistant.store.history import CallHistory
from assistant.store.owners import OwnerDirectory, OwnerSettingsStore
from assistant.store.profiles import Profiles
from assistant.store.queues import Queues
from assistant.store.users import Users
from assistant.store.voicemails import VoicemailStore


@dataclass(frozen=True)
class AppContext:
    """The repositories of one app, over one Store."""

    settings: Settings
    store: Store
    calls: CallLog
    history: CallHistory
    contacts: Contacts
    owners: OwnerDirectory
    owner_settings: OwnerSettingsStore
    profiles: Profiles
    queues: Queues
    users: Users
    voicemails: VoicemailStore
    greetings: GreetingRenderer

    @classmethod
    def build(cls, settings: Settings, store: Store, greetings: GreetingRenderer | None = None) -> AppContext:
        """Create the repositories over ``store``; the owners' greetings are rendered by ``greetings``
        (the service's, sharing its Piper voice), else by a renderer of this app's own."""
        return cls(
            settings=settings,
            store=store,
            calls=CallLog(store),
            history=CallHistory(store),
            contacts=Contacts(store),
            owners=OwnerDirectory(store),
            owner_settings=OwnerSettingsStore(store),
            profiles=Profiles(store),
            queues=Queues(store),
            users=Users(store),
            voicemails=VoicemailStore(store, settings.voicemail_dir),
            greetings=greetings or build_greeting_renderer(settings),
        )


def get_context(request: Request) -> AppContext:
    """FastAPI dependency: the app's context."""
    return request.app.state.context
