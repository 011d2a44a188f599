"""Outputs are replaced whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from kgbuild.atomic import atomic_write, write_text_atomic


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("disk on fire")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_written_file_has_umask_mode(tmp_path):
    target = tmp_path / "out" / "summary.json"
    old = os.umask(0o022)
    try:
        write_text_atomic(target, "{}")
    finally:
        os.umask(old)
    assert target.read_text() == "{}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
