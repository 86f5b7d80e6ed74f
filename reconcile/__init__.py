"""reconcile: monthly reconciliation of cashless welfare and pension disbursements on DuckDB."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reconcile")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
