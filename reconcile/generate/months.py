"""A history of months (`reconcile generate --months N`): the same people month after month, each in
one state a month (paid as registered, or one of the planted cases), carried to the next month by a
draw from the row number, the month and the seed, so that the same seed writes the same history:

- the first month is the month `generate` writes alone, file for file;
- a problem is there again the next month at its chance in Persist, else it is fixed: the unpaid
  are paid (their arrears settled), the payments to the dead stop (`dead`: deceased, not paid, no
  finding), the suspended are either stopped (`held`: suspended, not paid) or reinstated, a returned
  transfer is returned again, else half the time not sent at all (MISSING_PAYMENT) and half the time
  paid, a shared account, a wrong ID or a second listing is corrected in the registry, a payee not
  in the registry is paid no more;
- among those paid as registered, new problems appear each month at their rates (those that need a
  registered account only where there is one); payees not in the registry appear from rows drawn
  after the beneficiaries, the next N rows for each month (`outside` until then); a wrong ID and a
  shared account are the registry's from the start and are not planted later;
- the dead stay deceased, with the date of death of the month they died; welfare amounts follow
  the standard level of each month, province codes the map of each month.

Each month is written as one month is (files.py), into a folder named by its period; ledger.py keeps
what the whole history must give: the cases, the overpayments, the arrears and the reissues.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path

import duckdb

from reconcile import areas
from reconcile.generate.config import GenerateConfig, Persist
from reconcile.generate.files import MonthWritten, write_month
from reconcile.generate.ledger import open_ledger, record_month, write_ledger
from reconcile.generate.payments import create_payments, create_truth
from reconcile.generate.people import create_people, create_registry, standard_level
from reconcile.pipeline import period_bounds

# the cases that can appear in a month among those paid as registered, in the order of their draw
APPEAR = (
    "missing",
    "amount",
    "duplicate",
    "deceased",
    "suspended",
    "account",
    "name",
    "cash",
    "returned",
    "twice_listed",
    "out_of_period",
)
NEEDS_ACCOUNT = ("account", "name", "cash", "returned")  # paid by transfer, or registered for one


def consecutive(period: str, months: int) -> list[str]:
    """`months` consecutive periods 'YYYY-MM' from `period`."""
    year, month = (int(x) for x in period.split("-"))
    return [f"{year + (month - 1 + k) // 12:04d}-{(month - 1 + k) % 12 + 1:02d}" for k in range(months)]


def write_history(
    con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, out: Path
) -> tuple[list[MonthWritten], dict[str, tuple[Path, int]]]:
    """Write cfg.months months into out/<YYYY-MM>/ and the truth across them into out; returns the
    months written and the truth files across months (name -> (path, rows))."""
    periods = consecutive(cfg.period, cfg.months)
    create_people(con, cfg, outsiders=cfg.beneficiaries * (cfg.months - 1))
    _create_folk(con, cfg)
    _create_chances(con, cfg.persist)
    open_ledger(con)
    written = []
    for m, period in enumerate(periods):
        month = replace(cfg, period=period, months=1)
        _create_states(con, cfg, m, period)
        _create_month_source(con, cfg, period)
        create_registry(con, "month_src")
        create_payments(con, month, "month_src")
        create_truth(con)
        _note_earlier_deaths(con, period)
        folder = out / period
        folder.mkdir(exist_ok=True)
        written.append(write_month(con, month, folder))
        record_month(con, period)
    return written, write_ledger(con, out)


def _create_folk(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig) -> None:
    """Who each person is, whatever the month (folk): registry_src's columns, the first month's
    scenario, the ID once corrected, the pre-2025 province code, and for a payee not in the
    registry the month they are first paid."""
    con.execute(
        """
        CREATE TEMP TABLE folk AS
        SELECT s.* EXCLUDE (scenario, status, date_of_death),
               s.scenario AS first_scenario,
               -- the planted wrong ID has its century digit 2 too high (people.py)
               CASE WHEN s.scenario = 'invalid_id'
                    THEN substr(s.vneid, 1, 3) || (substr(s.vneid, 4, 1)::INTEGER - 2)::VARCHAR || substr(s.vneid, 5)
                    ELSE s.vneid END AS vneid_ok,
               b.gso,
               CASE WHEN s.i < $n THEN 0 ELSE s.i // $n END AS first_month
        FROM registry_src AS s JOIN base AS b USING (i)""",
        {"n": cfg.beneficiaries},
    )


def _create_chances(con: duckdb.DuckDBPyConnection, persist: Persist) -> None:
    """The chance that each state is there again the next month (chances)."""
    names = [f.name for f in fields(Persist)]
    con.execute(
        "CREATE TEMP TABLE chances AS SELECT unnest($names) AS scenario, unnest($chances)::DOUBLE AS p",
        {"names": names, "chances": [float(getattr(persist, n)) for n in names]},
    )


def _create_states(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, m: int, period: str) -> None:
    """Each person's state in month m (states: i, scenario, died): the first month's scenarios, or
    the month before's carried on, fixed, or followed by a new problem."""
    start, _ = period_bounds(period)
    died = start - timedelta(days=15)  # as people.py: deceased in the month before
    if m == 0:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE states AS
            SELECT i, CASE WHEN first_scenario = 'unknown' AND first_month > 0 THEN 'outside'
                           ELSE first_scenario END AS scenario,
                   CASE WHEN first_scenario = 'deceased' THEN $died END::DATE AS died
            FROM folk""",
            {"died": died},
        )
        return
    # a new problem among those paid as registered: cumulative thresholds of the rates, in APPEAR's order
    params: dict[str, object] = {"seed": cfg.seed, "m": m, "died": died, "needs": list(NEEDS_ACCOUNT)}
    whens, edge = [], 0.0
    for k, name in enumerate(APPEAR):
        edge += getattr(cfg.rates, name)
        params[f"e{k}"], params[f"s{k}"] = edge, name
        whens.append(f"WHEN u < $e{k} THEN $s{k}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE states AS
        WITH prev AS (
            SELECT s.i, s.scenario AS was, s.died, f.channel, f.first_month, coalesce(k.p, 0) AS p,
                   (hash(s.i, $seed, $m, 'n') % 1000000) / 1000000.0 AS u,
                   (hash(f.shared_group, $seed, $m, 'g') % 1000000) / 1000000.0 AS u_group
            FROM states AS s JOIN folk AS f USING (i) LEFT JOIN chances AS k ON k.scenario = s.scenario
        ),
        next AS (
            SELECT i, was, died, channel,
                   CASE was
                       WHEN 'paid' THEN CASE {" ".join(whens)} ELSE 'paid' END
                       WHEN 'dead' THEN 'dead'
                       WHEN 'outside' THEN CASE WHEN first_month = $m THEN 'unknown' ELSE 'outside' END
                       WHEN 'unknown' THEN CASE WHEN u < p THEN 'unknown' ELSE 'outside' END
                       WHEN 'shared' THEN CASE WHEN u_group < p THEN 'shared' ELSE 'paid' END
                       WHEN 'deceased' THEN CASE WHEN u < p THEN 'deceased' ELSE 'dead' END
                       WHEN 'suspended' THEN CASE WHEN u < p THEN 'suspended' WHEN u < p + (1 - p) / 2 THEN 'held'
                                                  ELSE 'paid' END
                       WHEN 'returned' THEN CASE WHEN u < p THEN 'returned' WHEN u < p + (1 - p) / 2 THEN 'missing'
                                                 ELSE 'paid' END
                       ELSE CASE WHEN u < p THEN was ELSE 'paid' END
                   END AS scenario
            FROM prev
        )
        SELECT i,
               CASE WHEN was = 'paid' AND list_contains($needs, scenario) AND channel = 'cash' THEN 'paid'
                    ELSE scenario END AS scenario,
               CASE WHEN scenario = 'deceased' AND died IS NULL THEN $died ELSE died END::DATE AS died
        FROM next""",
        params,
    )


def _create_month_source(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, period: str) -> None:
    """The people as registered in the month (month_src, registry_src's columns): their state, the
    status and date of death it gives, the ID as the registry has it, the shared account while it is
    shared, the month's welfare amount and the province code of the month's map."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE month_src AS
        SELECT f.i, s.scenario,
               CASE WHEN s.scenario = 'shared' THEN f.shared_group END AS shared_group,
               f.program, f.channel,
               CASE WHEN s.scenario = 'invalid_id' THEN f.vneid ELSE f.vneid_ok END AS vneid,
               f.full_name, f.date_of_birth, f.gender,
               -- the standard level times the person's coefficient: exact in whole dong
               CASE WHEN f.program = 'welfare' THEN f.entitled_amount * $standard // $first_standard
                    ELSE f.entitled_amount END AS entitled_amount,
               f.bank_code, f.account_number,
               CASE WHEN $layout = '2025' THEN f.p2025 ELSE f.gso END AS province_code,
               f.p2025, f.h,
               CASE WHEN s.scenario IN ('deceased', 'dead') THEN 'deceased'
                    WHEN s.scenario IN ('suspended', 'held') THEN 'suspended'
                    ELSE 'active' END AS status,
               s.died AS date_of_death
        FROM folk AS f JOIN states AS s USING (i)""",
        {
            "standard": standard_level(period),
            "first_standard": standard_level(cfg.period),
            "layout": areas.layout_for(period),
        },
    )


def _note_earlier_deaths(con: duckdb.DuckDBPyConnection, period: str) -> None:
    """A death before the month before is not 'deceased last month' in the truth's note."""
    start, _ = period_bounds(period)
    con.execute(
        """
        UPDATE truth SET note = 'deceased in ' || strftime(r.date_of_death, '%m/%Y') || ', still paid'
        FROM registry_out AS r
        WHERE truth.code = 'PAID_AFTER_DEATH' AND r.vneid = truth.vneid AND r.date_of_death < $died""",
        {"died": start - timedelta(days=15)},
    )
