"""The shoplens daily KPIs on Apache Spark: the same tables as the TypeScript batch."""

__version__ = "0.1.0"
