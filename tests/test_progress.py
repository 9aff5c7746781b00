"""Progress on stderr: a rich bar on a terminal, plain lines elsewhere, nothing when quiet."""

from __future__ import annotations

import io

from rich.console import Console

from bogbus.progress import ProgressReporter


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with ProgressReporter(stream=out) as p:
        t = p.task("2027Q1", 30)
        t.start()
        t("timetable for 22 public stops")
        t.done()
    assert out.getvalue().splitlines() == ["… 2027Q1: started (search limit 30 s)",
                                           "… timetable for 22 public stops"]


def test_several_tasks_are_named():
    out = io.StringIO()
    with ProgressReporter(stream=out) as p:
        a, b = p.task("data/randers", 30), p.task("scenarios/x.yaml", 30)
        a("planning")
        b.done("3 routes")
    assert out.getvalue().splitlines() == ["… data/randers: planning",
                                           "… scenarios/x.yaml: 3 routes"]


def test_quiet_prints_nothing_even_on_a_terminal():
    out = _Tty()
    with ProgressReporter(quiet=True, stream=out) as p:
        t = p.task("2027Q1", 30)
        t.start()
        t("phase")
        t.done()
        p.message("wrote x")
    assert out.getvalue() == ""


def test_bar_with_phase_and_time_left_on_a_terminal():
    out = _Tty()
    console = Console(file=out, force_terminal=True, width=120)
    with ProgressReporter(stream=out, console=console) as p:
        assert p.live
        q1 = p.task("2027Q1", 30)
        p.task("2027Q2", 30)
        q1.start()
        q1("proving a lower bound")
        p._progress.refresh()
        shown = out.getvalue()
        assert "2027Q1" in shown and "proving a lower bound" in shown
        assert "s left of 30 s" in shown and "waiting" in shown  # Q2 not started yet
        q1.done()
    assert "done in" in out.getvalue()


def test_terminal_is_detected_from_the_stream():
    assert ProgressReporter(stream=_Tty()).live
    assert not ProgressReporter(stream=io.StringIO()).live


def test_cli_plan_quiet_and_not(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from test_year import data_folder

    from bogbus.cli import main

    monkeypatch.chdir(tmp_path)
    data = data_folder(tmp_path)
    loud = CliRunner().invoke(main, ["plan", str(data), "--quarter", "2027Q1", "--work", "20",
                                     "--no-render"])
    quiet = CliRunner().invoke(main, ["plan", str(data), "--quarter", "2027Q1", "--work", "20",
                                      "--no-render", "--quiet"])
    assert loud.exit_code == quiet.exit_code == 0, loud.output
    assert "… timetable for 3 public stops" in loud.output
    assert "…" not in quiet.output and "reach: 20 children" in quiet.output
