"""A build killed with SIGKILL mid-way leaves the previous outputs intact, the lock free and the
cache usable; the next build's outputs equal a clean build's. Builds run as real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kgbuild.build import INCOMPLETE_NAME, STAGING_NAME

NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]


def _corpus(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            name = f"{NAMES[i % len(NAMES)]}Net-{i}"
            abstract = (
                f"We propose {name}, which outperforms GPT-4 and LLaMA-2 on MMLU with an accuracy of {50 + i % 40}.1%."
            )
            handle.write(json.dumps({"title": f"{name}: Paper Number {i}", "abstract": abstract}) + "\n")
    return path


def _build(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONHASHSEED="0")
    command = [sys.executable, "-m", "kgbuild.cli", "build", "--quiet", "--processes", "2", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_build_keeps_previous_outputs_and_the_next_build_is_clean(tmp_path: Path) -> None:
    small = _corpus(tmp_path / "small.jsonl", 20)
    big = _corpus(tmp_path / "big.jsonl", 1200)
    out = tmp_path / "out"
    first = _build(str(small), "-o", str(out))
    first.communicate(timeout=300)
    assert first.returncode == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "summary.json", "extractions.jsonl")}

    victim = _build(str(big), "-o", str(out))
    deadline = time.monotonic() + 300
    while not (out / STAGING_NAME / "extractions.jsonl").exists() and not list((out / STAGING_NAME).glob(".*.tmp")):
        assert victim.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
        time.sleep(0.05)
    time.sleep(1.5)  # extraction under way, some of it committed to the cache
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)

    assert {name: (out / name).read_bytes() for name in before} == before
    assert not (out / INCOMPLETE_NAME).exists()
    rebuilt = _build(str(big), "-o", str(out))  # the lock died with its holder; the staging is cleared
    stdout, stderr = rebuilt.communicate(timeout=900)
    assert rebuilt.returncode == 0, stderr.decode()
    cached = int(stdout.decode().split(" extracted, ")[1].split(" from the cache")[0])
    assert cached > 0, "what was extracted before the kill came from the cache"
    clean = tmp_path / "clean"
    cleaner = _build(str(big), "-o", str(clean), "--no-cache")
    cleaner.communicate(timeout=900)
    assert cleaner.returncode == 0
    for name in ("graph.ttl", "extractions.jsonl", "graph.html"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert not (out / STAGING_NAME).exists()
