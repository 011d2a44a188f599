"""The Dask engine on a real two-worker LocalCluster: the same graph and records as a local build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.bench import load_corpus
from kgbuild.build import build
from kgbuild.engine import EngineError

pytestmark = pytest.mark.slow  # Dask cluster: make test-fast skips it

distributed = pytest.importorskip("distributed")


def test_dask_cluster_build_is_byte_identical_to_a_local_build(tmp_path: Path) -> None:
    papers = load_corpus(None, 12)
    source = tmp_path / "papers.jsonl"
    source.write_text(
        "".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers), encoding="utf-8"
    )
    local = build([source], tmp_path / "local", processes=1, use_cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        # two workers, chunks of 4 papers: the records arrive from both, out of order
        from kgbuild.engine.dask import DaskEngine

        with DaskEngine(cluster.scheduler_address, chunk_size=4) as engine:
            seen = {o.paper.paper_id for o in engine.extract(papers)}
            assert len(engine._client.scheduler_info()["workers"]) == 2
        assert seen == {p.paper_id for p in papers}
        on_dask = build(
            [source], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address, use_cache=False
        )
    assert on_dask.extracted == local.extracted == 12
    for name in ("graph.ttl", "extractions.jsonl", "problems.jsonl"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_plain_kgbuild_never_imports_dask() -> None:
    code = (
        "import sys, kgbuild.build, kgbuild.cli, kgbuild.engine\n"
        "from kgbuild.engine import make_engine\n"
        "make_engine('local', 1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_dying_dask_worker_is_a_clear_error_not_a_hang() -> None:
    import dask

    from kgbuild.engine.dask import DaskEngine

    def die(papers: object) -> list:  # nested, so Dask ships it by value to the worker
        import os

        os._exit(3)  # what the OOM killer or a segfault in native code looks like to the cluster

    # no retries on other workers: the first death is the task's last
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        with DaskEngine(cluster.scheduler_address, chunk_size=2, work=die) as engine:
            with pytest.raises(EngineError, match="Dask workers kept dying"):
                list(engine.extract(load_corpus(None, 4)))
