"""Shared code of the shoplens DAGs.

Everything here imports only the standard library at module level, so DAG files parse
fast; psycopg and boto3 are imported inside the functions that talk to PostgreSQL or S3,
and Airflow itself only in `airflow_compat`.
"""
