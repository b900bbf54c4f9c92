"""Print an nbgitpuller link that gives each student this course on a JupyterHub.

    python -m tools.nbgitpuller_link https://hub.example.org https://github.com/OWNER/REPOSITORY
    python -m tools.nbgitpuller_link HUB_URL REPOSITORY_URL --branch spring-term
    python -m tools.nbgitpuller_link HUB_URL REPOSITORY_URL --urlpath lab/tree/REPOSITORY/notebooks

A student who opens the link logs in to the hub; the first time, nbgitpuller clones the
repository into their home folder, and later it pulls the newest version and merges it with the
student's own changes. Then JupyterLab opens the first notebook. The hub needs nbgitpuller
installed (see docs/jupyterhub.md).

The link has the form nbgitpuller documents
(https://jupyterhub.github.io/nbgitpuller/topic/url-options.html), with every value URL-encoded:

    <hub>/hub/user-redirect/git-pull?repo=<repository>&urlpath=<page to open>&branch=<branch>

nbgitpuller names the student's folder after the last part of the repository URL (keeping a
`.git` ending if the URL has one), so the default page to open is
lab/tree/<that folder>/notebooks/01_first_network.ipynb. If the hub sets NBGITPULLER_PARENTPATH,
the folder lies below that path: give the page with --urlpath.
"""

import argparse
import sys
from urllib.parse import urlencode, urlsplit, urlunsplit

FIRST_NOTEBOOK = "notebooks/01_first_network.ipynb"


def check_url(url, what):
    """Return the parts of an http(s) URL with a host, or raise ValueError naming ``what``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"the {what} must start with https:// or http://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"the {what} has no host name, got {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"the {what} must not contain '?' or '#', got {url!r}")
    return parts


def repository_folder(repo_url):
    """The folder nbgitpuller clones the repository into: the last part of its URL."""
    path = check_url(repo_url, "repository URL").path.rstrip("/")
    folder = path.rsplit("/", 1)[-1]
    if not folder:
        raise ValueError(f"the repository URL names no repository, got {repo_url!r}")
    return folder


def nbgitpuller_link(hub_url, repo_url, branch="main", urlpath=None):
    """The nbgitpuller link that pulls ``repo_url`` at ``branch`` and opens ``urlpath``."""
    hub = check_url(hub_url, "hub URL")
    if {"hub", "user"} & set(hub.path.split("/")):
        raise ValueError(f"the hub URL must be the hub's base address, without /hub/... or /user/..., "
                         f"for example https://{hub.netloc}/; got {hub_url!r}")
    folder = repository_folder(repo_url)
    if not branch.strip():
        raise ValueError("the branch must not be empty")
    if urlpath is None:
        urlpath = f"lab/tree/{folder}/{FIRST_NOTEBOOK}"
    elif not urlpath.strip():
        raise ValueError("the urlpath must not be empty")
    base = hub.path if hub.path.endswith("/") else hub.path + "/"
    query = urlencode([("repo", repo_url.strip().rstrip("/")), ("urlpath", urlpath), ("branch", branch.strip())])
    return urlunsplit((hub.scheme, hub.netloc, base + "hub/user-redirect/git-pull", query, ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print an nbgitpuller link for this course.")
    parser.add_argument("hub_url", help="the JupyterHub's address, for example https://hub.example.org")
    parser.add_argument("repo_url", help="the repository's address, for example https://github.com/OWNER/REPOSITORY")
    parser.add_argument("--branch", default="main", help="the branch to pull (default: main)")
    parser.add_argument("--urlpath", help="the page to open, relative to the student's server "
                                          f"(default: lab/tree/<repository folder>/{FIRST_NOTEBOOK})")
    args = parser.parse_args(argv)
    try:
        print(nbgitpuller_link(args.hub_url, args.repo_url, args.branch, args.urlpath))
    except ValueError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
