"""The spark-submit entry point (docs/spark.md):

    spark-submit --master URL --py-files shoplens_spark.zip spark/submit.py daily --date D

Next to a checkout, `spark/src` is found by itself; on a cluster ship the package with
--py-files (a zip of spark/src/shoplens_spark) and the contract with SHOPLENS_ROOT.
"""
import sys
from pathlib import Path

_src = Path(__file__).resolve().parent / "src"
if _src.is_dir():
    sys.path.insert(0, str(_src))

from shoplens_spark.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
