"""The course's address in one place (tools/set_repository.py) and the course-files cell it writes.

* Every notebook's first code cell is the course-files cell, exactly as the tool writes it, and
  every place (the cells, the badges under each title, README.md's links) names the same address.
* The tool writes all of them, for GitHub and for any other git address, and ``--unset`` removes
  them again; bad addresses get a clear error.
* The cell itself, run in a plain Python process in an empty folder, against a git server on
  127.0.0.1: fetches the course at the ref and says so in one line; next to the course files it
  does nothing and prints nothing; without an address, without git or without a server it says
  what to do, and leaves no half-fetched folder behind.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tools import set_repository
from tools.colab_parity import free_port, serve

# Files, settings and other programs, no TensorFlow numbers: make test-portable leaves this out.
pytestmark = pytest.mark.no_numbers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_place_names_the_same_address():
    places = set_repository.current()
    values = set(places.values())
    assert len(values) == 1, "the places disagree (run python -m tools.set_repository):\n" + "\n".join(
        f"{place}: {value}" for place, value in places.items())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_the_first_code_cell_is_the_course_files_cell_as_the_tool_writes_it(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    cell = set_repository.course_files_cell(notebook)
    assert cell is code[0], "the first code cell must be the course-files cell: python -m tools.set_repository"
    assert notebook.cells.index(cell) == 1, "the course-files cell comes right under the title cell"
    assert cell.source == set_repository.render_cell(*set_repository.cell_values(cell.source)), (
        "the course-files cell was edited by hand: change COURSE_FILES_CELL in tools/set_repository.py and run it")
    assert dict(cell.metadata) == set_repository.COURSE_FILES_METADATA
    assert not cell.outputs, "next to the course files the cell prints nothing"
    others = [each for each in notebook.cells if each is not cell]
    assert not [each.id for each in others if {"cellView", "jupyter"} & set(each.metadata)], (
        "only the course-files cell is hidden")


@pytest.fixture
def course_copy(tmp_path):
    """A copy of the notebooks and README.md to point elsewhere."""
    folder = tmp_path / "course"
    (folder / "notebooks").mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, folder / "notebooks" / path.name)
    shutil.copy(ROOT / "README.md", folder / "README.md")
    return sorted((folder / "notebooks").glob("*.ipynb")), folder / "README.md"


def test_the_tool_writes_a_github_address_everywhere(course_copy):
    notebooks, readme = course_copy
    set_repository.set_repository("https://github.com/school/mnist-course", "v1.0", notebooks, readme)
    assert set(set_repository.current(notebooks, readme).values()) == {("https://github.com/school/mnist-course",
                                                                        "v1.0")}
    title = nbformat.read(notebooks[6], as_version=4).cells[0].source.splitlines()
    assert title[0].startswith("# 07 ") and title[1] == ""  # the heading stays first, the links come under it
    assert title[2] == (  # plain links: an image badge would be a broken image offline
        "[Open in Colab](https://colab.research.google.com/github/school/mnist-course/blob/v1.0/notebooks/"
        "07_evaluation.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/school/mnist-course/v1.0"
        "?urlpath=lab/tree/notebooks/07_evaluation.ipynb)")
    assert title[4].startswith("**Core notebook**")
    badges = readme.read_text().split(set_repository.README_START)[1].split(set_repository.README_END)[0].strip()
    assert badges == (
        "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google"
        ".com/github/school/mnist-course/blob/v1.0/notebooks/01_first_network.ipynb) [![Launch Binder]"
        "(https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/school/mnist-course/v1.0?urlpath=lab/"
        "tree/notebooks/01_first_network.ipynb) · [Course website](https://school.github.io/mnist-course/)")


def test_a_course_with_its_address_set_still_passes_the_notebook_rules(course_copy):
    """The links are not prose (reading minutes and word budgets stay), and execution counts stay."""
    import test_notebook_hygiene as hygiene

    notebooks, readme = course_copy
    before = {path.name: (hygiene.markdown_words(nbformat.read(path, as_version=4).cells),
                          [cell.get("execution_count") for cell in nbformat.read(path, as_version=4).cells])
              for path in notebooks}
    set_repository.set_repository("https://github.com/school/mnist-course", "v1.0", notebooks, readme)
    after = {path.name: (hygiene.markdown_words(nbformat.read(path, as_version=4).cells),
                         [cell.get("execution_count") for cell in nbformat.read(path, as_version=4).cells])
             for path in notebooks}
    assert after == before


def test_the_tool_writes_any_git_address_and_unset_removes_it(course_copy):
    notebooks, readme = course_copy
    before = [path.read_bytes() for path in notebooks] + [readme.read_bytes()]
    set_repository.set_repository("https://gitlab.example.org/school/mnist.git", "spring", notebooks, readme)
    title = nbformat.read(notebooks[0], as_version=4).cells[0].source
    assert "colab.research.google.com" not in title and "Open in Colab" not in title  # Colab: GitHub only
    assert "mybinder.org/v2/git/https%3A%2F%2Fgitlab.example.org%2Fschool%2Fmnist.git/spring" in title
    cell = set_repository.course_files_cell(nbformat.read(notebooks[0], as_version=4))
    assert set_repository.cell_values(cell.source) == ("https://gitlab.example.org/school/mnist.git", "spring")
    set_repository.set_repository("https://gitlab.example.org/school/mnist.git", "spring", notebooks, readme)
    again = [path.read_bytes() for path in notebooks]
    set_repository.set_repository("https://gitlab.example.org/school/mnist.git", "spring", notebooks, readme)
    assert [path.read_bytes() for path in notebooks] == again, "setting the same address twice changes nothing"
    set_repository.set_repository(None, None, notebooks, readme)
    assert [path.read_bytes() for path in notebooks] + [readme.read_bytes()] == before


def test_the_course_files_cell_is_hidden_in_colab_and_jupyterlab():
    assert set_repository.COURSE_FILES_METADATA == {"cellView": "form", "jupyter": {"source_hidden": True}}
    assert set_repository.render_cell(None, None).startswith("#@title Course files")  # Colab's form title


def test_the_tool_puts_a_missing_course_files_cell_back_under_the_title(course_copy):
    notebooks, readme = course_copy
    notebook = nbformat.read(notebooks[1], as_version=4)
    notebook.cells.remove(set_repository.course_files_cell(notebook))
    ids = [cell.id for cell in notebook.cells]
    nbformat.write(notebook, notebooks[1])
    set_repository.set_repository(None, None, notebooks, readme)
    notebook = nbformat.read(notebooks[1], as_version=4)
    cell = set_repository.course_files_cell(notebook)
    assert notebook.cells.index(cell) == 1
    assert dict(cell.metadata) == set_repository.COURSE_FILES_METADATA and cell.outputs == []
    assert [each.id for each in notebook.cells if each is not cell] == ids


@pytest.mark.parametrize("address", ["https://github.com/school/mnist-course.git",
                                     "git@github.com:school/mnist-course.git", "https://github.com/school/mnist-course/"])
def test_github_addresses_in_every_form_give_the_same_links(address):
    found = set_repository.links(address, "v1.0", "notebooks/02_data.ipynb")
    assert found == {
        "Open in Colab": "https://colab.research.google.com/github/school/mnist-course/blob/v1.0/notebooks/02_data.ipynb",
        "Launch Binder": "https://mybinder.org/v2/gh/school/mnist-course/v1.0?urlpath=lab/tree/notebooks/02_data.ipynb"}


def test_a_hand_edit_in_one_place_shows(course_copy):
    notebooks, readme = course_copy
    set_repository.set_repository("https://github.com/school/mnist-course", "v1.0", notebooks, readme)
    notebook = nbformat.read(notebooks[3], as_version=4)  # the cell edited by hand
    cell = set_repository.course_files_cell(notebook)
    cell.source = cell.source.replace("'v1.0'", "'v1.1'")
    nbformat.write(notebook, notebooks[3])
    places = set_repository.current(notebooks, readme)
    assert places["04_the_model.ipynb: course-files cell"] == ("https://github.com/school/mnist-course", "v1.1")
    assert places["04_the_model.ipynb: links"][0] == "links"
    assert len(set(places.values())) > 1


@pytest.mark.parametrize(("repository", "ref", "message"), [
    ("github.com/school/mnist", "main", "is not a git URL"),
    ("https://github.com/school/my course", "main", "without spaces"),
    ("https://github.com/school/mnist", "v1 .0", "is not a tag, branch or commit name"),
    ("https://github.com/school/mnist", "../main", "is not a tag, branch or commit name"),
])
def test_bad_addresses_get_a_clear_error(course_copy, repository, ref, message):
    notebooks, readme = course_copy
    with pytest.raises(ValueError, match=message):
        set_repository.set_repository(repository, ref, notebooks, readme)


def test_the_command_line_says_what_is_wrong(capsys):
    assert set_repository.main(["ftp://example.org/course", "--ref", "v1"]) == 2
    assert "is not a git URL" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        set_repository.main([])  # neither an address nor --unset
    with pytest.raises(SystemExit):
        set_repository.main(["https://github.com/school/mnist"])  # no --ref: which files would students get?
    assert "give --ref" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# The cell itself, against a git server on 127.0.0.1
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def git_server(tmp_path_factory):
    """A tiny stand-in course (notebooks/mnist_helpers/) served by git daemon; yields (url, tag, commit)."""
    base = tmp_path_factory.mktemp("server")
    source = base / "source"
    (source / "notebooks" / "mnist_helpers").mkdir(parents=True)
    (source / "notebooks" / "mnist_helpers" / "__init__.py").write_text("WHERE = 'the fetched course'\n")
    (source / "data").mkdir()
    (source / "data" / "README.md").write_text("data\n")
    commit_all = ["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "--quiet", "--all", "-m", "course"]
    for command in (["init", "--quiet", "--initial-branch=main"], ["add", "--all"], commit_all, ["tag", "v1.0"]):
        subprocess.run(["git", *command], cwd=source, check=True, capture_output=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, check=True, capture_output=True,
                            text=True).stdout.strip()
    # main moves on after the tag: the cell must fetch the ref it names, not the default branch
    (source / "notebooks" / "mnist_helpers" / "__init__.py").write_text("WHERE = 'a later version'\n")
    subprocess.run(["git", *commit_all], cwd=source, check=True, capture_output=True)
    served = base / "served"
    served.mkdir()
    subprocess.run(["git", "clone", "--quiet", "--bare", str(source), str(served / "course.git")], check=True)
    port = free_port()
    daemon = serve(served, port)
    yield f"git://127.0.0.1:{port}/course.git", "v1.0", commit
    daemon.terminate()
    daemon.wait()


RUN_CELL = """
import os, sys
start = os.getcwd()
source = open(sys.argv[1]).read()
exec(compile(source, "course-files cell", "exec"))
import mnist_helpers
print("imported", mnist_helpers.WHERE, "cwd", os.path.relpath(os.getcwd(), start))
"""


def run_cell(folder, repository, ref, env=None):
    """Run the course-files cell for (repository, ref) in a fresh Python process in ``folder``."""
    script = folder.parent / f"{folder.name}-cell.py"
    script.write_text(set_repository.render_cell(repository, ref))
    return subprocess.run([sys.executable, "-c", RUN_CELL, str(script)], cwd=folder, capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.mark.parametrize("which", ["tag", "commit"])
def test_opened_alone_the_cell_fetches_the_course_and_says_so_once(git_server, tmp_path, which):
    url, tag, commit = git_server
    ref = tag if which == "tag" else commit
    started = time.perf_counter()
    first = run_cell(tmp_path, url, ref)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"Fetched the course files ({ref}) into {tmp_path / 'mnist-course'} in ")
    seconds = float(lines[0].rsplit(" in ", 1)[1].removesuffix(" s."))
    assert 0 <= seconds <= time.perf_counter() - started + 0.05  # printed to 0.1 s
    assert lines[1:] == ["imported the fetched course cwd mnist-course/notebooks"]
    assert (tmp_path / "mnist-course" / "data" / "README.md").is_file()
    assert not (tmp_path / "mnist-course.partial").exists()
    again = run_cell(tmp_path, url, ref)  # the kernel restarted: the files are there, nothing is fetched
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == ["imported the fetched course cwd mnist-course/notebooks"]


def test_the_cell_fetches_the_ref_it_names_and_one_commit_only(git_server, tmp_path):
    url, _, _ = git_server
    (tmp_path / "tag").mkdir()
    (tmp_path / "main").mkdir()
    assert run_cell(tmp_path / "tag", url, "v1.0").stdout.splitlines()[-1].startswith("imported the fetched course")
    assert run_cell(tmp_path / "main", url, "main").stdout.splitlines()[-1].startswith("imported a later version")
    history = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=tmp_path / "tag" / "mnist-course",
                             check=True, capture_output=True, text=True).stdout.strip()
    assert history == "1", "a shallow fetch: only the commit the notebooks need, not the whole history"


def test_a_half_fetched_or_incomplete_folder_is_fetched_again(git_server, tmp_path):
    url, tag, _ = git_server
    (tmp_path / "mnist-course.partial" / ".git").mkdir(parents=True)  # an interrupted earlier fetch
    (tmp_path / "mnist-course.partial" / "junk").write_text("left over")
    (tmp_path / "mnist-course" / "data").mkdir(parents=True)  # a folder without the helper package
    done = run_cell(tmp_path, url, tag)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("Fetched the course files (v1.0)")
    assert done.stdout.splitlines()[-1] == "imported the fetched course cwd mnist-course/notebooks"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mnist-course"]


def test_next_to_the_course_files_the_cell_does_nothing(tmp_path):
    folder = tmp_path / "notebooks"
    (folder / "mnist_helpers").mkdir(parents=True)
    (folder / "mnist_helpers" / "__init__.py").write_text("WHERE = 'the course beside it'\n")
    done = run_cell(folder, "git://127.0.0.1:1/nothing-here.git", "v1.0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["imported the course beside it cwd ."]
    assert sorted(path.name for path in folder.iterdir()) == ["mnist_helpers"]


def test_without_an_address_the_cell_says_what_to_do(tmp_path):
    done = run_cell(tmp_path, None, None)
    assert done.returncode != 0
    assert "RuntimeError: This notebook must be opened from the notebooks/ folder of the whole course" in done.stderr
    assert "Download the whole course" in done.stderr and "tools.set_repository" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_a_server_the_cell_says_so_and_leaves_nothing_behind(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_cell(tmp_path, f"git://127.0.0.1:{port}/course.git", "v1.0")
    assert done.returncode != 0
    assert (f"RuntimeError: Could not fetch the course files from git://127.0.0.1:{port}/course.git (v1.0)"
            in done.stderr)
    assert "Check the internet connection, and that the repository and v1.0 exist" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_ref_that_does_not_exist_gets_gits_own_words(git_server, tmp_path):
    url, _, _ = git_server
    done = run_cell(tmp_path, url, "v9.9")
    assert done.returncode != 0
    assert "Could not fetch the course files" in done.stderr and "v9.9" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_git_the_cell_says_so(git_server, tmp_path):
    url, tag, _ = git_server
    done = run_cell(tmp_path, url, tag, env={"PATH": str(tmp_path / "no-bin")})
    assert done.returncode != 0
    assert "Fetching the course files needs git, which is not installed here" in done.stderr
