"""The board's HTTP routes (Starlette): the page, its assets and a small JSON API.

Every answer is computed by `state.Board` and the library; this module only checks
the shape of what the browser sent, turns the library's errors into answers (422 bad
input with the `validate` messages, 409 conflict, 403 outside the workspace, 413 too
large) and serves files. The guard (security.py) wraps all of it.
"""

from __future__ import annotations

import json
import mimetypes
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import BogbusError, InputError
from ..plan.document import Plan
from ..plan.files import read_plan
from .scenariofile import Conflict, Rejected
from .security import COOKIE, MAX_BODY, BodyTooLarge, Guard
from .state import Board
from .workspace import OutsideWorkspace

STATIC = resources.files("bogbus.board") / "static"
LEAFLET = resources.files("bogbus.render") / "assets" / "leaflet"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BadInput(BogbusError):
    """A request whose fields are missing or of the wrong kind."""


def _problem(p: Any) -> dict[str, Any]:
    return {"text": str(p), "file": p.file, "row": p.row, "column": p.column,
            "message": p.message, "fix": p.fix, "severity": p.severity}


def _error(exc: BaseException) -> JSONResponse:
    if isinstance(exc, Conflict):
        return JSONResponse({"error": str(exc), "version": exc.current}, status_code=409)
    if isinstance(exc, Rejected):
        return JSONResponse({"error": "rettelsen afvises af validate",
                             "problems": [_problem(p) for p in exc.problems]}, status_code=422)
    if isinstance(exc, InputError):
        return JSONResponse({"error": "fejl i data",
                             "problems": [_problem(p) for p in exc.problems]}, status_code=422)
    if isinstance(exc, OutsideWorkspace):
        return JSONResponse({"error": str(exc)}, status_code=403)
    if isinstance(exc, BodyTooLarge):
        return JSONResponse({"error": f"request body larger than {MAX_BODY // 1024} KB"},
                            status_code=413)
    if isinstance(exc, FileNotFoundError):
        return JSONResponse({"error": f"not found: {exc.filename or exc}"}, status_code=404)
    return JSONResponse({"error": str(exc)}, status_code=422)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        doc = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput("the request body is not JSON") from exc
    if not isinstance(doc, dict):
        raise BadInput("the request body must be a JSON object")
    return doc


def _text(doc: dict, key: str, *, optional: bool = False) -> Any:
    value = doc.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        raise BadInput(f"{key}: expected a text value")
    return value


def create_app(board: Board, token: str, hosts: set[str]) -> Any:
    """The ASGI app: the routes wrapped in the guard."""

    async def page(request: Request) -> Response:
        html = (STATIC / "board.html").read_text(encoding="utf-8")
        html = html.replace("{{TOKEN}}", token)
        response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        base = LEAFLET if name.startswith("leaflet/") else STATIC
        rel = name.removeprefix("leaflet/")
        if ".." in rel.split("/") or rel.startswith("/"):
            return JSONResponse({"error": "not found"}, status_code=404)
        target = base.joinpath(*rel.split("/"))
        if not target.is_file():
            return JSONResponse({"error": "not found"}, status_code=404)
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        return Response(target.read_bytes(), media_type=kind)

    async def state(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(board.state))

    async def move(request: Request) -> Response:
        try:
            doc = await _body(request)
            sid, vehicle, weekday = _text(doc, "site"), _text(doc, "vehicle"), \
                _text(doc, "weekday")
            phase, version = doc.get("phase", 0), _text(doc, "version")
            if weekday not in WEEKDAYS:
                raise BadInput(f"weekday: {weekday!r} is not one of {', '.join(WEEKDAYS)}")
            if not isinstance(phase, int) or isinstance(phase, bool) or not 0 <= phase < 52:
                raise BadInput("phase: expected a whole number 0–51")
            out = await run_in_threadpool(board.move, sid, (vehicle, weekday, phase), version)
        except (BogbusError, BodyTooLarge) as exc:
            return _error(exc)
        return JSONResponse(out)

    async def change(request: Request) -> Response:
        try:
            doc = await _body(request)
            version, what = _text(doc, "version"), doc.get("change")
            if not isinstance(what, dict):
                raise BadInput("change: expected an object with 'op'")
            saved = await run_in_threadpool(board.change, what, version)
        except (BogbusError, BodyTooLarge) as exc:
            return _error(exc)
        return JSONResponse({"version": saved.version,
                             "warnings": [_problem(p) for p in saved.warnings]})

    async def replan(request: Request) -> Response:
        try:
            await _body(request)
            out = await run_in_threadpool(board.replan)
        except RuntimeError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        except (BogbusError, BodyTooLarge) as exc:
            return _error(exc)
        return JSONResponse(out)

    async def job(request: Request) -> Response:
        j = board.jobs.current()
        return JSONResponse(j.as_json() if j else None)

    async def cancel(request: Request) -> Response:
        j = await run_in_threadpool(board.jobs.cancel)
        return JSONResponse(j.as_json() if j else None)

    def _plan_at(rel: str) -> Plan:
        if rel == "board":
            if board.plan is None:
                raise BadInput("no plan on the board yet")
            return board.plan
        path = board.ws.resolve(rel)
        if path.is_dir():
            path = path / "plan.json"
        if path.name != "plan.json" or not path.is_file():
            raise BadInput(f"{rel}: not a plan.json in the workspace")
        return read_plan(path)

    def _pair(request: Request) -> tuple[Plan, Plan, list[str]]:
        a, b = request.query_params.get("a"), request.query_params.get("b")
        if not a or not b:
            raise BadInput("compare: give two plans, ?a=…&b=… (a plan.json path or 'board')")
        return _plan_at(a), _plan_at(b), [a, b]

    async def compare(request: Request) -> Response:
        from ..compare import compare_plans

        try:
            pa, pb, labels = await run_in_threadpool(_pair, request)
            doc = await run_in_threadpool(compare_plans, [pa, pb], labels)
        except BogbusError as exc:
            return _error(exc)
        return JSONResponse(doc)

    async def compare_map(request: Request) -> Response:
        from ..render.comparemap import build_compare_map

        try:
            pa, pb, labels = await run_in_threadpool(_pair, request)
            html = await run_in_threadpool(
                lambda: build_compare_map([pa, pb], labels).get_root().render())
        except BogbusError as exc:
            return _error(exc)
        return HTMLResponse(html)

    async def institutions(request: Request) -> Response:
        from .institutions import month_visits, months

        if board.plan is None:
            return _error(BadInput("no plan on the board yet"))
        all_months = months(board.plan)
        month = request.query_params.get("month") or all_months[0]
        if month not in all_months:
            return _error(BadInput(f"month: {month!r} is not in the plan's quarter "
                                   f"({', '.join(all_months)})"))
        return JSONResponse({"month": month, "months": all_months,
                             "visits": month_visits(board.plan, month)})

    async def institution_check(request: Request) -> Response:
        from .institutions import check_visit_move

        try:
            doc = await _body(request)
            if board.plan is None:
                raise BadInput("no plan on the board yet")
            site, old, new = _text(doc, "site"), _text(doc, "from"), _text(doc, "to")
            problems = await run_in_threadpool(check_visit_move, board.plan, site, old, new)
        except (BogbusError, BodyTooLarge) as exc:
            return _error(exc)
        return JSONResponse({"ok": not problems, "problems": problems})

    async def publish(request: Request) -> Response:
        try:
            await _body(request)
            written = await run_in_threadpool(board.publish)
        except (BogbusError, BodyTooLarge) as exc:
            return _error(exc)
        pdfs = [p for p in written if p.endswith(".pdf")]
        return JSONResponse({"written": written, "pdfs": pdfs})

    async def files(request: Request) -> Response:
        try:
            path = board.ws.resolve(request.path_params["path"])
        except OutsideWorkspace as exc:
            return _error(exc)
        if not path.is_file():
            return JSONResponse({"error": "not found"}, status_code=404)
        inline = request.query_params.get("download") is None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":  # a plan's own HTML is shown, never run, from the board
            kind = "text/plain"
        return FileResponse(path, media_type=kind,
                            content_disposition_type="inline" if inline else "attachment",
                            filename=Path(path).name)

    routes = [Route("/", page), Route("/static/{name:path}", static),
              Route("/api/state", state), Route("/api/move", move, methods=["POST"]),
              Route("/api/change", change, methods=["POST"]),
              Route("/api/replan", replan, methods=["POST"]), Route("/api/job", job),
              Route("/api/job/cancel", cancel, methods=["POST"]),
              Route("/api/compare", compare), Route("/api/compare/map", compare_map),
              Route("/api/institutions", institutions),
              Route("/api/institutions/check", institution_check, methods=["POST"]),
              Route("/api/publish", publish, methods=["POST"]),
              Route("/files/{path:path}", files)]
    return Guard(Starlette(routes=routes), token, hosts)
