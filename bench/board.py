"""The planning board's speed: a move's answer and the page load, on Randers and on a
synthetic 90-stop municipality (bench/gen_municipality.py's generator).

    PYTHONPATH=src .venv/bin/python bench/board.py [--out bench/results/board.json]

For each data set: plan it once (`--work`, a fixed budget), then
- every stop dragged to every other weekday of its vehicle (phase 0): the server's
  answer from the exact day model (`board.move.answer_move`, the two days re-timed),
  and, for up to 10 feasible drops, the whole POST /api/move (answer + the pin
  validated like `bogbus validate` + the scenario written), through Starlette's
  TestClient;
- the page: `bogbus board`'s app under uvicorn on 127.0.0.1, opened in headless
  Chromium; the time from navigation to the week grid drawn (every card placed).

A benchmark, not a test: the numbers depend on the machine and its load — say so
when quoting them (docs/board.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bogbus.bench.municipality import generate, write
from bogbus.board.app import create_app
from bogbus.board.move import answer_move
from bogbus.board.security import allowed_hosts
from bogbus.board.state import Board
from bogbus.board.workspace import Workspace
from bogbus.pipeline import plan_source
from bogbus.plan.files import write_plan

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    values = sorted(values)
    return {"n": len(values), "median_ms": round(1000 * statistics.median(values), 1),
            "p90_ms": round(1000 * values[int(0.9 * (len(values) - 1))], 1),
            "max_ms": round(1000 * values[-1], 1)}


def measure(name: str, data: Path, work: int, time_limit: float) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"board-bench-{name}-"))
    try:
        shutil.copytree(data, root / "data" / name)
        t = time.perf_counter()
        plan = plan_source(str(root / "data" / name), "2027Q1", time_limit_s=time_limit,
                           seed=0, work=work)
        plan_s = time.perf_counter() - t
        write_plan(plan, root / "plans" / f"{plan['scenario']}-2027Q1" / "plan.json")
        board = Board(Workspace(root, root / "data" / name), "2027Q1")
        instance, travel = board.instance()
        slots = board.slots()
        answers, feasible_drops = [], []
        for sid, (vehicle, weekday, _phase) in sorted(slots.items()):
            days = instance.settings.vehicle(vehicle).shifts
            for day in days:
                if day == weekday:
                    continue
                t = time.perf_counter()
                a = answer_move(instance, travel, slots, sid, (vehicle, day, 0))
                answers.append(time.perf_counter() - t)
                if a.feasible:
                    feasible_drops.append((sid, vehicle, day))
        requests = _requests(board, feasible_drops[:10])
        page = _page_load(board)
        return {"data": name, "stops": len(slots), "vehicles": len(instance.settings.vehicles),
                "plan_seconds": round(plan_s, 1), "work": work,
                "answer": _ms(answers), "feasible_drops": len(feasible_drops),
                "post_move": _ms(requests), "page_load": _ms(page)}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _requests(board: Board, drops: list[tuple[str, str, str]]) -> list[float]:
    from starlette.testclient import TestClient

    app = create_app(board, "t", {"testserver"})
    client = TestClient(app)
    out = []
    for sid, vehicle, day in drops:
        version = board.scenario.read()[1]
        t = time.perf_counter()
        r = client.post("/api/move", headers={"X-Board-Token": "t"}, json={
            "site": sid, "vehicle": vehicle, "weekday": day, "phase": 0, "version": version})
        out.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
        # undo, so each drop is measured against the planned timetable
        board.change({"op": "unpin", "site": sid}, board.scenario.read()[1])
        board.overlay.clear()
    return out


def _page_load(board: Board, runs: int = 5) -> list[float]:
    import uvicorn
    from playwright.sync_api import sync_playwright

    port = _free_port()
    app = create_app(board, "t", allowed_hosts("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    out = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1500, "height": 1500})
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/?token=t")
                n = len(board.slots())
                page.wait_for_function(f"() => document.querySelectorAll('.card').length >= {n}")
                out.append(time.perf_counter() - t)
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=int, default=40)
    ap.add_argument("--time-limit", type=float, default=120)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    muni = Path(tempfile.mkdtemp(prefix="muni-90-"))
    write(muni, *generate(90, 4, 0))
    results = [measure("randers", ROOT / "data" / "randers", a.work, a.time_limit),
               measure("muni-90", muni, a.work, a.time_limit)]
    shutil.rmtree(muni, ignore_errors=True)
    text = json.dumps({"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       "results": results}, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
