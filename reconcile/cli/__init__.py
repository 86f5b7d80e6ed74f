"""The command line: parse, call the library, print, map errors to exit codes. No SQL, no openpyxl."""

from reconcile.cli.main import cli, main

__all__ = ["cli", "main"]
