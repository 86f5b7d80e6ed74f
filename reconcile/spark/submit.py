"""`reconcile run --engine spark` as a script for spark-submit, which takes a file, not a command:

    spark-submit --master yarn "$(python -c 'import reconcile.spark.submit as s; print(s.__file__)')" \
        --period 2024-09 --registry hdfs:///staged/registry.parquet --payments hdfs:///staged/payments.parquet \
        --out hdfs:///reconcile

The arguments are those of `reconcile run --engine spark`; the session, master and settings are
spark-submit's.
"""

import sys

from reconcile.cli import main

if __name__ == "__main__":
    sys.argv = ["reconcile", "run", "--engine", "spark", *sys.argv[1:]]
    main()
