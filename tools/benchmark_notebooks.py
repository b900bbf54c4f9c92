"""Measure each notebook: wall time and the kernel's peak memory, in a fresh kernel.

    python -m tools.benchmark_notebooks                       # all notebooks, prints a table
    python -m tools.benchmark_notebooks 08_convnet.ipynb      # just one
    python -m tools.benchmark_notebooks --max-memory-mb 1500  # another budget (default 900 MB)
    python -m tools.benchmark_notebooks --update-readme       # write the figures into README.md

Each notebook runs top to bottom in its own new kernel, as a student would run it (the
notebook files are not modified). Peak memory is the kernel process's resident-set
high-water mark (VmHWM in /proc on Linux; psutil's sampled maximum elsewhere), read just
before the kernel shuts down. MB and GB here are 2**20 and 2**30 bytes, as Jupyter's memory
indicator shows them.

Resident memory also counts the pages of library code (TensorFlow's libraries take 1.3 GB on
disk) that the kernel has in memory, and how many that is depends on the state of the page
cache: just after `make setup-dev`, the same kernel has about 0.1 GB more resident
(TensorFlow's library pages: 403 instead of 310 MB, on Linux 6.18), and that lasts until the
files are dropped from the page cache. Reading every file back into the cache gave only about
30 MB more, and rewriting them about 35 MB, so why a fresh install differs is not pinned down.
So that every checkout measures the same, each notebook starts with the files of the
benchmark's own Python environment (the one the `python3` kernel runs in) dropped from the
page cache (`posix_fadvise` DONTNEED; no root needed). Python itself and the system libraries
are left alone. `--keep-page-cache` skips the drop and measures whatever state the cache is in.

The exit status is 1 if any kernel's peak exceeds the budget, by default 900 MB: the course's
budget per notebook, which leaves room below the 1.0 GB mybinder.org guarantees each user.
Timings are a measurement, not a test: they depend on the machine and on what else it is doing
(and each notebook that imports TensorFlow first reads its libraries from disk).
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import psutil

from tools import notebook_runner

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"


def peak_rss_mb(pid):
    """The process's peak resident memory so far, in MB (Linux: exact high-water mark)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return int(match.group(1)) / 1024
    return None


class MemorySampler(threading.Thread):
    """Fallback for systems without /proc: sample RSS every 0.1 s."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0.0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss / 2**20)
            except psutil.Error:
                return
            time.sleep(0.1)


def drop_from_page_cache(folders):
    """Ask the OS to drop these folders' files from its page cache; return how many it asked about.

    Only clean pages that no running process has mapped are dropped, so this never changes what
    a program computes, only how much of a library the next process finds in memory (see the
    module docstring). A no-op (returning 0) where `os.posix_fadvise` does not exist (macOS,
    Windows).
    """
    if not hasattr(os, "posix_fadvise"):
        return 0
    count = 0
    for folder in folders:
        for dirpath, _, filenames in os.walk(folder):
            for filename in filenames:
                path = os.path.join(dirpath, filename)
                if os.path.islink(path):
                    continue
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:  # unreadable: leave it
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    count += 1
                finally:
                    os.close(fd)
    return count


def environment_folders():
    """This Python's site-packages: the kernel's too, as the `python3` kernel runs this Python."""
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


def measure(path):
    notebook = notebook_runner.read(path)
    client = notebook_runner.client(notebook, timeout=900)
    with client.setup_kernel(stderr=subprocess.DEVNULL):  # the kernel's own start-up chatter
        pid = client.km.provisioner.process.pid
        sampler = MemorySampler(pid)
        sampler.start()
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        peak = peak_rss_mb(pid)
        sampler.running = False
    return seconds, peak if peak is not None else sampler.peak


def readme_with(text, results):
    """README.md's text with each measured notebook's runtime and peak memory written into its row
    of the notebook table (notebook | track | what you do | reading | runtime | peak memory: the
    last two columns; tests/test_notebook_hygiene.py checks the others against the notebooks)."""
    for name, (seconds, peak) in results.items():
        pattern = re.compile(rf"^(\| \[[^\]]+\]\(notebooks/{re.escape(name)}\) \|(?:[^|]*\|){{3}})[^|]*\|[^|]*\|$",
                             re.MULTILINE)
        text, count = pattern.subn(rf"\g<1> {seconds:.0f} s | {peak / 1024:.2f} GB |", text)
        if count != 1:
            sys.exit(f"README.md has no table row for {name}")
    today = datetime.date.today().isoformat()
    return re.sub(r"(on a 2-core, no-GPU machine; )[^.]*\.", rf"\g<1>measured {today}.", text)


def update_readme(results):
    README.write_text(readme_with(README.read_text(), results))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--max-memory-mb", type=float, default=900.0,
                        help="fail if a kernel's peak memory exceeds this (default: 900)")
    parser.add_argument("--output", type=Path, help="also write the table to this Markdown file")
    parser.add_argument("--update-readme", action="store_true", help="write the figures into README.md")
    parser.add_argument("--keep-page-cache", action="store_true",
                        help="do not drop the environment's files from the page cache first")
    args = parser.parse_args(argv)

    paths = [NOTEBOOKS / name for name in args.notebooks] or notebook_runner.course_notebooks()

    results, lines = {}, ["| notebook | wall time | kernel peak memory |", "|---|---|---|"]
    print(f"{psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GB memory", flush=True)
    if args.keep_page_cache:
        print("page cache left as it is (--keep-page-cache)", flush=True)
    for path in paths:
        if not args.keep_page_cache:
            drop_from_page_cache(environment_folders())
        seconds, peak = measure(path)
        results[path.name] = (seconds, peak)
        lines.append(f"| {path.name} | {seconds:.1f} s | {peak:.0f} MB |")
        print(lines[-1], flush=True)

    table = "\n".join(lines) + "\n"
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table)
    if args.update_readme:
        update_readme(results)
    over = {name: peak for name, (_, peak) in results.items()
            if args.max_memory_mb and peak > args.max_memory_mb}
    if over:
        print(f"over the {args.max_memory_mb:.0f} MB budget: {over}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
