"""Old import path of the atomic writer; it lives in `bogbus.io.atomic` (one writer for all)."""

from ..io.atomic import write_bytes, write_json, write_text

__all__ = ["write_bytes", "write_json", "write_text"]
