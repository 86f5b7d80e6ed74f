"""The workbook's styles: fonts, number formats, the header, and a colour per severity."""

from __future__ import annotations

from reconcile.report.cells import Book

SEVERITY_COLOURS = {  # fill, font: red to grey, readable when printed in black and white
    "critical": ("#9C0006", "#FFFFFF"),
    "high": ("#FFC7CE", "#9C0006"),
    "medium": ("#FFEB9C", "#7F6000"),
    "low": ("#E7E6E6", "#3A3A3A"),
}


def add_formats(book: Book) -> None:
    """Every style the sheets use, into book.fmt by name (in one order: the styles' indexes follow it)."""
    add = book.wb.add_format
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    f = book.fmt
    f["text"] = add(base)
    f["header"] = add(
        {
            **base,
            "bold": True,
            "bg_color": "#1F4E78",
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "border": 1,
            "border_color": "#BFBFBF",
        }
    )
    f["title"] = add({**base, "bold": True, "font_size": 14})
    f["note"] = add({**base, "italic": True, "font_color": "#595959"})
    f["partial"] = add(
        {
            **base,
            "bold": True,
            "font_size": 11,
            "font_color": "#9C0006",
            "bg_color": "#FFC7CE",
            "text_wrap": True,
            "border": 1,
            "border_color": "#9C0006",
        }
    )
    f["warning"] = add(
        {
            **base,
            "bold": True,
            "font_color": "#7F6000",
            "bg_color": "#FFEB9C",
            "text_wrap": True,
            "border": 1,
            "border_color": "#7F6000",
        }
    )
    f["section"] = add({**base, "bold": True, "font_size": 11, "font_color": "#1F4E78"})
    f["int"] = add({**base, "num_format": "#,##0"})
    f["amount"] = add({**base, "num_format": "#,##0"})
    f["date"] = add({**base, "num_format": "dd/mm/yyyy"})
    f["datetime"] = add({**base, "num_format": "dd/mm/yyyy hh:mm:ss"})
    f["pct"] = add({**base, "num_format": "0.00%"})
    f["total_text"] = add({**base, "bold": True, "top": 1})
    f["total_int"] = add({**base, "bold": True, "top": 1, "num_format": "#,##0"})
    f["met.yes"] = add({**base, "font_color": "#006100", "bg_color": "#C6EFCE"})
    f["met.no"] = add({**base, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    f["met.doubt"] = add({**base, "font_color": "#7F6000", "bg_color": "#FFEB9C", "text_wrap": True})
    f["met.in_doubt"] = add({**base, "font_color": "#7F6000", "bg_color": "#FFEB9C"})
    for severity, (fill, font) in SEVERITY_COLOURS.items():
        f["severity." + severity] = add({**base, "bg_color": fill, "font_color": font})
    for fmt in f.values():
        # The table rows refer to styles by index, written by DuckDB rather than through
        # XlsxWriter's cell calls; register every style so that the index exists in styles.xml.
        fmt._get_xf_index()
