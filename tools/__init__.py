"""Maintainer tools. Run each from the repository root as a module, e.g.
``python -m tools.record_notebooks``; they import the course's helpers as the installed
``mnist_helpers`` package (``make setup`` installs it) and never import from tests/."""
