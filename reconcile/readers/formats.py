"""Which format a file is in, from its first bytes and then its name: Parquet, an Excel workbook
(.xlsx or legacy .xls), a camt XML or MT940 bank statement, or delimited text. A file that is
none of these, or that says it is one by its name and is not, is refused with what to do."""

from __future__ import annotations

from pathlib import Path

from reconcile.errors import InputFileError

# An .xlsx saved with a password is an OLE2 container holding a stream of this name (MS-OFFCRYPTO)
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _is_workbook_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except Exception:  # damaged (BadZipFile, an unsupported version, ...): let the Excel reader say so
        return True
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def detect_format(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise InputFileError(str(path), "file not found", "check the path") from None
    except OSError as exc:
        raise InputFileError(
            str(path), f"cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None
    suffix = path.suffix.lower()
    if not head:
        raise InputFileError(str(path), "file is empty", "check that the export finished and send the file again")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        workbook = _is_workbook_zip(path)
        if suffix in (".xlsx", ".xlsm") and workbook:
            return "xlsx"
        if workbook:  # an .xlsx saved or renamed under another extension
            if suffix:
                raise InputFileError(
                    str(path), f"is an .xlsx workbook with the extension {suffix}", "rename it to .xlsx and run again"
                )
            raise InputFileError(
                str(path), "is an .xlsx workbook with no extension", "rename it to .xlsx and run again"
            )
        raise InputFileError(str(path), "is a ZIP archive but not an .xlsx workbook", "extract it, or save it as .xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if ENCRYPTED_PACKAGE in path.read_bytes():
            raise InputFileError(
                str(path),
                "is a password-protected workbook",
                "open it in Excel, remove the password (File > Info > Protect Workbook) and save it again as .xlsx",
            )
        return "xls"
    from reconcile.readers.camt import looks_like_camt
    from reconcile.readers.mt940 import looks_like_mt940

    if suffix == ".xml" or looks_like_camt(head):
        return "camt"
    if suffix in (".sta", ".mt940", ".940", ".942") or looks_like_mt940(head):
        return "mt940"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        raise InputFileError(
            str(path), "has a .parquet name but is not a Parquet file", "re-export it as Parquet or CSV"
        )
    if suffix in (".xlsx", ".xlsm", ".xls") and path.name.startswith("~$"):
        raise InputFileError(  # a hidden file, which a wildcard or a file dialog may pick up
            str(path),
            f"is the lock file Excel keeps beside {path.name[2:]} while that workbook is open, not a workbook",
            f"give {path.name[2:]} itself",
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputFileError(
            str(path),
            f"has an {suffix} name but is not an Excel workbook (it may be HTML or text)",
            "open it in Excel and save it as .xlsx",
        )
    raise InputFileError(
        str(path),
        f"unknown file format '{suffix or 'no extension'}'",
        "use CSV, XLSX, XLS, Parquet, ISO 20022 camt.053/054 XML or an MT940 statement",
    )
