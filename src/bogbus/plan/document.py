"""The plan.json document as Python types (filled in by the typed-document step)."""

from __future__ import annotations

from typing import Any

Plan = dict[str, Any]
