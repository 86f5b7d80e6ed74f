-- The beneficiaries and programmes whom a payment of an earlier month, held in the database, paid
-- this month ahead (views.sql's paid_ahead: months paid together, as January pays February before
-- Tết), for facts.sql's cur_paid_earlier. Run by a DuckDB run whose database holds the view; the
-- months paid ahead are never more than a year after their payment. Few rows.
CREATE OR REPLACE TEMP TABLE cur_paid_before AS
SELECT vneid, program, period, payment_ref
FROM main.paid_ahead
WHERE month = $period AND period < $period AND period >= strftime($period_start - INTERVAL 12 MONTH, '%Y-%m');
