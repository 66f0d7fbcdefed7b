"""The HTTP API of the assistant: call history and health, served by FastAPI."""

from api.app import create_app

__all__ = ["create_app"]
