"""Normalise: the one home of how raw text becomes typed, canonical values (IDs, names, amounts,
dates, accounts, banks, areas), in DuckDB over whole columns.

The normalisers are SQL macros (macros.sql, installed with their reference data by reference.py);
stage.py turns the readers' RawTables into the staging tables stg_registry and stg_payments with
stage_*.sql; text.py folds text in Python the way the macro rc_fold does in SQL. The readers use
text.py, so this face imports nothing: import the module you need.
"""
