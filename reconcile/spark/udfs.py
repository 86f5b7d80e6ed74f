"""Functions Spark lacks, as Python UDFs the engine registers on its session.

The functions import nothing from reconcile (register, which runs on the driver, aside), and the
engine ships them to the executors by value (cloudpickle), so a cluster's workers need Python, not
reconcile installed.
"""

from __future__ import annotations

import math


def jaro(s1: str, s2: str) -> float:
    """Jaro similarity: matching characters within half the longer length, less half the transpositions."""
    n1, n2 = len(s1), len(s2)
    if not n1 or not n2:  # DuckDB: 0 when either is empty, even both
        return 0.0
    if s1 == s2:
        return 1.0
    window = max(max(n1, n2) // 2 - 1, 0)
    taken1, taken2 = [False] * n1, [False] * n2
    matches = 0
    for i, c in enumerate(s1):
        for j in range(max(0, i - window), min(n2, i + window + 1)):
            if not taken2[j] and s2[j] == c:
                taken1[i] = taken2[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions, k = 0, 0
    for i in range(n1):
        if taken1[i]:
            while not taken2[k]:
                k += 1
            if s1[i] != s2[k]:
                transpositions += 1
            k += 1
    transpositions //= 2
    return (matches / n1 + matches / n2 + (matches - transpositions) / matches) / 3


def jaro_winkler(s1: str | None, s2: str | None) -> float | None:
    """DuckDB's jaro_winkler_similarity (the rapidfuzz definition): Jaro, raised for a common prefix
    of up to 4 characters by 0.1 a character, when Jaro is above 0.7. To the last bit: DuckDB's
    build computes the raise as one fused multiply-add (a single rounding), and so does this."""
    if s1 is None or s2 is None:
        return None
    similarity = jaro(s1, s2)
    if similarity > 0.7:
        prefix = 0
        for a, b in zip(s1[:4], s2[:4]):
            if a != b:
                break
            prefix += 1
        similarity = min(_fma(prefix * 0.1, 1.0 - similarity, similarity), 1.0)
    return similarity


def _fma(a: float, b: float, c: float) -> float:
    """a * b + c rounded once (math.fma from Python 3.13)."""
    if hasattr(math, "fma"):
        return math.fma(a, b, c)
    from fractions import Fraction

    return float(Fraction(a) * Fraction(b) + Fraction(c))


def register(spark) -> None:
    """Register the functions under the names the translated SQL calls."""
    import sys

    from pyspark import cloudpickle
    from pyspark.sql.functions import udf
    from pyspark.sql.types import DoubleType

    from reconcile.spark.translate import JARO_WINKLER_UDF  # on the driver: the workers get the function only

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # a lambda: pyspark reads the type hints of a function as a request for a pandas UDF. Not through
    # Arrow, which Spark 4 tries first: it needs pandas, which reconcile does not install, and warns.
    spark.udf.register(JARO_WINKLER_UDF, udf(lambda a, b: jaro_winkler(a, b), DoubleType(), useArrow=False))
