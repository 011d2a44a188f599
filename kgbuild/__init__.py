"""kgbuild: a knowledge-graph builder for machine-learning literature."""

__version__ = "0.1.0"
