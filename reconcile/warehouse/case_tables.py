"""The warehouse's tables of cases: a finding followed across periods (`cases`, remade from flags and
events by every run, import and sign-off), the auditors' decisions on it (`case_events`, append-only and
hash-chained) and the periods signed off (`signoffs`, chained alike). reconcile/cases/ writes them."""

from __future__ import annotations

from reconcile.warehouse.tables import PERIOD, Col, Table

STATUSES = ("open", "in_review", "explained", "recovery", "recovered", "written_off", "closed")
STILL_OPEN = ("open", "in_review", "recovery")  # the statuses a case ages in
# A case's amount as its decision shows it in the workbook's findings (review import compares with it):
# what was recovered for recovery and recovered, and for open and in_review (a case sent back to review,
# or reopened by a run, keeps its total so far in the cell, so that a decision to recovery keeps it);
# what was written off for written_off; none otherwise, nor when it is 0. Given here, not by views.sql's
# rc_case_amount, which a database keeps as the version that last ran on it wrote it.
CASE_AMOUNT = (
    "nullif(CASE WHEN status IN ('recovery', 'recovered', 'open', 'in_review') THEN amount_recovered "
    "WHEN status = 'written_off' THEN amount_written_off END, 0)"
)

CHAIN = (
    Col("prev_hash", "VARCHAR", "hash of the event before it in the table (64 zeros for the first)"),
    Col(
        "hash",
        "VARCHAR",
        "HMAC-SHA256 under the database's key of prev_hash and the event's content: an event altered, "
        "removed or inserted breaks the chain (`reconcile verify`)",
    ),
)

CASE_TABLES: tuple[Table, ...] = (
    Table(
        "cases",
        "One problem of one subject followed across periods: (code, programme, subject), the subject being the "
        "beneficiary's ID, else the account, else the payment reference. Remade from flags and case_events by "
        "every run, review import, sign-off and removal; decisions live in case_events",
        (
            Col("case_id", "VARCHAR", "Stable id of the case (flags.case_id), the same in every period and re-run"),
            Col("code", "VARCHAR", "Finding code"),
            Col("severity", "VARCHAR", "low, medium, high or critical"),
            Col("program", "VARCHAR", "welfare, pension or unknown"),
            Col("subject", "VARCHAR", "What the case is about: vneid, account or payment_ref"),
            Col("vneid", "VARCHAR", "Beneficiary's ID, when the subject is the ID"),
            Col("account_number", "VARCHAR", "The account, when the subject is the account"),
            Col("payment_ref", "VARCHAR", "The payment reference, when the subject is the reference"),
            Col("province_code", "VARCHAR", "Beneficiary's province in the latest period flagged"),
            Col("commune_code", "VARCHAR", "Beneficiary's commune in the latest period flagged"),
            Col(
                "first_period",
                "VARCHAR",
                "First period flagged (a case whose findings are all gone, its periods run again or removed: as "
                "they said last, with periods_flagged 0); a removed period's findings do not count: NULL when "
                "none is left",
            ),
            Col(
                "last_period",
                "VARCHAR",
                "Latest period flagged (as first_period, of a case whose findings are gone; NULL when none is left)",
            ),
            Col("periods_flagged", "INTEGER", "Periods in which the case was flagged"),
            Col("flags", "BIGINT", "Findings of the case in every period (rows of flags)"),
            Col(
                "opened_period",
                "VARCHAR",
                "Period from which the case is open: its first period, or the period that reopened it (a "
                "reopening month removed since: the next period the database holds, else its latest; NULL "
                "when no period of it is left)",
            ),
            Col(
                "periods_open",
                "INTEGER",
                "Age: calendar months from opened_period to the latest period in the database, counted "
                "inclusively (a month the database lacks counts too), while the status is open, in_review or "
                "recovery and a finding of it is left (NULL otherwise: when opened_period is NULL, and when a re-run "
                "took its findings)",
            ),
            Col("status", "VARCHAR", "open, in_review, explained, recovery, recovered, written_off or closed"),
            Col("assignee", "VARCHAR", "Who the case is with (the latest decision)"),
            Col("decision", "VARCHAR", "What was decided (the latest decision)"),
            Col("comment", "VARCHAR", "The latest comment"),
            Col(
                "amount_at_stake",
                "BIGINT",
                "VND in question over every period flagged: paid for PAID_AFTER_DEATH, PAID_WHILE_INACTIVE, "
                "UNKNOWN_PAYEE and DUPLICATE_PAYMENT; the difference for AMOUNT_MISMATCH; due for "
                "MISSING_PAYMENT and PAYMENT_FAILED (once a period however many attempts failed); 0 for the others. "
                "Each payment once: one that another period's file holds too counts in one period only "
                "(flag_repeats). A case closed as explained that a run reopened: the money added since only, payment "
                "by payment (what was explained stays explained)",
            ),
            Col(
                "amount_recovered",
                "BIGINT",
                "VND recovered: the amount of the latest decision to recovery or recovered (0 when none)",
            ),
            Col(
                "amount_written_off",
                "BIGINT",
                "VND written off: the amount of the latest decision to written_off while that is the case's latest "
                "decision with an amount (0 when none, or when the case went back to recovery); a decision to "
                "recovery after a run reopened the case (paid again) keeps it",
            ),
            Col("events", "BIGINT", "Events of the case in case_events"),
            Col("updated_at", "TIMESTAMP", "Its latest event (UTC), else the latest run that flagged it"),
        ),
    ),
    Table(
        "case_events",
        "Every decision on a case and every reopening, append-only and hash-chained: `reconcile review import` "
        "records the rows an auditor changed in the workbook; a run records a closed case flagged again "
        "(reopened), and a re-run or removal of that month, the findings that reopened it gone, gives it back "
        "its status (reopening_undone)",
        (
            Col("seq", "BIGINT", "Order of the event in the table, from 1"),
            Col("case_id", "VARCHAR", "The case (cases.case_id)"),
            Col("at", "TIMESTAMP", "When it was recorded (UTC)"),
            Col(
                "by",
                "VARCHAR",
                "Who: the --by of the import, or 'reconcile' for a reopening by a run, or its undoing (BY is a "
                "keyword of SQL: "
                'write "by" in quotes)',
            ),
            Col(
                "action",
                "VARCHAR",
                "decision (from the workbook), reopened (flagged again after it was closed), or reopening_undone "
                "(the run that reopened it replaced by a re-run or removed, the findings that reopened it gone, "
                "and nobody having acted on it since: its status, decision and amount as before the reopening)",
            ),
            Col("from_status", "VARCHAR", "Status before"),
            Col("to_status", "VARCHAR", "Status after"),
            Col("assignee", "VARCHAR", "Who the case is with after the event"),
            Col("decision", "VARCHAR", "What was decided, after the event"),
            Col("comment", "VARCHAR", "The comment, after the event"),
            Col("amount", "BIGINT", "VND recovered (recovery, recovered) or written off (written_off), in all"),
            PERIOD,
            Col(
                "source",
                "VARCHAR",
                "Where it came from: the workbook's file name and sheet and row, or the run (for a reopening, "
                "with the findings new since the case was closed, by flag_id), or the re-run or removal that "
                "undid a reopening",
            ),
            *CHAIN,
        ),
    ),
    Table(
        "signoffs",
        "Periods signed off by a checker who is not the period's operator, and reopened; append-only and "
        "hash-chained. A period whose latest row is a signoff refuses a re-run and a removal",
        (
            Col("seq", "BIGINT", "Order of the row in the table, from 1"),
            PERIOD,
            Col("run_id", "VARCHAR", "The run that held the period (runs.run_id)"),
            Col("action", "VARCHAR", "signoff or reopen"),
            Col("by", "VARCHAR", 'Who signed off or reopened (--by); write "by" in quotes, a keyword of SQL'),
            Col("at", "TIMESTAMP", "When (UTC)"),
            Col("reason", "VARCHAR", "Why it was reopened (--reason)"),
            *CHAIN,
        ),
    ),
)

_RECOVERY_COLS = {
    "case_id": "The case (cases.case_id)",
    "code": "PAID_AFTER_DEATH or PAID_WHILE_INACTIVE",
    "vneid": "Beneficiary's ID",
    "program": "welfare or pension",
    "province_code": "Beneficiary's province in the latest period flagged",
    "commune_code": "Beneficiary's commune in the latest period flagged",
    "first_period": "First period flagged",
    "last_period": "Latest period flagged",
    "periods_flagged": "Periods in which it was flagged",
    "status": "The case's status",
    "overpaid": "VND paid after the death or while inactive, over every period flagged, each payment once "
    "(flag_repeats; cases.amount_at_stake); of a case closed as explained and reopened by a run, the money "
    "added since only",
    "recovered": "VND recovered, as decisions recorded (cases.amount_recovered)",
    "written_off": "VND written off, as decisions recorded (cases.amount_written_off)",
    "outstanding": "VND still to recover: overpaid less recovered and written off, never below 0",
    "excess": "VND recovered and written off beyond what was overpaid (a re-run of a period lowered the "
    "overpaid after the decisions): decisions to look into; 0 otherwise",
}

# the views of cases and money follow-up, with their columns' COMMENTs (history.VIEW_COMMENTS)
CASE_VIEW_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "recoveries": (
        "Overpayments to recover: one row per case of money paid after a death or while inactive, over every "
        "period flagged, with what decisions recorded as recovered and written off, and what is outstanding; "
        "not a case explained (nothing to recover), nor one closed as explained",
        _RECOVERY_COLS,
    ),
    "recoveries_by_province": (
        "The recoveries added up by province and programme",
        {
            "province_code": "Province (NULL when unknown)",
            "program": "welfare or pension",
            "cases": "Cases of overpayment",
            "overpaid": "VND overpaid",
            "recovered": "VND recovered",
            "written_off": "VND written off",
            "outstanding": "VND still to recover",
            "cases_outstanding": "Cases with money still to recover",
            "excess": "VND recovered and written off beyond what was overpaid, over the cases (recoveries.excess)",
        },
    ),
    "arrears": (
        "Arrears as of the latest period: each active beneficiary and programme with no successful payment in it "
        "(MISSING_PAYMENT), the consecutive calendar months unpaid that end with it, and the amount due over them; "
        "a later payment settles them, and a month is paid by a payment dated in it that another month's file holds "
        "(a statement running into the next month), or by a later back payment (truy lĩnh) naming it, for what it "
        "paid the month (back_pay.paid): a month paid less than its amount due (beyond the amount tolerance) stays "
        "for the rest. Counted per ID: an ID the registry corrected starts again at its first month (earlier_vneid "
        "names the ID it may have replaced)",
        {
            "vneid": "Beneficiary's ID",
            "program": "welfare or pension",
            "province_code": "Beneficiary's province",
            "commune_code": "Beneficiary's commune",
            "since_period": "First of the consecutive periods unpaid",
            "as_of_period": "The latest period in the database",
            "months_unpaid": "Consecutive periods unpaid, the latest included",
            "amount_owed": "VND due over them, less what back payments paid of them",
            "partial": "A month of them was reconciled with --partial (a source missing): the arrears may be "
            "overstated; check the people of the missing source when its file comes",
            "earlier_vneid": "An ID this one may have replaced: unpaid the month before since_period, of the same "
            "programme, name, date of birth and account, listed that month and not in since_period's registry, "
            "while this ID was not listed the month before. Its months unpaid are not counted here (the registry "
            "links no ID to another): check it, reconcile show; NULL when none or several fit",
        },
    ),
    "back_pay": (
        "Back payments (truy lĩnh): one row per back payment and month it paid. A successful payment whose "
        "narrative says arrears (truy lĩnh, truy trả, truy chi) and names months, each before its period, for "
        "at most the amount due times the months named, is the money of those months, not of its own (no "
        "DUPLICATE_PAYMENT or AMOUNT_MISMATCH; the arrears count the months paid). month_was says what the "
        "database holds of the month: a month paid already may be paid twice",
        {
            "period": "Period of the file that holds the back payment",
            "payment_id": "The payment (payments.payment_id)",
            "payment_ref": "The payment's reference",
            "vneid": "Beneficiary's ID",
            "program": "welfare or pension",
            "province_code": "Beneficiary's province",
            "commune_code": "Beneficiary's commune",
            "month": "A month it paid, YYYY-MM",
            "amount": "VND due for the month: the amount due in the payment's period",
            "paid": "VND the back payment paid for the month: its amount shared equally over the months it names",
            "month_was": "unpaid (MISSING_PAYMENT there, not paid by another month's file; or paid there and given back as "
            "returned by a later month's file); paid (paid there, or "
            "named by an earlier back payment: it may be paid twice); not due (not listed active there); not held "
            "(the database holds no run of the month)",
        },
    ),
    "paid_ahead": (
        "Months paid together (before Tết, January pays February too): one row per payment and month after its "
        "period it paid ahead. A successful payment for the amount due times the months, whose narrative names "
        "its period and the months after it (tháng 01+02/2025), or, in a January, of a programme of "
        "matching.february_with_january, twice the amount due with a narrative that names no month but January "
        "and February: its period's run counts one payment of the amount due (no AMOUNT_MISMATCH); the runs of "
        "the months it paid count them paid (no MISSING_PAYMENT; a payment there too is a DUPLICATE_PAYMENT)",
        {
            "period": "Period of the file that holds the payment",
            "payment_id": "The payment (payments.payment_id)",
            "payment_ref": "The payment's reference",
            "vneid": "Beneficiary's ID",
            "program": "welfare or pension",
            "province_code": "Beneficiary's province",
            "commune_code": "Beneficiary's commune",
            "month": "A month after its period it paid, YYYY-MM",
            "amount": "VND due for the month: the amount due in the payment's period",
        },
    ),
    "flag_repeats": (
        "Findings whose money another finding counts: on a payment that another period's file holds too (a "
        "bank statement overlapping the month before, or running into the next): the same reference, amount, "
        "value date, payee and outcome, flagged alike there; or a failed payment the bank tried again in its "
        "period and that failed again (PAYMENT_FAILED, the same beneficiary and programme). The finding stays; "
        "its money is counted once, in the finding named here: the row of the period the payment is dated in, "
        "else the earliest; of failed attempts, the last; a failed payment whose month a later failed back payment "
        "(truy lĩnh) of the case names, in that back payment's finding",
        {
            "period": "Period of the finding whose money is not counted again",
            "flag_id": "The finding (flags.flag_id)",
            "case_id": "Its case (cases.case_id)",
            "code": "Finding code",
            "payment_ref": "The payment's reference",
            "counted_period": "Period of the finding whose money counts",
            "counted_flag_id": "The finding whose money counts (flags.flag_id)",
        },
    ),
    "period_summary": (
        "The findings of each period by code beside the period before it in the database: how many, the money "
        "in question, and the change; every code has a row in every period",
        {
            "period": "Period YYYY-MM",
            "code": "Finding code",
            "severity": "low, medium, high or critical",
            "findings": "Findings of the code in the period",
            "amount": "VND in question (paid for overpayments, the difference for AMOUNT_MISMATCH, due for "
            "MISSING_PAYMENT and PAYMENT_FAILED, 0 for the others); a payment counted in another period, or "
            "an earlier failed attempt of one (flag_repeats), is not counted again",
            "previous_period": "The period before it in the database (NULL for the first)",
            "previous_findings": "Findings of the code in the previous period",
            "change": "findings less previous_findings",
            "previous_amount": "amount in the previous period",
            "amount_change": "amount less previous_amount",
        },
    ),
}
