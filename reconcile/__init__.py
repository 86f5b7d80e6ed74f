"""reconcile: monthly reconciliation of cashless welfare and pension disbursements on DuckDB."""


def __getattr__(name: str) -> str:
    """__version__, read from the installed package's metadata when first asked for: importlib.metadata
    costs a tenth of a second that `reconcile --help` should not pay."""
    if name != "__version__":
        raise AttributeError(f"module 'reconcile' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("reconcile")
    except PackageNotFoundError:  # running from a source tree without installation
        value = "0.0.0"
    globals()["__version__"] = value
    return value
