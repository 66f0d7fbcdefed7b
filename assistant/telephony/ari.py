"""A thin async client for the Asterisk REST Interface: REST calls over httpx, events over a websocket.

This is the only module that knows ARI's URLs and authentication. Errors are turned into
`AssistantError` with stable codes (``ari-unreachable``, ``ari-auth``) or `AriNotFound`
(the object, usually a channel, is gone).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import websockets

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0


class AriNotFound(Exception):
    """The channel, bridge, playback or recording named in a request no longer exists."""


class AriRequestError(Exception):
    """ARI refused a request (4xx other than 404, or 5xx)."""

    def __init__(self, status: int, path: str, body: str) -> None:
        super().__init__(f"ARI {status} on {path}: {body.strip()[:200]}")
        self.status = status


class AriClient:
    """REST requests and the event websocket of one Asterisk.

    Args:
        url: base URL, e.g. ``http://127.0.0.1:8088/ari``.
        user: ARI user from ari.conf.
        password: its password.
    """

    def __init__(self, url: str, user: str, password: str) -> None:
        self.url = url.rstrip("/")
        self._auth = (user, password)
        self._http = httpx.AsyncClient(base_url=self.url, auth=self._auth, timeout=REQUEST_TIMEOUT_S)

    async def close(self) -> None:
        await self._http.aclose()

    async def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> Any:
        """Send one REST request; return the decoded JSON (or None for an empty reply)."""
        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            reply = await self._http.request(method, path, params=clean, json=body)
        except httpx.TransportError as exc:
            raise AssistantError(
                "ari-unreachable", f"cannot reach Asterisk's ARI at {self.url}: {exc}"
            ) from exc
        if reply.status_code == 401:
            raise AssistantError("ari-auth", f"ARI at {self.url} rejected the user name or password")
        if reply.status_code == 404:
            raise AriNotFound(f"{method} {path}: {reply.text.strip()[:200]}")
        if reply.status_code >= 400:
            raise AriRequestError(reply.status_code, f"{method} {path}", reply.text)
        if not reply.content:
            return None
        return reply.json()

    async def get(self, path: str, **params: Any) -> Any:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: Any = None, **params: Any) -> Any:
        return await self.request("POST", path, params=params, body=body)

    async def delete(self, path: str, **params: Any) -> Any:
        return await self.request("DELETE", path, params=params)

    async def check(self) -> dict:
        """Ask Asterisk who it is; raises AssistantError when ARI cannot be used."""
        return await self.get("/asterisk/info")

    @asynccontextmanager
    async def events(self, apps: list[str]) -> AsyncIterator[AsyncIterator[dict]]:
        """Open the event websocket of the given Stasis applications.

        Usage: ``async with client.events(apps) as stream: async for event in stream: ...``;
        the stream ends when the websocket closes.

        Raises:
            AssistantError: ``ari-unreachable`` or ``ari-auth`` when the websocket cannot be opened.
        """
        ws_url = self.url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        query = urlencode({"app": ",".join(apps), "subscribeAll": "false"})
        token = base64.b64encode(f"{self._auth[0]}:{self._auth[1]}".encode()).decode()
        try:
            connection = await websockets.connect(
                f"{ws_url}/events?{query}",
                additional_headers={"Authorization": f"Basic {token}"},
                ping_interval=5,
                ping_timeout=5,
                max_size=2**22,
            )
        except websockets.InvalidStatus as exc:
            if exc.response.status_code == 401:
                raise AssistantError(
                    "ari-auth", f"ARI at {self.url} rejected the user name or password"
                ) from exc
            raise AssistantError("ari-unreachable", f"ARI events at {self.url} refused: {exc}") from exc
        except (OSError, websockets.WebSocketException, TimeoutError) as exc:
            raise AssistantError(
                "ari-unreachable", f"cannot reach Asterisk's ARI at {self.url}: {exc}"
            ) from exc

        async def stream() -> AsyncIterator[dict]:
            try:
                async for message in connection:
                    yield json.loads(message)
            except websockets.ConnectionClosed:
                return

        async with connection:
            yield stream()


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
