"""Fast checks of tools/benchmark_notebooks.py's pieces (the benchmark itself takes minutes)."""

import os
from pathlib import Path

import pytest

from tools import benchmark_notebooks


def test_drop_from_page_cache_visits_every_file_once_and_changes_nothing(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.so").write_bytes(b"\x7fELF" + bytes(10_000))
    (tmp_path / "b.py").write_text("print('hi')\n")
    (tmp_path / "link.py").symlink_to(tmp_path / "b.py")  # the file itself is counted once
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise here (macOS, Windows): the function is a no-op")
    assert benchmark_notebooks.drop_from_page_cache([tmp_path]) == 2
    assert (tmp_path / "b.py").read_text() == "print('hi')\n"
    assert (tmp_path / "lib" / "a.so").read_bytes()[:4] == b"\x7fELF"


def test_drop_from_page_cache_skips_unreadable_files(tmp_path, monkeypatch):
    (tmp_path / "x").write_text("x")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("x"):
            raise PermissionError(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(benchmark_notebooks.os, "open", refuse)
    assert benchmark_notebooks.drop_from_page_cache([tmp_path]) == 0


def test_drop_from_page_cache_is_a_no_op_without_posix_fadvise(tmp_path, monkeypatch):
    (tmp_path / "x").write_text("x")
    monkeypatch.delattr(benchmark_notebooks.os, "posix_fadvise", raising=False)
    assert benchmark_notebooks.drop_from_page_cache([tmp_path]) == 0


def test_environment_folders_hold_the_kernels_packages():
    folders = [Path(folder) for folder in benchmark_notebooks.environment_folders()]
    assert folders and all(folder.is_dir() for folder in folders)
    assert any((folder / "nbclient").is_dir() for folder in folders)


def test_ci_holds_every_notebook_to_the_default_900_mb_budget():
    root = Path(__file__).resolve().parent.parent
    source = (root / "tools" / "benchmark_notebooks.py").read_text()
    assert 'add_argument("--max-memory-mb", type=float, default=900.0,' in source
    ci_lines = [line for line in (root / ".ci" / "run").read_text().splitlines()
                if "tools.benchmark_notebooks" in line and not line.lstrip().startswith("#")]
    assert len(ci_lines) == 1, ci_lines
    assert "--max-memory-mb" not in ci_lines[0] and "--keep-page-cache" not in ci_lines[0], ci_lines[0]


def test_readme_rows_get_runtime_and_memory_in_their_last_two_columns():
    table = ("| notebook | track | what you do | reading | runtime | peak memory |\n|---|---|---|---|---|---|\n"
             "| [01 · First](notebooks/01_first_network.ipynb) | core | train | 3 min | 30 s | 0.80 GB |\n"
             "| [02 · Data](notebooks/02_data.ipynb) | core | look | 4 min | 2 s | 0.20 GB |\n")
    new = benchmark_notebooks.readme_with(table, {"01_first_network.ipynb": (41.4, 850.0)})
    assert new == table.replace("| 30 s | 0.80 GB |", "| 41 s | 0.83 GB |")
