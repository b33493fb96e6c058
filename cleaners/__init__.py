"""Pure cleaning steps: bytes and records in, records out. No Prefect, no file I/O."""

__version__ = "0.1.0"
