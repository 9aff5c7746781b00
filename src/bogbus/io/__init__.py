"""Reading data folders: `sites.csv` + `settings.yaml` → a checked `model.Instance`."""

from .source import load_source, validate_source

__all__ = ["load_source", "validate_source"]
