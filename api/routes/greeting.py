"""The owner's greeting as it sounds (``GET /settings/greeting.wav``), and its rendering after a change."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.handlers import field_error
from api.schemas import COMMON_ERRORS
from assistant.domain.greeting import MAX_WELCOME_LEN, check_welcome_text
from assistant.errors import AssistantError
from assistant.greetings import Greeting, greeting_voice, voicemail_greeting, welcome
from assistant.prompts import Prompts
from assistant.speech.greeting_voice import VOICES, GreetingVoice
from assistant.store.owners import OwnerSettingsView

router = APIRouter(prefix="/settings", tags=["settings"], responses=COMMON_ERRORS)

VoiceName = Literal[tuple(VOICES)]  # type: ignore[valid-type]
Level = Annotated[int | None, Query(ge=0, le=9)]


@cache
def prompts() -> Prompts:
    return Prompts.load()


def owner_greetings(view: OwnerSettingsView) -> tuple[Greeting, Greeting]:
    """The owner's two greetings as set: the Smart Number's welcome and the voicemail greeting."""
    voice = greeting_voice(view.greeting_voice, view.greeting_rate, view.greeting_pitch)
    return (
        welcome(prompts(), view.owner_name, view.welcome_text, voice),
        voicemail_greeting(prompts(), view.owner_name, view.greeting_text, voice),
    )


def render_greetings_soon(context: AppContext, view: OwnerSettingsView) -> None:
    """Render the owner's greetings in the background, so the next call finds them ready."""
    for greeting in owner_greetings(view):
        if greeting.key.startswith("owner.") or not greeting.voice.is_standard:
            context.greetings.prepare_later(greeting.text, greeting.voice)


@router.get(
    "/greeting.wav",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}, "description": "The greeting, 16 kHz mono WAV"}},
)
def greeting_wav(
    caller: CurrentCaller,
    context: Context,
    text: Annotated[str | None, Query(max_length=MAX_WELCOME_LEN * 2)] = None,
    voice: VoiceName | None = None,
    rate: Level = None,
    pitch: Level = None,
) -> Response:
    """The greeting the Smart Number answers with, as callers hear it (before it asks who is calling).

    Each parameter left out is the saved setting, so a form can play what it holds before saving:
    ``text`` the owner's words ({owner} is filled in; empty: the standard greeting), ``voice``,
    ``rate`` and ``pitch`` (0 to 9) as in the settings.
    """
    view = context.owner_settings.get(caller.owner_id)
    if view is None:
        raise AssistantError("not-found", "this account has no settings")
    words = view.welcome_text
    if text is not None:
        try:
            words = check_welcome_text(text) if text.strip() else None
        except ValueError as exc:
            raise field_error("text", f"Value error, {exc}", where="query") from None
    saved = greeting_voice(view.greeting_voice, view.greeting_rate, view.greeting_pitch)
    chosen = GreetingVoice(
        voice or saved.voice, saved.rate if rate is None else rate, saved.pitch if pitch is None else pitch
    )
    greeting = welcome(prompts(), view.owner_name, words, chosen)
    audio = context.greetings.wav(greeting.text, greeting.voice)
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "no-store"})
