"""The SQL the Spark engine runs: every file translates, each rewrite means what DuckDB means, and
a construct Spark would run differently fails here, when translated, not in a run.

Needs sqlglot (the spark extra), not Spark itself: tests/test_spark.py runs the translated SQL.
"""

import datetime as dt
import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.spark

pytest.importorskip("sqlglot", reason="sqlglot is not installed (pip install 'reconcile[spark]')")

from reconcile.config import Settings  # noqa: E402
from reconcile.keys import pads  # noqa: E402
from reconcile.pipeline import run_params  # noqa: E402
from reconcile.rules import Rule, catalogue  # noqa: E402
from reconcile.spark import engine  # noqa: E402
from reconcile.spark.translate import Translator, Untranslatable, statement_step  # noqa: E402
from reconcile.spark.udfs import jaro_winkler  # noqa: E402

PARAMS = {**run_params("2024-09", Settings()), **pads(bytes(range(1, 33)))}  # a run's, with a key


def spark_sql(sql: str, params: dict | None = None) -> str:
    return Translator().translate(sql, params or PARAMS)


def test_every_file_the_engine_runs_translates():
    plan = engine.plan(PARAMS)
    assert [rule.code for rule, _ in plan.rules] == [r.code for r in catalogue()]
    assert len(plan.rules) == 14
    assert [(s.action, s.name) for s in plan.load] == [
        ("table", "cur_registry_ids"),
        ("table", "stg_registry"),  # ALTER TABLE ... ADD COLUMN three times: the table made again once
        ("table", "stg_registry"),  # UPDATE: the ids written in
        ("view", "cur_registry"),
        ("drop", "cur_registry_ids"),
        ("table", "cur_refs_twice"),
        ("table", "cur_payment_ids"),
        ("table", "stg_payments"),  # two ALTERs, one step
        ("table", "stg_payments"),
        ("view", "cur_payments"),
        ("drop", "cur_payment_ids"),
        ("table", "cur_repeats"),
    ]
    alters = plan.load[1]
    assert alters.source == "load_current.sql #2-4"
    assert alters.sql.endswith(
        "SELECT *, CAST(NULL AS BIGINT) AS registry_id, CAST(NULL AS INT) AS file_order, "
        "CAST(NULL AS BOOLEAN) AS is_primary FROM stg_registry"
    )
    assert [(s.action, s.name) for s in plan.match] == [
        ("table", "cur_match_found"),
        ("table", "cur_match_both"),  # a person in both programmes: the programme of each payment
        ("view", "cur_matches"),
    ]
    # the passes of matching that later passes read again are made tables first (hoist.py); `reg`,
    # NOT MATERIALIZED, is read where it is used
    found = plan.match[0]
    assert [s.name for s in found.before] == [
        f"cur_match_found__{cte}"
        for cte in (
            "in_both",
            "by_id",
            "no_id",
            "account_pairs",
            "paired",
            "by_account",
            "after_account",
            "by_name_dob",
        )
    ]
    assert "cur_match_found__reg" not in found.sql and "WITH reg AS" in found.before[1].sql
    assert "FROM cur_match_found__by_id AS by_id" in found.sql
    assert [(s.action, s.name) for s in plan.facts] == [
        ("table", "cur_paid_before"),  # no earlier month held: none paid ahead (paid_before_none.sql)
        ("table", "cur_listed_twice"),  # the IDs listed more than once: a death on any of their rows
        ("table", "pm"),
        ("table", "cur_account_fixes"),
        ("table", "cur_back_pay"),  # back payments of earlier months (truy lĩnh): not the month's own
        ("table", "cur_paid_ahead"),  # months paid together (January pays February)
        ("table", "cur_paid_earlier"),
        ("table", "cur_beneficiary_paid"),
    ]
    assert (plan.flags.action, plan.flags.name) == ("insert", "flags")
    for partial in (False, True):
        assert [(s.action, s.name) for s in plan.noncash[partial] if s.action != "drop"] == [
            ("table", "nc_paid"),
            ("table", "nc_places"),
            ("table", "nc_place_channels"),
            ("table", "nc_people"),
            ("table", "nc_several"),
            ("table", "nc_rows"),
            ("insert", "noncash_share_rows"),
        ]
    assert {name: step.action for name, step in plan.checks.items()} == {
        "scientific": "query",
        "digits_lost": "query",
        "period": "query",
        "named_month": "query",
        "thousands": "query",
        "registry_repeats": "query",
        "repeats": "query",
        "scale": "query",
        "unmatched": "query",
        "stand_in": "query",
        "coverage": "query",
        "coverage_communes": "query",
        "registry_files": "query",
    }
    assert [(s.action, s.name) for s in plan.file_counts] == [("table", "cur_file_counts")]


HOISTED = """
WITH once AS (SELECT k, v FROM t WHERE v < 3),
     kept AS NOT MATERIALIZED (SELECT k, v FROM t),
     twice AS (SELECT k, sum(v) AS total FROM kept GROUP BY k),
     thrice AS (SELECT t2.k, t2.total FROM twice AS t2 WHERE t2.k NOT IN (SELECT k FROM once))
SELECT a.k, a.total, b.total AS again, (SELECT count(*) FROM thrice) AS n
FROM thrice AS a JOIN twice AS b ON a.k = b.k
WHERE a.k IN (SELECT k FROM thrice) AND a.k IN (SELECT k FROM kept)
ORDER BY a.k
"""


def test_ctes_read_more_than_once_are_made_tables_first_and_give_the_same_rows():
    """hoist.py on DuckDB itself: the CTEs made tables, then the statement reading them, give the rows
    the statement gives whole; a CTE read once, or NOT MATERIALIZED, stays in place."""
    import sqlglot

    from reconcile.spark.hoist import INLINE, hoisted

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT i % 7 AS k, i AS v FROM range(60) AS r(i)")
    whole = con.execute(HOISTED).fetchall()
    tree = sqlglot.parse_one(HOISTED, read="duckdb")
    for cte in tree.args["with_"].expressions:  # as Translator._rewrite marks the hint
        cte.meta[INLINE] = cte.args.get("materialized") is False
        cte.set("materialized", None)
    made, query = hoisted(tree, "out")
    assert [name for name, _ in made] == ["out__twice", "out__thrice"]
    for name, first in made:
        con.execute(f"CREATE TEMP TABLE {name} AS {first.sql('duckdb')}")
    assert "kept AS" in made[0][1].sql("duckdb")  # read where it is used, here and in the statement
    assert con.execute(query.sql("duckdb")).fetchall() == whole
    assert [k for k, *_ in whole] == [3, 4, 5, 6]

    once = sqlglot.parse_one("WITH a AS (SELECT 1 AS k) SELECT * FROM a", read="duckdb")
    assert hoisted(once, "out") == ([], once)
    shadowed = sqlglot.parse_one(
        "WITH a AS (SELECT 1 AS k) SELECT * FROM a, (WITH a AS (SELECT 2 AS j) SELECT j FROM a) AS b, a AS c",
        read="duckdb",
    )
    assert hoisted(shadowed, "out") == ([], shadowed)


@pytest.mark.parametrize("rule", catalogue(), ids=lambda r: r.code)
def test_each_rule_translates_without_a_macro_or_parameter_left(rule):
    from sqlglot import exp

    assert statement_step(rule.sql.strip().rstrip(";"), PARAMS, rule.file).action == "query"
    tree = Translator().tree(rule.sql.strip().rstrip(";"), PARAMS)
    assert list(tree.find_all(exp.Placeholder)) == []
    assert {f.name for f in tree.find_all(exp.Anonymous) if f.name.lower().startswith("rc_")} <= {"rc_jaro_winkler"}


def test_a_rule_that_cannot_be_translated_stops_the_plan_naming_its_file(monkeypatch):
    bad = Rule(
        "NEW_RULE",
        catalogue()[0].severity,
        "en",
        "vi",
        "SELECT strip_accents(full_name) AS detail FROM cur_registry",
        "rules/NEW_RULE.sql",
    )
    monkeypatch.setattr(engine, "catalogue", lambda: [*catalogue(), bad])
    with pytest.raises(Untranslatable, match=r"^rules/NEW_RULE.sql: strip_accents\(\) has no Spark equivalent$"):
        engine.plan(PARAMS)


def test_the_cli_refuses_an_untranslatable_rule_before_starting_spark(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from reconcile.cli import cli

    bad = Rule(
        "NEW_RULE",
        catalogue()[0].severity,
        "en",
        "vi",
        "SELECT format('{:.2f}', amount) AS detail FROM pm",
        "rules/NEW_RULE.sql",
    )
    monkeypatch.setattr(engine, "catalogue", lambda: [*catalogue(), bad])
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--engine",
            "spark",
            "--period",
            "2024-09",
            "--registry",
            "r.parquet",
            "--payments",
            "p.parquet",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "reconcile: error: a rule cannot run on Spark: rules/NEW_RULE.sql: format('{:.2f}', ...) has no Spark "
        "equivalent here; run it with --engine duckdb"
    )


@pytest.mark.parametrize(
    "sql, problem",
    [
        ("SELECT nfc_normalize(x) FROM t", "nfc_normalize() has no Spark equivalent"),
        ("SELECT try_strptime(x, '%d/%m/%Y') FROM t", "try_strptime() has no Spark equivalent"),
        ("SELECT regexp_replace(x, 'a', 'b', 'i') FROM t", "regexp_replace with the options 'i'"),
        (
            "SELECT regexp_replace(x, y, 'b') FROM t",
            "regexp_replace with a pattern or replacement that is not a literal",
        ),
        ("SELECT regexp_matches(x, '[[:foo:]]') FROM t", "a POSIX class Java does not read in the pattern '[[:foo:]]'"),
        ("SELECT rc_vneid_valid(a, b) FROM t", "macro rc_vneid_valid takes 1 arguments, given 2"),
        ("SELECT x FROM t WHERE y = $nowhere", "the parameter $nowhere is not supplied"),
        ("SELECT count(DISTINCT a, b) OVER (PARTITION BY c) FROM t", "count(DISTINCT over several columns) OVER (...)"),
    ],
)
def test_what_spark_would_run_differently_is_refused(sql, problem):
    with pytest.raises(Untranslatable) as caught:
        spark_sql(sql)
    assert str(caught.value) == problem


def test_macros_are_expanded_with_their_arguments_down_to_the_reference_table():
    assert spark_sql("SELECT rc_vneid_valid(vneid) AS ok FROM t") == (
        "SELECT (COALESCE(LENGTH((vneid)) = 12 AND SUBSTRING((vneid), 1, 3) IN "
        "(SELECT cccd_code FROM ref_birth_province), FALSE)) AS ok FROM t"
    )


def test_parameters_become_literals_dates_typed():
    assert spark_sql("SELECT * FROM t WHERE d <= $period_end AND p = $period AND s >= $name_similarity") == (
        "SELECT * FROM t WHERE d <= CAST('2024-09-30' AS DATE) AND p = '2024-09' AND s >= 0.92"
    )


def test_count_distinct_over_a_window_becomes_the_size_of_a_set():
    assert spark_sql("SELECT count(DISTINCT v) OVER (PARTITION BY p) AS n FROM t") == (
        "SELECT SIZE(COLLECT_SET(v) OVER (PARTITION BY p)) AS n FROM t"
    )


def test_thousands_separators_become_format_number():
    assert spark_sql("SELECT 'Paid ' || format('{:,}', total) AS d FROM t") == (
        "SELECT 'Paid ' || FORMAT_NUMBER(total, 0) AS d FROM t"
    )


@pytest.mark.parametrize("hint", ["NOT MATERIALIZED", "MATERIALIZED"])
def test_a_cte_materialization_hint_for_duckdb_is_left_to_spark(hint):
    assert spark_sql(f"WITH r AS {hint} (SELECT a FROM t) SELECT a FROM r UNION ALL SELECT a FROM r") == (
        "WITH r AS (SELECT a FROM t) SELECT a FROM r UNION ALL SELECT a FROM r"
    )


def test_regexp_replace_keeps_duckdbs_first_match_only_and_java_group_references():
    assert spark_sql("SELECT regexp_replace(s, '(.{4})(.{4})', '\\1-\\2') FROM t") == (
        "SELECT REGEXP_REPLACE(s, '(?s)^(.*?)(?:(.{4})(.{4}))', '$1$2-$3') FROM t"
    )
    assert (
        spark_sql("SELECT regexp_replace(s, '[ .]', '', 'g') FROM t") == "SELECT REGEXP_REPLACE(s, '[ .]', '') FROM t"
    )
    assert (
        spark_sql("SELECT regexp_replace(s, 'x', '$', 'g') FROM t") == "SELECT REGEXP_REPLACE(s, 'x', '\\\\$') FROM t"
    )
    assert spark_sql("SELECT regexp_full_match(s, '[0-9]+') FROM t") == "SELECT s RLIKE '^(?:[0-9]+)$' FROM t"
    assert spark_sql("SELECT regexp_matches(s, '[[:space:]]') FROM t") == "SELECT s RLIKE '[\\\\p{Space}]' FROM t"


def test_jaro_winkler_becomes_the_udf():
    assert spark_sql("SELECT jaro_winkler_similarity(a, b) FROM t") == "SELECT RC_JARO_WINKLER(a, b) FROM t"


# -- the Jaro-Winkler UDF against DuckDB's --------------------------------------------------------

KEYS = [
    "NGUYEN THI THANH HUONG",
    "NGUYEN THI THANH HUO",
    "NGUYEN THI THAMH HUONG",
    "TRAN VAN BINH",
    "TRAN VAN BIHN",
    "LE THI HOA",
    "LE THI HOAN",
    "DANG VAN DUC",
    "DANG VAN DUCC",
    "",
    "A",
    "PHAM",
    "PHAM MINH",
]


def duckdb_jw(pairs):
    con = duckdb.connect()
    con.execute("CREATE TABLE p (i INTEGER, a VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", [(i, a, b) for i, (a, b) in enumerate(pairs)])
    return [r[0] for r in con.execute("SELECT jaro_winkler_similarity(a, b) FROM p ORDER BY i").fetchall()]


def test_jaro_winkler_equals_duckdbs_to_the_last_bit_on_name_keys():
    pairs = [(a, b) for a in KEYS for b in KEYS]
    assert [jaro_winkler(a, b) for a, b in pairs] == duckdb_jw(pairs)
    # the prefix raise is one fused multiply-add in DuckDB: a separate multiply and add is one bit off here
    assert jaro_winkler("MTKSIBLACDVTBHPLVK", "M KSIBLACDVTBHPLVK") == 0.9666666666666667
    assert jaro_winkler("", "") == 0.0 and jaro_winkler(None, "A") is None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.text("ABCDĐHNTƯ ", max_size=24), st.text("ABCDĐHNTƯ ", max_size=24)), min_size=1, max_size=40)
)
def test_jaro_winkler_equals_duckdbs_on_any_strings(pairs):
    assert [jaro_winkler(a, b) for a, b in pairs] == duckdb_jw(pairs)


def test_jaro_winkler_equals_duckdbs_on_mutated_names():
    rng = random.Random(5)
    pairs = []
    for _ in range(3000):
        a = rng.choice(KEYS[:9])
        b = list(a)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] = rng.choice("ABCDEGHNT ")
        pairs.append((a, "".join(b)))
    assert [jaro_winkler(a, b) for a, b in pairs] == duckdb_jw(pairs)


def test_params_of_a_run_are_the_ones_the_sql_uses():
    assert {"period", "period_start", "period_end", "run_id", "name_similarity"} <= PARAMS.keys()
    assert PARAMS["period_end"] == dt.date(2024, 9, 30)


# -- starting Spark: what a machine without it is told --------------------------------------------


def test_without_pyspark_the_run_says_how_to_install_it(monkeypatch, tmp_path):
    import sys

    from click.testing import CliRunner

    from reconcile.cli import cli

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if pyspark were not installed
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--engine",
            "spark",
            "--period",
            "2024-09",
            "--registry",
            "r.parquet",
            "--payments",
            "p.parquet",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "reconcile: error: --engine spark needs pyspark, which is not installed; "
        "install it with: pip install 'reconcile[spark]'"
    )


def test_without_java_a_local_session_is_refused_before_it_starts(monkeypatch):
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'reconcile[spark]')")
    from pyspark.sql import SparkSession

    from reconcile.errors import ReconcileError
    from reconcile.spark import session

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setattr(session.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    with pytest.raises(ReconcileError) as caught:
        session.get_session("local[2]")
    assert str(caught.value) == (
        "--engine spark needs Java 17 or later, and none is on this machine (no java on "
        "PATH, no JAVA_HOME); install a JDK, such as openjdk-17-jre"
    )


@pytest.mark.parametrize("master, cores", [("local", 1), ("local[3]", 3), ("local[2,4]", 2), ("local[*]", None)])
def test_a_local_session_has_as_many_shuffle_partitions_as_cores(master, cores):
    import os

    from reconcile.spark.session import _local_cores

    assert _local_cores(master) == (cores or os.cpu_count())
