"""SPARQL over the built store: a runner, result formats, a library of named queries, and ``ask``."""

from kgbuild.query.run import DEFAULT_PREFIXES, QueryError, QueryOutcome, run_query

__all__ = ["DEFAULT_PREFIXES", "QueryError", "QueryOutcome", "run_query"]
