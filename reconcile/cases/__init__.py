"""Cases: findings that auditors act on, across months.

A case is one problem of one subject followed across periods: (code, programme, subject), the subject
being the beneficiary's ID, else the account, else the payment reference. Every flag carries its case's
`case_id`, a keyed hash of those (store_flags.sql; keys.case_id), so a case keeps its id through
re-runs and months. `cases` is remade from flags and events (refresh.py); the auditors' decisions
are events in `case_events`, append-only and hash-chained (chain.py), recorded from the workbook by
`reconcile review import` (review.py) under the lifecycle of lifecycle.py; `signoffs` records the
periods signed off and reopened (signoff.py).
"""
