"""The board's guard: a local server is still reachable by every web page the user
opens, so every request must prove it came from the board's own page.

- a random token (as Jupyter's) on every request: from the `?token=` of the printed
  URL (then kept in a SameSite=Strict cookie), or the `X-Board-Token` header;
- a state-changing request (POST) needs the header: a cookie alone does not do
  (another site's form cannot set a header);
- the `Host` header must be the address the server was started on and an `Origin`,
  when sent, that same address (DNS rebinding: evil.example resolving to 127.0.0.1);
- request bodies are capped (MAX_BODY) before they are read.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

COOKIE = "bogbus_board_token"
HEADER = b"x-board-token"
MAX_BODY = 256 * 1024

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host values the board answers to: the bound address and, for 127.0.0.1,
    its usual names."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{n}:{port}" for n in names} | (names if port == 80 else set())


class Guard:
    """ASGI middleware: refuses (403/413) before the app sees the request."""

    def __init__(self, app: Any, token: str, hosts: Iterable[str]) -> None:
        self.app, self.token, self.hosts = app, token, {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            await _refuse(send, 403, "unknown Host header: open the board by the URL "
                                     "`bogbus board` printed")
            return
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in {f"http://{h}" for h in self.hosts}:
            await _refuse(send, 403, "request from another web site refused")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given_header = headers.get(HEADER.decode())
        given_query = (query.get("token") or [None])[0]
        given_cookie = _cookie(headers.get("cookie", ""))
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD"):
            ok = given_header is not None and secrets.compare_digest(given_header, self.token)
        else:
            ok = any(g is not None and secrets.compare_digest(g, self.token)
                     for g in (given_header, given_query, given_cookie))
        if not ok:
            await _refuse(send, 403, "missing or wrong token: open the board by the URL with "
                                     "?token=… that `bogbus board` printed")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _refuse(send, 413, f"request body larger than {MAX_BODY // 1024} KB")
            return
        await self.app(scope, _capped(receive), send)


def _capped(receive: Receive) -> Receive:
    """A receive that fails a body streamed past MAX_BODY without a Content-Length."""
    seen = 0

    async def inner() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge()
        return message

    return inner


class BodyTooLarge(Exception):
    """A chunked body past MAX_BODY."""


def _cookie(text: str) -> str | None:
    for part in text.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
