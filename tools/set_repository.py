"""Set the course's public address: where a notebook opened on its own fetches the course files.

    python -m tools.set_repository https://github.com/OWNER/REPOSITORY --ref v1.0
    python -m tools.set_repository https://gitlab.example.org/school/mnist-course.git --ref spring-term
    python -m tools.set_repository --unset
    python -m tools.set_repository --show

Opened on its own (Colab, Kaggle, a hub without the repository, a single downloaded file), a
notebook has none of the helper code, data and trained networks it needs. Its first code cell,
the *course-files cell* (``COURSE_FILES_CELL`` below, the same in every notebook), then fetches
the repository at ``--ref`` (a tag, a branch or a full 40-character commit; pin a tag for a class,
so that the files match the notebooks students opened) into the folder ``mnist-course`` in the
kernel's working folder (on Colab ``/content``) and works from there. Next to the course files it
does nothing and prints nothing.

This tool writes the address and the ref in the one place each of these needs it, and nowhere
else is it written by hand:

* the course-files cell of every notebook (``COURSE_REPOSITORY``, ``COURSE_REF``);
* the links line under every notebook's title, "Open in Colab" (GitHub addresses only: Colab
  opens notebooks from GitHub) and "Launch Binder", as plain text links (an image badge would
  show as a broken image offline);
* the same two as image badges in README.md, between the ``course-links`` comment lines, with a
  link to the course's website (GitHub Pages, which .github/workflows/site.yml publishes).

Any address git can clone works, so the tests use a git server on 127.0.0.1. ``--unset`` puts
the course back to "no address": the badges go, and a notebook opened on its own says what to
do instead. tests/test_set_repository.py checks that every place agrees (``current()``).
"""

import argparse
import ast
import re
import sys
from pathlib import Path
from urllib.parse import quote

import nbformat

from tools.notebook_runner import course_notebooks

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FOLDER = "mnist-course"  # where a notebook opened on its own puts the course files

# Colab shows a cell with a "#@title" line and "cellView": "form" as its title only; JupyterLab
# collapses a cell whose "jupyter" metadata says "source_hidden". Students run it like any cell.
COURSE_FILES_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}}
COURSE_FILES_CELL = '''\
#@title Course files (run this cell first)
# This notebook uses the course's helper code, data and trained networks. Opened on its own (Colab,
# Kaggle, a single downloaded file), it fetches them into the folder "{folder}" (once the course's address
# is set below); next to them, it does nothing.
COURSE_REPOSITORY = {repository!r}
COURSE_REF = {ref!r}

import os
import pathlib
import shutil
import subprocess
import time

if not pathlib.Path("mnist_helpers").is_dir():
    course = pathlib.Path("{folder}")
    if not (course / "notebooks" / "mnist_helpers").is_dir():
        if COURSE_REPOSITORY is None:
            raise RuntimeError(
                "This notebook must be opened from the notebooks/ folder of the whole course (with data/ and "
                "models/ beside that folder). Download the whole course and open the notebook from there, or ask "
                "your teacher for the course's link; to publish the course, run: python -m tools.set_repository")
        started = time.perf_counter()
        partial = pathlib.Path("{folder}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        commands = [["git", "init", "--quiet", str(partial)],
                    ["git", "-C", str(partial), "fetch", "--quiet", "--depth", "1", COURSE_REPOSITORY, COURSE_REF],
                    ["git", "-C", str(partial), "checkout", "--quiet", "FETCH_HEAD"]]
        for command in commands:
            try:
                done = subprocess.run(command, capture_output=True, text=True)
            except FileNotFoundError:
                raise RuntimeError("Fetching the course files needs git, which is not installed here: install "
                                   "git, or download the whole course and open the notebook from it.") from None
            if done.returncode != 0:
                shutil.rmtree(partial, ignore_errors=True)
                raise RuntimeError(f"Could not fetch the course files from {{COURSE_REPOSITORY}} ({{COURSE_REF}}): "
                                   f"{{done.stderr.strip()}}. Check the internet connection, and that the "
                                   f"repository and {{COURSE_REF}} exist; then run this cell again.")
        shutil.rmtree(course, ignore_errors=True)
        partial.rename(course)
        print(f"Fetched the course files ({{COURSE_REF}}) into {{course.resolve()}} in "
              f"{{time.perf_counter() - started:.1f}} s.")
    os.chdir(course / "notebooks")'''

LINKS = re.compile(r"^\[(?:Open in Colab|Launch Binder)\]\(.*$", re.MULTILINE)  # a notebook's links line
README_TARGET = "notebooks/01_first_network.ipynb"  # where the README's badges lead
README_START, README_END = "<!-- course-links: written by tools/set_repository.py -->", "<!-- /course-links -->"
README_UNSET = ("The course's public address is not set yet, so there are no *Open in Colab*, *Binder* and website "
                "links here: see [Open in Colab](#open-in-colab).")
GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:)(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?$")
REF = re.compile(r"^[\w][\w./-]*$")


def check(repository, ref):
    """Raise ValueError, saying what is wrong, unless ``repository`` and ``ref`` can be fetched by git."""
    if not repository or repository != repository.strip() or any(ch.isspace() for ch in repository):
        raise ValueError(f"the repository address must be a git URL without spaces, got {repository!r}")
    if not re.match(r"^(https?|git|ssh|file)://\S+$|^[\w.-]+@[\w.-]+:\S+$", repository):
        raise ValueError(f"{repository!r} is not a git URL: use https://..., git://..., ssh://..., "
                         "file:///... or user@host:path")
    if not REF.match(ref or "") or ".." in ref or ref.endswith((".", "/", ".lock")):
        raise ValueError(f"{ref!r} is not a tag, branch or commit name")


def links(repository, ref, target):
    """{"Open in Colab": URL (GitHub only), "Launch Binder": URL} that open ``target``, a path in the repository."""
    github = GITHUB.match(repository)
    found = {}
    if github:
        owner, name = github["owner"], github["name"]
        found["Open in Colab"] = f"https://colab.research.google.com/github/{owner}/{name}/blob/{ref}/{target}"
        binder = f"https://mybinder.org/v2/gh/{owner}/{name}/{ref}"
    else:
        binder = f"https://mybinder.org/v2/git/{quote(repository, safe='')}/{ref}"
    found["Launch Binder"] = f"{binder}?urlpath=lab/tree/{target}"
    return found


def links_line(repository, ref, target):
    """A notebook's links line: plain markdown links, readable offline."""
    return " · ".join(f"[{label}]({url})" for label, url in links(repository, ref, target).items())


BADGE_IMAGES = {"Open in Colab": "https://colab.research.google.com/assets/colab-badge.svg",
                "Launch Binder": "https://mybinder.org/badge_logo.svg"}


def website(repository):
    """The course website's address: GitHub Pages of a GitHub repository, else None."""
    github = GITHUB.match(repository)
    return f"https://{github['owner']}.github.io/{github['name']}/" if github else None


def badges_line(repository, ref, target):
    """README.md's badges: the same links as images, and a link to the course's website (GitHub only)."""
    found = links(repository, ref, target)
    line = " ".join(f"[![{label}]({BADGE_IMAGES[label]})]({url})" for label, url in found.items())
    site = website(repository)
    return f"{line} · [Course website]({site})" if site else line


def render_cell(repository, ref):
    return COURSE_FILES_CELL.format(repository=repository, ref=ref, folder=FOLDER)


def course_files_cell(notebook):
    """The notebook's course-files cell (its first code cell), or None if it has none."""
    cell = next((cell for cell in notebook.cells if cell.cell_type == "code"), None)
    return cell if cell is not None and cell.source.startswith("#@title Course files") else None


def cell_values(source):
    """(repository, ref) as a course-files cell's source sets them."""
    values = {}
    for name in ("COURSE_REPOSITORY", "COURSE_REF"):
        match = re.search(rf"^{name} = (.*)$", source, re.MULTILINE)
        values[name] = ast.literal_eval(match[1]) if match else "missing"
    return values["COURSE_REPOSITORY"], values["COURSE_REF"]


def set_notebook(path, repository, ref):
    notebook = nbformat.read(path, as_version=4)
    cell = course_files_cell(notebook)
    source = render_cell(repository, ref)
    if cell is None:
        cell = nbformat.v4.new_code_cell(source)
        notebook.cells.insert(1, cell)  # under the title, before the set-up cell
    cell.source = source
    cell.metadata.update(COURSE_FILES_METADATA)
    cell.outputs = []  # next to the course files it prints nothing; its execution count stays
    title = notebook.cells[0]
    text = LINKS.sub("", title.source)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if repository is not None:
        heading, _, rest = text.partition("\n")
        line = links_line(repository, ref, f"notebooks/{path.name}")
        text = f"{heading}\n\n{line}\n\n{rest.lstrip(chr(10))}"
    title.source = text
    nbformat.write(notebook, path)


def set_readme(path, repository, ref):
    text = path.read_text()
    if README_START not in text or README_END not in text:
        raise ValueError(f"{path.name} has no {README_START} ... {README_END} lines for the links")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    inner = README_UNSET if repository is None else badges_line(repository, ref, README_TARGET)
    path.write_text(f"{before}{README_START}\n{inner}\n{README_END}{after}")


def current(notebooks=None, readme=README):
    """{place: (repository, ref)} as each notebook's cell and the README say; tests check they agree."""
    places = {}
    for path in notebooks or course_notebooks():
        notebook = nbformat.read(path, as_version=4)
        cell = course_files_cell(notebook)
        values = cell_values(cell.source) if cell else ("no course-files cell", None)
        places[f"{path.name}: course-files cell"] = values
        found = " ".join(LINKS.findall(notebook.cells[0].source))
        wanted = "" if values[0] is None else links_line(*values, f"notebooks/{path.name}")
        places[f"{path.name}: links"] = values if found == wanted else ("links", found)
    text = readme.read_text()
    inner = text.split(README_START, 1)[-1].split(README_END, 1)[0].strip() if README_START in text else None
    readme_values = next(iter(places.values()), (None, None))
    expected = README_UNSET if readme_values[0] is None else badges_line(*readme_values, README_TARGET)
    places["README.md: links"] = readme_values if inner == expected else ("links", inner)
    return places


def set_repository(repository, ref, notebooks=None, readme=README):
    if repository is not None:
        check(repository, ref)
    for path in notebooks or course_notebooks():
        set_notebook(path, repository, ref)
    set_readme(readme, repository, ref)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repository", nargs="?", help="the course's git URL, e.g. https://github.com/OWNER/REPOSITORY")
    parser.add_argument("--ref", help="the tag (best), branch or full commit the notebooks fetch; required with URL")
    parser.add_argument("--unset", action="store_true", help="remove the address (no badges; no fetching)")
    parser.add_argument("--show", action="store_true", help="print what each place holds now")
    args = parser.parse_args(argv)
    if args.show:
        for place, values in current().items():
            print(f"{place}: {values}")
        return 0
    if args.unset == bool(args.repository):
        parser.error("give the repository's URL, or --unset")
    if args.repository and not args.ref:
        parser.error("give --ref: the tag (or branch, or commit) whose files the notebooks fetch, e.g. --ref v1.0")
    try:
        set_repository(None if args.unset else args.repository, None if args.unset else args.ref)
    except ValueError as error:
        print(f"set_repository: {error}", file=sys.stderr)
        return 2
    where = "no address (notebooks opened on their own say what to do)" if args.unset else \
        f"{args.repository} at {args.ref}"
    print(f"The course now points at {where}: {len(course_notebooks())} notebooks and README.md updated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
