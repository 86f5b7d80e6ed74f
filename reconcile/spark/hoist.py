"""A statement's CTEs that it reads more than once, made tables of their own before it, on Spark.

DuckDB computes such a CTE once (it materialises a CTE read twice). Spark writes each CTE into
every place that reads it, and plans and runs it again there: matching's passes read each other
(`no_id` reads `by_id`, `after_account` reads `by_account`, each pass reads the ones before it)
until the plan of cur_match_found held each early pass many times over, and Spark spent seconds
planning and running a month of a few hundred payments (bench/README.md, "Spark local beside
DuckDB"). Made a table first and kept (checkpointed, as Tables.keep keeps every table), each is
computed once, as DuckDB computes it.

A CTE marked `AS NOT MATERIALIZED` stays in place: the statement asks for it to be read where it is
used (match.sql's `reg`, a filter of cur_registry). The tables are named `<table>__<cte>` and
dropped once the statement's table is made.
"""

from __future__ import annotations

from sqlglot import exp

# set on a CTE by Translator._rewrite when the statement marks it NOT MATERIALIZED (the hint itself,
# which Spark does not read, is taken out)
INLINE = "rc_inline"


def hoisted(query: exp.Query, table: str) -> tuple[list[tuple[str, exp.Query]], exp.Query]:
    """The CTEs of `query` (the statement making `table`) to make first, as (name, query) in order,
    and the statement reading them by those names. Nothing is hoisted when a CTE is read once, or
    is marked NOT MATERIALIZED, or when a nested WITH uses one of the statement's CTE names again."""
    with_ = query.args.get("with_")
    if not isinstance(with_, exp.With) or with_.args.get("recursive"):
        return [], query
    ctes = list(with_.expressions)
    names = [cte.alias_or_name.lower() for cte in ctes]
    if len(set(names)) != len(names) or _shadowed(query, with_, set(names)):
        return [], query
    main = query.copy()
    main.set("with_", None)
    readers = [cte.this for cte in ctes] + [main]
    reads = {name: sum(_reads(node, name) for node in readers[i + 1 :]) for i, name in enumerate(names)}
    hoist = [n for n, cte in zip(names, ctes) if reads[n] > 1 and not cte.meta.get(INLINE)]
    if not hoist:
        return [], query
    renamed = {name: f"{table}__{name}" for name in hoist}
    bodies = {name: _renamed(cte.this, renamed) for name, cte in zip(names, ctes)}
    inline = [n for n in names if n not in renamed]
    made = [(renamed[n], _with(bodies[n], inline, bodies, names.index(n))) for n in hoist]
    return made, _with(_renamed(main, renamed), inline, bodies, len(names))


def _shadowed(query: exp.Query, with_: exp.With, names: set[str]) -> bool:
    """Whether a WITH inside the statement names a CTE as one of the statement's own."""
    return any(
        nested is not with_ and any(cte.alias_or_name.lower() in names for cte in nested.expressions)
        for nested in query.find_all(exp.With)
    )


def _reads(node: exp.Expr, name: str) -> int:
    return sum(
        1
        for t in node.find_all(exp.Table)
        if t.name.lower() == name and not t.args.get("db") and not t.args.get("catalog")
    )


def _renamed(node: exp.Expr, renamed: dict[str, str]) -> exp.Expr:
    """`node` reading each hoisted CTE by its table's name, under the name it was read by."""

    def rename(n: exp.Expr) -> exp.Expr:
        if not isinstance(n, exp.Table) or n.args.get("db") or n.args.get("catalog"):
            return n
        new = renamed.get(n.name.lower())
        if new is None:
            return n
        return exp.to_table(new).as_(n.alias or n.name)

    return node.copy().transform(rename)


def _with(body: exp.Expr, inline: list[str], bodies: dict[str, exp.Expr], before: int) -> exp.Query:
    """`body` with a WITH of the CTEs left in place that it reads, directly or through another."""
    order = list(bodies)
    wanted: set[str] = set()
    todo = [body]
    while todo:
        node = todo.pop()
        for name in inline:
            if name not in wanted and order.index(name) < before and _reads(node, name):
                wanted.add(name)
                todo.append(bodies[name])
    query = body.copy()
    assert isinstance(query, exp.Query)  # a CTE's body and a statement's query are queries
    if wanted:
        ctes = [
            exp.CTE(this=bodies[n].copy(), alias=exp.TableAlias(this=exp.to_identifier(n)))
            for n in order
            if n in wanted
        ]
        query.set("with_", exp.With(expressions=ctes))
    return query
