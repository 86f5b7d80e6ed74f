"""The DuckDB warehouse: the database file, its tables with their COMMENTs, views, and the
period-replacing write. The table and column names are the analysts' published interface."""

from reconcile.warehouse.database import (
    DEFAULT_MEMORY_LIMIT,
    MEMORY_LIMIT,
    ProgressWatcher,
    check_memory_limit,
    connect,
    give_back_space,
    limit_memory,
    write_transaction,
)
from reconcile.warehouse.history import FLAGS_ORDER, PERIOD_TABLES, TABLES, VIEW_COMMENTS, table
from reconcile.warehouse.quoting import quote_ident, quote_literal, quote_path
from reconcile.warehouse.schema import (
    column_names,
    compute_noncash_share,
    ddl,
    ensure_schema,
    refuse_foreign,
    replace_period,
    store_noncash_share,
)
from reconcile.warehouse.tables import Col, Table

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "FLAGS_ORDER",
    "MEMORY_LIMIT",
    "PERIOD_TABLES",
    "TABLES",
    "VIEW_COMMENTS",
    "Col",
    "ProgressWatcher",
    "Table",
    "check_memory_limit",
    "column_names",
    "compute_noncash_share",
    "connect",
    "ddl",
    "ensure_schema",
    "give_back_space",
    "limit_memory",
    "quote_ident",
    "quote_literal",
    "quote_path",
    "refuse_foreign",
    "replace_period",
    "store_noncash_share",
    "table",
    "write_transaction",
]
