"""Which of a statement's own checks made while it is read a run makes: its running balance row by
row (balances.py), the chain of its daily statements (chain.py), and the totals and balances a camt or
MT940 statement states against its entries (camt_totals.py, mt940_balances.py: control totals, as a
totals row's are). Each is on unless `[checks]` in the config turns it off (`running_balance = false`,
`statement_chain = false`, `control_totals = false`: a statement checked by hand against the bank's, a
bank's known export fault); a run sets them before it reads
(`limits.use`), and `reconcile check`, which takes no config, always makes them."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class Guards:
    control_totals: bool = True
    running_balance: bool = True
    statement_chain: bool = True


CURRENT = Guards()


def use(checks) -> None:
    """Take the guards of a run's settings (`Settings.checks`), or the defaults when None."""
    for f in fields(Guards):
        setattr(CURRENT, f.name, getattr(checks, f.name) if checks is not None else f.default)
