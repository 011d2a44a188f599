"""Entry point of a query worker process: ``python -m kgbuild.serve.child FD STORE MAX_RESULTS``.

Kept apart from ``worker`` so that running it with ``-m`` never re-executes a module the package
has already imported (replies are pickled, and their class must be ``kgbuild.serve.worker.Reply``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection


def main(argv: Sequence[str] | None = None) -> int:
    fd, store_dir, max_results = argv if argv is not None else sys.argv[1:]
    from kgbuild.serve.worker import worker_main

    worker_main(Connection(int(fd)), store_dir, int(max_results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
