"""`bogbus board`: start the server on 127.0.0.1, print the URL with its token, open
the browser. The token is new on every start, as Jupyter's is."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import BogbusError
from .app import create_app
from .security import allowed_hosts, new_token
from .state import Board
from .workspace import Workspace

LOCAL = ("127.0.0.1", "localhost", "::1")


def workspace_for(source: str, root: Path | None = None) -> Workspace:
    """The workspace: the current folder (it holds scenarios/ and plans/); SOURCE must
    lie inside it, as every file the board touches does."""
    base = (root or Path.cwd()).resolve()
    src = (base / source).resolve()
    if not src.exists():
        raise BogbusError(f"{source}: no such data folder or scenario file — give the data "
                          "folder (e.g. data/randers) or a scenarios/*.yaml")
    if base != src and base not in src.parents:
        raise BogbusError(f"{source}: lies outside the current folder {base}; start "
                          "`bogbus board` in the folder that holds the data, scenarios/ "
                          "and plans/")
    return Workspace(base, src)


def check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind((host, port))
        except OSError as exc:
            raise BogbusError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror})"
                              " — choose another port with --port") from exc


def serve(board: Board, host: str, port: int, *, open_browser: bool,
          say: Callable[[str], None]) -> None:
    """Run until Ctrl-C."""
    import uvicorn

    if host in ("0.0.0.0", "::", ""):
        raise BogbusError(f"--host {host!r}: give the one address the browser will use (e.g. "
                          "192.168.1.20); every request must name it (DNS-rebinding guard)")
    check_port(host, port)
    token = new_token()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/?token={token}"
    hosts = allowed_hosts(shown, port)
    app = create_app(board, token, hosts)
    say(f"Planlægningstavlen for {board.name} {board.quarter} kører på:\n    {url}\n"
        "(Ctrl-C stopper den)")
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                server_header=False, date_header=False)
