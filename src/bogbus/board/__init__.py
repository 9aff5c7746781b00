"""The planning board: a local web app over a workspace (data folder, scenarios/, plans/).

`bogbus board` serves it (server.py); app.py holds the routes; every planning answer
comes from the library (pipeline, compare, the renderers, the exact day model) — the
board only shows them and keeps its changes in a scenario file (docs/board.md).
"""
