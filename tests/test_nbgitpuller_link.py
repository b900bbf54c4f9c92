"""tools/nbgitpuller_link.py: the link nbgitpuller documents, URL-encoded, with clear errors for bad input."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tools import nbgitpuller_link

ROOT = Path(__file__).resolve().parent.parent

HUB = "https://hub.example.org"
REPO = "https://github.com/teacher/mnist-tutorial"


def test_default_link_opens_the_first_notebook_on_main():
    link = nbgitpuller_link.nbgitpuller_link(HUB, REPO)
    assert link == ("https://hub.example.org/hub/user-redirect/git-pull"
                    "?repo=https%3A%2F%2Fgithub.com%2Fteacher%2Fmnist-tutorial"
                    "&urlpath=lab%2Ftree%2Fmnist-tutorial%2Fnotebooks%2F01_first_network.ipynb"
                    "&branch=main")


def test_values_decode_back_exactly():
    link = nbgitpuller_link.nbgitpuller_link("http://localhost:8000/", REPO + "/", branch="term/2027 a&b",
                                             urlpath="lab/tree/course/notebooks?x=1#top")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost:8000", "/hub/user-redirect/git-pull")
    assert parse_qsl(parts.query, strict_parsing=True) == [
        ("repo", REPO), ("urlpath", "lab/tree/course/notebooks?x=1#top"), ("branch", "term/2027 a&b")]
    assert parts.fragment == ""


def test_hub_under_a_path_prefix():
    for hub in ("https://example.org/jupyter", "https://example.org/jupyter/"):
        link = nbgitpuller_link.nbgitpuller_link(hub, REPO)
        assert urlsplit(link).path == "/jupyter/hub/user-redirect/git-pull"


@pytest.mark.parametrize(("repo", "folder"), [
    ("https://github.com/teacher/mnist-tutorial", "mnist-tutorial"),
    ("https://github.com/teacher/mnist-tutorial/", "mnist-tutorial"),
    # nbgitpuller keeps a .git ending in the folder name, so the page to open must too
    ("https://gitlab.example.org/group/sub/course.git", "course.git"),
])
def test_folder_is_the_last_part_of_the_repository_url(repo, folder):
    assert nbgitpuller_link.repository_folder(repo) == folder
    query = dict(parse_qsl(urlsplit(nbgitpuller_link.nbgitpuller_link(HUB, repo)).query))
    assert query["urlpath"] == f"lab/tree/{folder}/notebooks/01_first_network.ipynb"


@pytest.mark.parametrize(("hub", "repo", "message"), [
    ("hub.example.org", REPO, "hub URL must start with https:// or http://"),
    ("ftp://hub.example.org", REPO, "hub URL must start with https:// or http://"),
    ("https://", REPO, "hub URL has no host name"),
    ("https:///jupyter", REPO, "hub URL has no host name"),
    ("https://hub.example.org/?next=x", REPO, "hub URL must not contain '?' or '#'"),
    ("https://hub.example.org/hub/login", REPO, "hub's base address"),
    ("https://hub.example.org/user/ana/lab", REPO, "hub's base address"),
    (HUB, "git@github.com:teacher/mnist-tutorial.git", "repository URL must start with https:// or http://"),
    (HUB, "https:///teacher/mnist-tutorial", "repository URL has no host name"),
    (HUB, "https://github.com/", "repository URL names no repository"),
    (HUB, "https://github.com", "repository URL names no repository"),
])
def test_bad_urls_are_refused_clearly(hub, repo, message):
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        nbgitpuller_link.nbgitpuller_link(hub, repo)


def test_empty_branch_or_urlpath_is_refused():
    with pytest.raises(ValueError, match="branch must not be empty"):
        nbgitpuller_link.nbgitpuller_link(HUB, REPO, branch=" ")
    with pytest.raises(ValueError, match="urlpath must not be empty"):
        nbgitpuller_link.nbgitpuller_link(HUB, REPO, urlpath="")


def test_command_line(capsys):
    assert nbgitpuller_link.main([HUB, REPO, "--branch", "spring"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == nbgitpuller_link.nbgitpuller_link(HUB, REPO, branch="spring")


def test_command_line_error_is_one_clear_line():
    result = subprocess.run([sys.executable, "-m", "tools.nbgitpuller_link", "hub.example.org", REPO],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("nbgitpuller_link.py: error: the hub URL must start with https:// or http://, "
                             "got 'hub.example.org'\n")
