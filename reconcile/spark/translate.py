"""The project's DuckDB SQL as Spark SQL, with sqlglot and the few rewrites our files need.

The SQL files under reconcile/sql stay the one source of the rules. sqlglot parses each statement
in the DuckDB dialect and writes it in Spark's; on the way, these rewrites make it mean the same:

  macros        a call to one of our macros (normalise/macros.sql) is replaced by the macro's body, with
                the arguments put in place of the parameters, until no call is left.
  params        $name becomes the run's value as a literal (a date as CAST('2024-09-30' AS DATE)).
  count window  count(DISTINCT x) OVER (...), which Spark refuses, becomes
                size(collect_set(x) OVER (...)); both leave NULLs out.
  format        format('{:,}', n), amounts with thousands separators, becomes format_number(n, 0).
                sqlglot alone writes FORMAT_STRING('{:,}', n), which Spark runs and prints as the
                text '{:,}': a finding's detail would be silently wrong.
  regexp        regexp_full_match(s, p) becomes s RLIKE '^(?:p)$' (Spark's RLIKE finds, it does
                not match whole); regexp_replace without 'g', which DuckDB applies to the first
                match only and Spark to every match, is anchored to the first; \\1 in a
                replacement becomes $1 (Java's form); POSIX classes such as [[:space:]], which
                Java reads as a set of letters, become \\p{Space}.
  jaro-winkler  jaro_winkler_similarity becomes the Python function rc_jaro_winkler
                (reconcile.spark.udfs), registered by the engine; Spark has none.
  alter/update  a temp view cannot be altered or updated: ALTER TABLE t ADD COLUMN c T becomes t made
                again with c, NULL (neighbouring ALTERs of t together, as one step); UPDATE t AS a
                SET c = b.x FROM s AS b WHERE a.k = b.k (the form load_current.sql writes the row
                ids with: columns only, matched on one equality) becomes t made again joined to s,
                c taking b.x on the rows s matches and keeping its value on the others.

A statement's CTEs that it reads more than once are made tables before it (hoist.py), as DuckDB
computes such a CTE once and Spark would plan and run it again at each read.

Anything else that Spark would run differently or not at all raises Untranslatable here, when the
statement is translated: tests/test_spark_translate.py translates every file, so a new rule that
cannot be translated fails a test, not a production run.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from reconcile.spark.hoist import INLINE, hoisted
from reconcile.sqlfiles import NORMALISE_SQL, sql_text, statements


class Untranslatable(Exception):
    """A statement that cannot be run on Spark with the same meaning."""


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expr


def _parse(sql: str) -> exp.Expr:
    try:
        return sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise Untranslatable(f"sqlglot cannot parse it: {str(exc).splitlines()[0]}") from None


@cache
def project_macros() -> dict[str, Macro]:
    """The macros of normalise/macros.sql, by lower-case name."""
    out: dict[str, Macro] = {}
    for statement in statements(sql_text("macros.sql", NORMALISE_SQL)):
        tree = _parse(statement)
        if isinstance(tree, exp.Create) and str(tree.args.get("kind")).upper() == "MACRO":
            name = tree.this.this.name.lower()
            out[name] = Macro(name, tuple(p.name for p in tree.this.expressions), tree.expression)
    return out


# what Spark lacks or does differently, that a rewrite below does not handle: found here, not at run time
NOT_ON_SPARK = {"strip_accents", "nfc_normalize", "try_strptime", "jaro_winkler_similarity"}
POSIX_TO_JAVA = {
    "[:space:]": r"\p{Space}",
    "[:alpha:]": r"\p{Alpha}",
    "[:digit:]": r"\p{Digit}",
    "[:alnum:]": r"\p{Alnum}",
    "[:upper:]": r"\p{Upper}",
    "[:lower:]": r"\p{Lower}",
    "[:punct:]": r"\p{Punct}",
}
JARO_WINKLER_UDF = "rc_jaro_winkler"  # registered on the session by reconcile.spark.udfs.register


@dataclass
class Translator:
    """Translates one statement at a time; `used` collects the names of the rewrites applied."""

    macros: dict[str, Macro] = field(default_factory=project_macros)
    used: set[str] = field(default_factory=set)

    def tree(self, sql: str, params: dict | None = None) -> exp.Expr:
        """The statement's syntax tree, rewritten for Spark, with the parameters bound."""
        tree = self._expand_macros(_parse(sql))
        for _ in range(10):  # a rewritten node's new children are not visited again: repeat to a fixed point
            before = tree.sql("duckdb")
            tree = tree.transform(self._rewrite)
            if tree.sql("duckdb") == before:
                break
        tree = tree.transform(lambda node: self._bind(node, params or {}))
        self._guard(tree)
        return tree

    def sql(self, tree: exp.Expr) -> str:
        try:
            return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
        except sqlglot.errors.UnsupportedError as exc:
            raise Untranslatable(str(exc).splitlines()[0]) from None

    def translate(self, sql: str, params: dict | None = None) -> str:
        return self.sql(self.tree(sql, params))

    # -- the rewrites ------------------------------------------------------------------------------
    def _expand_macros(self, tree: exp.Expr) -> exp.Expr:
        for _ in range(50):  # macros call macros: expand until none is left
            expanded = False

            def expand(node):
                nonlocal expanded
                if not (isinstance(node, exp.Anonymous) and node.name.lower() in self.macros):
                    return node
                macro = self.macros[node.name.lower()]
                if len(node.expressions) != len(macro.params):
                    raise Untranslatable(
                        f"macro {macro.name} takes {len(macro.params)} arguments, given {len(node.expressions)}"
                    )
                binding = dict(zip(macro.params, node.expressions))

                def substitute(inner):
                    if isinstance(inner, exp.Column) and not inner.table and inner.name in binding:
                        return exp.Paren(this=binding[inner.name].copy())
                    return inner

                expanded = True
                self.used.add("macros")
                return exp.Paren(this=macro.body.copy().transform(substitute))

            tree = tree.transform(expand)
            if not expanded:
                return tree
        raise Untranslatable("the macros call each other without end")

    def _rewrite(self, node: exp.Expr) -> exp.Expr:
        if isinstance(node, (exp.RegexpReplace, exp.RegexpLike, exp.RegexpExtract, exp.RegexpFullMatch)):
            self._posix_classes(node)
        if isinstance(node, exp.RegexpFullMatch):
            pattern = node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise Untranslatable("regexp_full_match with a pattern that is not a literal")
            self.used.add("regexp")
            return exp.RegexpLike(this=node.this, expression=exp.Literal.string(f"^(?:{pattern.this})$"))
        if isinstance(node, exp.RegexpReplace) and not node.meta.get("rc_done"):
            return self._regexp_replace(node)
        if isinstance(node, exp.Format):
            fmt = node.this
            if isinstance(fmt, exp.Literal) and fmt.this == "{:,}" and len(node.expressions) == 1:
                self.used.add("format")
                return exp.Anonymous(this="format_number", expressions=[node.expressions[0], exp.Literal.number(0)])
            raise Untranslatable(f"format({fmt.sql('duckdb')}, ...) has no Spark equivalent here")
        if (
            isinstance(node, exp.Window)
            and isinstance(node.this, exp.Count)
            and isinstance(node.this.this, exp.Distinct)
        ):
            if len(node.this.this.expressions) != 1:
                raise Untranslatable("count(DISTINCT over several columns) OVER (...)")
            self.used.add("count window")
            window = node.copy()
            window.set("this", exp.Anonymous(this="collect_set", expressions=[node.this.this.expressions[0].copy()]))
            return exp.Anonymous(this="size", expressions=[window])
        if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
            # `AS [NOT] MATERIALIZED`: a hint to DuckDB's planner (match.sql), which Spark does not read;
            # a CTE not to materialise is left in place where the statement's CTEs are made tables (hoist.py)
            self.used.add("materialized hint")
            cte = node.copy()
            cte.meta[INLINE] = node.args["materialized"] is False
            cte.set("materialized", None)
            return cte
        if isinstance(node, exp.JarowinklerSimilarity):
            self.used.add("jaro-winkler")
            return exp.Anonymous(this=JARO_WINKLER_UDF, expressions=[node.this, node.expression])
        return node

    def _posix_classes(self, node: exp.Expr) -> None:
        pattern = node.expression
        if isinstance(pattern, exp.Literal) and "[:" in pattern.this:
            text = pattern.this
            for posix, java in POSIX_TO_JAVA.items():
                text = text.replace(posix, java)
            if "[:" in text:
                raise Untranslatable(f"a POSIX class Java does not read in the pattern {pattern.this!r}")
            self.used.add("regexp")
            node.set("expression", exp.Literal.string(text))

    def _regexp_replace(self, node: exp.RegexpReplace) -> exp.Expr:
        node.meta["rc_done"] = True
        pattern, replacement, modifiers = node.expression, node.args.get("replacement"), node.args.get("modifiers")
        if not (isinstance(pattern, exp.Literal) and isinstance(replacement, exp.Literal)):
            raise Untranslatable("regexp_replace with a pattern or replacement that is not a literal")
        if modifiers is not None and modifiers.name != "g":
            raise Untranslatable(f"regexp_replace with the options {modifiers.name!r}")
        text, rep = pattern.this, replacement.this
        rep = rep.replace("$", "\\$")  # a literal $ is a group reference to Java
        if modifiers is None and not text.startswith("^"):
            # DuckDB replaces the first match only, Spark every match: match the shortest text before
            # the first one as group 1, and put it back
            text = f"(?s)^(.*?)(?:{text})"
            rep = "\\1" + re.sub(r"\\(\d)", lambda m: "\\" + str(int(m.group(1)) + 1), rep)
        rep = re.sub(r"\\(\d)", r"$\1", rep)
        self.used.add("regexp")
        node.set("expression", exp.Literal.string(text))
        node.set("replacement", exp.Literal.string(rep))
        node.set("modifiers", None)
        return node

    def _bind(self, node: exp.Expr, params: dict) -> exp.Expr:
        if not (isinstance(node, exp.Placeholder) and node.name):
            return node
        if node.name not in params:
            raise Untranslatable(f"the parameter ${node.name} is not supplied")
        value = params[node.name]
        if isinstance(value, _dt.date):
            return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
        return exp.convert(value)

    def _guard(self, tree: exp.Expr) -> None:
        for node in tree.find_all(exp.Anonymous):
            name = node.name.lower()
            if name in self.macros:
                raise Untranslatable(f"the macro {name} is left unexpanded")
            if name in NOT_ON_SPARK:
                raise Untranslatable(f"{name}() has no Spark equivalent")
        for func in tree.find_all(exp.JarowinklerSimilarity, exp.RegexpFullMatch):
            raise Untranslatable(f"{func.sql_name().lower()}() is left unrewritten")
        for create in tree.find_all(exp.Create):
            if str(create.args.get("kind")).upper() == "MACRO":
                raise Untranslatable("CREATE MACRO: Spark has no macros")


@dataclass(frozen=True)
class Step:
    """One statement of a file, for the engine: make a table (or view) from a query, drop one, or
    append a query's rows to a table."""

    action: str  # "table", "view", "drop" or "insert"
    name: str
    sql: str  # Spark SQL of the query ("" for drop)
    source: str  # file and statement number, for messages
    added: exp.Alter | None = field(default=None, compare=False, repr=False)  # from ALTER TABLE ADD COLUMN
    # the tables to make first, of the CTEs the statement reads more than once (hoist.py), dropped after it
    before: tuple[Step, ...] = ()


def steps(name: str, params: dict, translator: Translator | None = None) -> list[Step]:
    """The statements of reconcile/sql/<name>, translated for the engine. Neighbouring ALTER TABLE
    ... ADD COLUMN statements of one table are one step: DuckDB takes one column per statement, and
    each step makes the table again."""
    out: list[Step] = []
    first = 0  # the number of the statement the last step began with
    for i, text in enumerate(statements(sql_text(name)), start=1):
        step = statement_step(text, params, f"{name} #{i}", translator)
        last = out[-1] if out else None
        if step.added is not None and last is not None and last.added is not None and last.name == step.name:
            both = last.added.copy()
            both.set("actions", [*last.added.args["actions"], *step.added.args["actions"]])
            sql = (translator or Translator()).sql(_added(both))
            out[-1] = Step("table", step.name, sql, f"{name} #{first}-{i}", both)
            continue
        first = i
        out.append(step)
    return out


PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")
_translated: dict[tuple, Step] = {}  # by statement, source and the values of its parameters


def statement_step(text: str, params: dict, source: str, translator: Translator | None = None) -> Step:
    """One statement as a Step. With the project's macros (no translator given) a statement is
    translated once for the values of the parameters it names: a run translates noncash_share.sql
    twice (for a partial month and a whole one), and a process that runs several months (the tests)
    translates each statement once, not per run (sqlglot takes seconds over every file)."""
    if translator is not None:
        return _statement_step(text, params, source, translator)
    names = sorted(set(PARAMETER.findall(text)))
    key = (text, source, tuple((n, repr(params[n])) for n in names if n in params))
    if key not in _translated:
        if len(_translated) > 4096:  # the values of each run's own ($run_id) are not kept for ever
            _translated.clear()
        _translated[key] = _statement_step(text, {n: params[n] for n in names if n in params}, source, Translator())
    return _translated[key]


def _statement_step(text: str, params: dict, source: str, translator: Translator) -> Step:
    try:
        tree = translator.tree(text, params)
        if isinstance(tree, exp.Drop):
            dropped = tree.find(exp.Table)
            assert dropped is not None  # DROP TABLE or VIEW names what it drops
            return Step("drop", dropped.name, "", source)
        if isinstance(tree, exp.Create):
            kind = str(tree.args.get("kind")).upper()
            if kind not in ("TABLE", "VIEW") or not isinstance(tree.expression, exp.Query):
                raise Untranslatable(f"CREATE {kind} is not a query the engine can run")
            if kind == "VIEW":
                return Step("view", tree.this.name, translator.sql(tree.expression), source)
            made, query = hoisted(tree.expression, tree.this.name)
            before = tuple(Step("table", name, translator.sql(q), source) for name, q in made)
            return Step("table", tree.this.name, translator.sql(query), source, before=before)
        if isinstance(tree, exp.Insert):
            query = tree.expression.copy()
            if tree.args.get("with_"):  # INSERT INTO t WITH ... SELECT: the CTEs go with the SELECT
                query.set("with_", tree.args["with_"].copy())
            if not isinstance(query, exp.Query) or tree.args.get("by_name"):
                raise Untranslatable("an INSERT that is not INSERT INTO table SELECT ...")
            return Step(
                "insert",
                tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name,
                translator.sql(query),
                source,
            )
        if isinstance(tree, exp.Query):
            return Step("query", "", translator.sql(tree), source)
        if isinstance(tree, exp.Alter):
            return Step("table", tree.this.name, translator.sql(_added(tree)), source, tree)
        if isinstance(tree, exp.Update):
            return Step("table", tree.this.name, translator.sql(_updated(tree)), source)
        raise Untranslatable(f"a {type(tree).__name__} statement")
    except Untranslatable as exc:
        raise Untranslatable(f"{source}: {exc}") from None


def _added(tree: exp.Alter) -> exp.Expr:
    """ALTER TABLE t ADD COLUMN c T, ...: t with c, NULL of type T, after its columns."""
    actions = tree.args.get("actions") or []
    if (
        str(tree.args.get("kind")).upper() != "TABLE"
        or not actions
        or not all(isinstance(a, exp.ColumnDef) and a.args.get("kind") is not None for a in actions)
    ):
        raise Untranslatable("an ALTER TABLE other than ADD COLUMN name type")
    added = [exp.alias_(exp.cast(exp.null(), a.args["kind"]), a.name) for a in actions]
    return exp.select(exp.Star(), *added).from_(exp.to_table(tree.this.name))


def _updated(tree: exp.Update) -> exp.Expr:
    """UPDATE t AS a SET c = b.x, ... FROM s AS b WHERE a.k = b.k: t joined to s, each c taking
    b.x on a matched row and keeping its own value on the others. s must hold at most one row per
    row of t (as DuckDB's UPDATE ... FROM needs for a defined result)."""
    source = tree.args.get("from_")
    where = tree.args.get("where")
    target = tree.this
    if not (
        isinstance(target, exp.Table)
        and source is not None
        and isinstance(source.this, exp.Table)
        and source.this.alias
        and where is not None
        and isinstance(where.this, exp.EQ)
        and all(isinstance(side, exp.Column) for side in (where.this.this, where.this.expression))
        and all(isinstance(e, exp.EQ) and isinstance(e.expression, exp.Column) for e in tree.expressions)
    ):
        raise Untranslatable("an UPDATE other than SET column = column FROM table AS alias WHERE a = b")
    mine, theirs = target.alias_or_name, source.this.alias
    matched = "_rc_matched"
    columns = [e.this.name for e in tree.expressions]
    kept = exp.Column(this=exp.Star(except_=[exp.column(c) for c in columns]), table=exp.to_identifier(mine))
    values = [
        exp.alias_(
            exp.case().when(exp.column(matched, theirs), e.expression.copy()).else_(exp.column(c, mine)),
            c,
        )
        for c, e in zip(columns, tree.expressions, strict=True)
    ]
    hits = exp.select(exp.Star(), exp.alias_(exp.true(), matched)).from_(exp.to_table(source.this.name))
    return (
        exp.select(kept, *values)
        .from_(exp.to_table(target.name).as_(mine))
        .join(
            exp.Subquery(this=hits, alias=exp.TableAlias(this=exp.to_identifier(theirs))),
            on=where.this.copy(),
            join_type="left",
        )
    )
