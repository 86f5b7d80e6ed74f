"""The table of one file or sheet, assembled from the headers and rows its format's reader gives:
columns named and mapped to canonical ones, the role and the required columns checked, the
profile applied, rows that are no payment set aside, and the totals row taken out."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from reconcile.contracts import RecordKind
from reconcile.errors import NotThisRole
from reconcile.normalise.text import fold
from reconcile.profiles import near_miss
from reconcile.readers.balances import check_running_balance
from reconcile.readers.birth_split import read_split_birth, split_birth_columns
from reconcile.readers.by_values import read_by_values
from reconcile.readers.currency import foreign_amounts
from reconcile.readers.direction import set_aside_credits_by_side
from reconcile.readers.headers import HeaderChooser, clean_headers, map_headers, unique_names
from reconcile.readers.layout import (
    HEADER_AGAIN,
    NUMBERING,
    apply_profile,
    blank_or_total_rows,
    header_again,
    numbering_row,
    numbering_rows,
    profile_columns,
)
from reconcile.readers.legacy import check_headers
from reconcile.readers.lookup import header_lookup
from reconcile.readers.names import DERIVED, ROW_COLUMN, SKIP_COLUMN
from reconcile.readers.notes import read_note_narrative, read_note_status, read_registry_note
from reconcile.readers.original_refs import read_original_refs
from reconcile.readers.roles import check_required, check_role, missing_required, no_data_rows
from reconcile.readers.sections import section_rows
from reconcile.readers.signed import (
    as_statement,
    ids_in_references,
    read_signed_amounts,
    refs_by_row,
    refs_by_row_where_none,
)
from reconcile.readers.statements import STATEMENTS, set_aside_credits
from reconcile.readers.tables import RawTable
from reconcile.readers.totals import tail_rows, take_totals_row


def build_table(
    path: Path,
    kind: RecordKind,
    fmt: str,
    chooser: HeaderChooser,
    headers: list,
    frame,
    first_row: int,
    digest: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    several: bool = False,
) -> RawTable:
    """The table of one file or sheet from its headers and rows: columns named and mapped, the role
    and the required columns checked, the profile applied, an eager frame's totals row taken out
    (a CSV scan's is taken out when it is staged)."""
    from reconcile.readers.limits import check_columns

    check_columns(path, len(headers), sheet)
    if isinstance(frame, pl.DataFrame) and frame.height == 0 and fmt not in STATEMENTS:
        raise no_data_rows(path, kind, sheet)  # a bank statement may have no entries: a day without movements
    cleaned = clean_headers(headers)
    names = unique_names(cleaned)
    frame = frame.rename(dict(zip(frame.collect_schema().names(), names)))
    scanned = isinstance(frame, pl.LazyFrame)  # a CSV scan, still holding its header row
    frame = frame.with_row_index(ROW_COLUMN, offset=first_row - 1 if scanned else first_row).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )
    table = RawTable(
        path=path,
        kind=kind,
        format=fmt,
        frame=frame,
        sha256=digest,
        encoding=encoding,
        profile=chooser.profile.name if chooser.profile else None,
        profile_how=chooser.how,
        header_row=first_row - chooser.rows,
        header_rows=chooser.rows,
        sheet=sheet,
    )
    split, headed = split_birth_columns(list(zip(cleaned, names)), header_lookup(kind))
    preset = profile_columns(chooser.profile, headed) if chooser.profile else {}
    table.header_map = map_headers(path, kind, headed, preset, require=False)
    check_role(path, kind, cleaned, table.header_map, sheet if several else None)
    read_split_birth(table, split)
    if fmt not in STATEMENTS and not (chooser.profile and (chooser.profile.debit or chooser.profile.credit)):
        read_by_values(table)  # `Tình trạng GD: Thất bại`: a status no header named (before a profile's fixed values)
    if chooser.profile is not None:
        apply_profile(table, chooser.profile)
        if table.balance is not None:  # its opening and closing balances may be in the title block
            table.above = chooser.above
    else:
        by_canon = {canonical: column for column, canonical in table.header_map.items()}
        key = by_canon.get("payment_ref" if kind == "payments" else "vneid")
        table.frame = table.frame.with_columns(
            blank_or_total_rows(table.original_columns, key if fmt not in STATEMENTS else None).alias(SKIP_COLUMN)
        )
    debits = bool(chooser.profile and (chooser.profile.debit or chooser.profile.credit))
    if fmt not in STATEMENTS and not debits:  # `Ghi chú: Chưa nhận` in a list without a status column
        read_note_status(table)
        read_registry_note(table)  # `Ghi chú: Đã chết ngày 17/08/2024` in a registry without a status column
        read_note_narrative(table)  # `Ghi chú: Truy lĩnh T7-T8/2024` in a list without a narrative column
        read_original_refs(table)  # a refund naming the transfer it brings back (`Mã giao dịch gốc`)
    if kind == "payments" and fmt not in STATEMENTS and not debits:  # `Nợ/Có` beside one amount column
        set_aside_credits_by_side(table)
        if table.side_column is None:  # `-1.500.000` paid out, `+10.000.000` in, in one column
            read_signed_amounts(table, chooser.profile)
            if table.signed is not None and table.balance is not None:  # its balances may be in the title block
                table.above = chooser.above
        if table.side_column is not None and table.balance is not None:  # its balances may be in the title block
            table.above = chooser.above
        if table.side_column is not None:  # a statement's movements: the bank's
            as_statement(table)
    if fmt not in STATEMENTS:  # a page's header repeated: no row, so that the totals row's sum is checked
        table.frame = table.frame.with_columns(
            pl.coalesce(
                pl.col(SKIP_COLUMN), pl.when(header_again(names, list(headers))).then(pl.lit(HEADER_AGAIN))
            ).alias(SKIP_COLUMN)
        )
        # a section's heading or subtotal (Xã An Bình, Cộng xã An Bình): no row
        table.frame = table.frame.with_columns(pl.coalesce(pl.col(SKIP_COLUMN), section_rows(table)).alias(SKIP_COLUMN))
        under = chooser.under
        if under is not None and numbering_row(under):  # a form's (1) (2) (3) under its header: no row
            table.frame = table.frame.with_columns(
                pl.coalesce(
                    pl.col(SKIP_COLUMN),
                    pl.when(numbering_rows(names, under)).then(pl.lit(NUMBERING)),
                ).alias(SKIP_COLUMN)
            )
    if fmt in STATEMENTS:
        table.frame = set_aside_credits(table.frame)
        table.consumed |= {"direction", "aside"}
        if kind == "payments":  # an entry the bank gives no reference (NONREF)
            refs_by_row_where_none(table)
    if chooser.profile is None:
        _refuse_near_miss(path, kind, cleaned, table.header_map)
    # a bank statement (camt, MT940, or a statement's export with its debit and credit) may name each
    # payee in its narrative alone; a payments list names them in a column of their own
    statement = fmt in STATEMENTS or debits or table.side_column is not None
    # not one with a column headed like a name that is not read as one (`Người nhận` unknown): its
    # names would go unchecked, unsaid; refused, it is named, to map
    used = set(table.header_map) | table.consumed | set(table.converted)
    unread = [h for h, n in zip(cleaned, names) if n not in used and NAME_LIKE.search(fold(h))]
    if kind == "payments" and fmt not in STATEMENTS:
        # a post office's cash list (its profile's channel) numbers its payouts by STT alone, as a statement may
        cash = chooser.profile is not None and chooser.profile.values.get("channel") == "cash"
        if (statement or cash) and "payment_ref" not in table.header_map.values():
            refs_by_row(table)
        elif statement:
            ids_in_references(table)
        foreign_amounts(table, chooser.above)  # `Loại tiền: USD` above the header, or a row's currency
    mapped = table.header_map
    if unread:  # a pattern of the narrative giving some payees' names is no reading of that column
        mapped = {c: v for c, v in mapped.items() if not (v == "payee_name" and c.startswith(DERIVED))}
    if missing_required(kind, mapped):  # headers a code page garbled (`S? ti?n`): there, but unreadable
        check_headers(cleaned, path)
    check_required(path, kind, mapped, statement and not unread)
    if not scanned and fmt not in STATEMENTS:
        whole = table.frame.select(pl.col(ROW_COLUMN).max()).item()  # before its totals row is taken out
        if take_totals_row(table, tail_rows(table.frame, table)) is None and fmt != "parquet":
            table.last_row = whole
        check_running_balance(table, table.frame)  # a CSV file's when it is staged
    return table


# a header that may hold a payee's name: ten, ho ten, nguoi (nhan, huong), thu huong, name, payee
NAME_LIKE = re.compile(r"\b(ten|ho|nguoi|thu huong|name|payee|beneficiary)\b")


def _refuse_near_miss(path: Path, kind: RecordKind, headers: list[str], mapped: dict[str, str]) -> None:
    """A file that lacks a required column, headed much like a built-in layout but for the headers
    that layout is found by, is refused naming those: `required column 'payee_name' is missing` of
    a statement whose counterparty column is there, and whose debit column is headed `Phát sinh`
    over `Debit`, sent the officer looking at the wrong column."""
    lacking = missing_required(kind, mapped)
    near = near_miss(kind, headers, lacking, set(header_lookup(kind))) if lacking else None
    if near is None:
        return
    profile, read, missing = near
    raise NotThisRole(
        str(path),
        f"lacks the headers {', '.join(repr(m) for m in missing)} by which the layout '{profile.name}' is read "
        f"(its columns {', '.join(repr(h) for h in read[:3])} are there)",
        "head those columns with one of these names, on the header row, and run again",
    )
