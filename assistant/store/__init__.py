"""Persistence for the assistant: the database, its migrations, and the call log built on it."""

from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.models import Base, Call

__all__ = ["Base", "Call", "CallLog", "Store", "open_store"]
