"""Reading data folders: `sites.csv` + `settings.yaml` → a checked `model.Instance`."""

from .source import load_source, load_source_warned, validate_source

__all__ = ["load_source", "load_source_warned", "validate_source"]
