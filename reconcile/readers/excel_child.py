"""Read the sheets of a workbook with fastexcel (calamine), every cell as text, into Arrow files.

Run as a script in a child process by `reconcile.readers.excel`, never imported by the run itself:
calamine can abort the whole process on a damaged workbook (a record declaring billions of cells
makes it allocate tens of GB, and a failed allocation in Rust aborts, which no except clause
catches). Run by its path, not as `-m reconcile.readers.excel_child`, so that it imports only
fastexcel and pyarrow, not the package: it starts in about half the time.

    python excel_child.py WORKBOOK SHEET_JSON OUT_FOLDER

SHEET_JSON is a sheet's name or position (1 = the first), or null for every sheet. Prints one JSON
line: {"sheets": [name, ...]} when OUT_FOLDER holds 1.arrow, 2.arrow, ... (one per sheet, in the
workbook's order), or {"problem": ..., "fix": ...} for a file the reader refuses (the parent names
the file); and, once the workbook is open, "names": every sheet's name (which --mask-ids masks on
the terminal before a problem naming one is shown).
"""

from __future__ import annotations

import json
import sys


def _file_fault(exc: BaseException) -> bool:
    """Ctrl-C and exit go through. Everything else from the reader is a fault of the file:
    calamine may even panic on a damaged .xls, and a Rust panic reaches Python as pyo3's
    PanicException, a BaseException (found by the damaged-file hypothesis test)."""
    return not isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def _sheet_index(names: list[str], sheet: int | str | None) -> int | str | dict:
    """fastexcel's sheet argument for a sheet given by name or by position (1 = the first), or the
    problem with it."""
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
        position = int(sheet)
        if not 1 <= position <= len(names):
            return {
                "problem": f"has {len(names)} sheet(s), not a sheet {position}",
                "fix": "pass --sheet with a position from 1 or a sheet name",
            }
        return position - 1
    if sheet not in names:
        return {
            "problem": f"has no sheet named '{sheet}' (its sheets: {', '.join(names)})",
            "fix": "pass --sheet with one of those names",
        }
    return sheet


def load(path: str, sheet: int | str | None, out: str) -> dict:
    import fastexcel
    import pyarrow as pa
    import pyarrow.ipc

    try:
        reader = fastexcel.read_excel(path)
    except BaseException as exc:  # fastexcel raises its own hierarchy; any failure here is a file problem
        if not _file_fault(exc):
            raise
        return {
            "problem": f"cannot be read as an Excel workbook ({type(exc).__name__})",
            "fix": "open it in Excel, check it is not password-protected, and save it as .xlsx",
        }
    names = list(reader.sheet_names)
    wanted: list[int | str]
    if sheet is None:
        wanted = list(range(len(reader.sheet_names)))
    else:
        index = _sheet_index(reader.sheet_names, sheet)
        if isinstance(index, dict):
            return {**index, "names": names}
        wanted = [index]
    read, hidden = [], []
    for n, index in enumerate(wanted, start=1):
        try:
            loaded = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
            batch = loaded.to_arrow()
        except BaseException as exc:
            if not _file_fault(exc):
                raise
            name = reader.sheet_names[index] if isinstance(index, int) else index
            return {
                "problem": f"the sheet '{name}' cannot be read ({type(exc).__name__})",
                "fix": "open it in Excel, check the sheet, and save it as .xlsx",
                "names": names,
            }
        with pa.OSFile(f"{out}/{n}.arrow", "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
            writer.write(batch)
        read.append(loaded.name)
        if loaded.visible != "visible":  # hidden, or very hidden: read as any sheet, and said
            hidden.append(loaded.name)
    return {"sheets": read, "hidden": hidden, "names": names}


if __name__ == "__main__":
    print(json.dumps(load(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3])))
