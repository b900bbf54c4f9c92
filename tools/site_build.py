"""What the course website's Sphinx configuration (site/conf.py) needs beyond plain settings.

* ``theme_options()``: sphinx-book-theme's options, with Binder and Colab launch buttons when the
  course's address is a GitHub repository (``python -m tools.set_repository``), none otherwise;
* ``connect(app)``: the README becomes the landing page (a hidden table of contents appended, its
  badge images turned into plain links, so no page loads anything from elsewhere); the networks'
  weights for the drawing pad are exported (``python -m tools.export_pad_weights``) in a second
  process while Sphinx reads and writes the pages (importing Keras takes a while); when the build
  finishes, the site gets the weights and ``index.html``; formulas become MathML (latex2mathml), which
  browsers draw themselves, so no MathJax is loaded.

``python -m tools.site_build [--output FOLDER]`` (what ``make site`` runs) builds the site with
``sphinx-build -W`` into ``artifacts/site``; tests/test_site*.py check it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import set_repository

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "artifacts" / "site"
PAGES = [  # the order of the site's table of contents, after the README
    *(f"notebooks/{path.stem}" for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
    "site/draw",
    "docs/teachers-guide",
    "docs/teachers-guide-exercises",
    "docs/jupyterhub",
    "docs/maintaining",
    "docs/convnet-improvements",
    "docs/measured-spread",
    "docs/measured-exercises",
    "docs/measured-figures",
    "data/README",
    "data/my_digits/README",
    "data/real_digits/README",
]
BADGE = re.compile(r"\[!\[(?P<label>[^\]]+)\]\([^)]*\)\]\((?P<url>[^)]+)\)")


def github_address():
    """(owner, name, ref) of the course's GitHub repository, or None while its address is unset or not GitHub."""
    places = set_repository.current()
    repository, ref = next(iter(places.values()))
    match = set_repository.GITHUB.match(repository or "")
    return (match["owner"], match["name"], ref) if match else None


def theme_options(address=None):
    """sphinx-book-theme's options; launch buttons for a GitHub address, no buttons without one."""
    options = {"home_page_in_toc": True, "show_toc_level": 2, "use_download_button": True,
               "use_fullscreen_button": False}
    address = address if address is not None else github_address()
    if address:
        owner, name, ref = address
        options.update(repository_url=f"https://github.com/{owner}/{name}", repository_branch=ref,
                       path_to_docs="", launch_buttons={"binderhub_url": "https://mybinder.org",
                                                        "colab_url": "https://colab.research.google.com",
                                                        "notebook_interface": "jupyterlab"})
    return options


def readme_for_the_site(text):
    """The README as the landing page: badge images become plain links, and a hidden toctree lists the pages."""
    text = BADGE.sub(lambda match: f"[{match['label']}]({match['url']})", text)
    pages = [page for page in PAGES if any(ROOT.glob(f"{page}.*"))]
    toctree = "\n".join(["", "```{toctree}", ":hidden:", "", *pages, "```", ""])
    return text + toctree


def _on_doctree_resolved(app, doctree, docname):
    """A notebook's widget (notebook 11's pad) shows nothing without a kernel: the site links its own pad there."""
    from docutils import nodes

    for raw in list(doctree.findall(nodes.raw)):
        if "application/vnd.jupyter.widget-view+json" in raw.astext():
            link = app.builder.get_relative_uri(docname, "site/draw")
            raw.replace_self(nodes.raw("", f'<p class="mnist-widget-note">The drawing pad appears here in a live '
                                           f'notebook. On this website, <a href="{link}">draw on the pad that runs in '
                                           "your browser</a>.</p>", format="html"))


EXERCISES_NOTE = ("On this website the exercises are to read: to do them, open this notebook in JupyterLab, on "
                  "Binder or in Colab, where each check answers your code.")


def _exercises_note(app, doctree, docname):
    """A notebook's "Exercises" section says, on the site only, where its checks can run."""
    from docutils import nodes

    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and title.astext() == "Exercises":
            section.insert(section.index(title) + 1,
                           nodes.raw("", f'<p class="mnist-exercises-note">{EXERCISES_NOTE}</p>', format="html"))


def _on_source_read(app, docname, source):
    if docname == "README":
        source[0] = readme_for_the_site(source[0])


def _formulas_as_mathml(app, doctree, docname):
    """Inline and display formulas (notebook 05's) as MathML, which browsers draw without a script."""
    from docutils import nodes
    from latex2mathml.converter import convert

    for math in list(doctree.findall(lambda node: isinstance(node, (nodes.math, nodes.math_block)))):
        display = "block" if isinstance(math, nodes.math_block) else "inline"
        html = convert(math.astext(), display=display)
        raw = nodes.raw("", html if display == "inline" else f'<div class="math-display">{html}</div>', format="html")
        math.replace_self(raw)


def _without_mathjax(app, pagename, templatename, context, doctree):
    """No page loads MathJax: every formula is MathML already (sphinx.ext.mathjax adds it where there were some)."""
    context["script_files"] = [script for script in context.get("script_files", []) if "mathjax" not in str(script)]


def _start_export(app):
    if not app.config.pad_weights:
        return
    folder = tempfile.mkdtemp(prefix="mnist-pad-weights-")
    quiet = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}  # the child's environment only
    app._pad_export = (folder, subprocess.Popen(
        [sys.executable, "-m", "tools.export_pad_weights", folder], cwd=ROOT, env=quiet,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))


def _finish_export(app, target):
    folder, process = app._pad_export
    output, _ = process.communicate()
    if process.returncode:
        raise RuntimeError(f"exporting the networks for the drawing pad failed:\n{output}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    shutil.rmtree(folder)


def _on_build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        if hasattr(app, "_pad_export"):
            app._pad_export[1].kill()
        return
    outdir = Path(app.outdir)
    shutil.copyfile(outdir / "README.html", outdir / "index.html")
    if app.config.pad_weights:
        _finish_export(app, outdir / "_static" / "pad" / "weights")


def connect(app):
    # -D pad_weights=0: a quicker build without the drawing pad's networks (tests of the launch buttons)
    app.add_config_value("pad_weights", True, "html", bool)
    app.connect("builder-inited", _start_export)
    app.connect("source-read", _on_source_read)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("doctree-resolved", _exercises_note)
    app.connect("doctree-resolved", _formulas_as_mathml)
    app.connect("html-page-context", _without_mathjax, priority=900)
    app.connect("build-finished", _on_build_finished)


def sphinx_command(output=OUTPUT, source=ROOT, *options):
    """The sphinx-build command line of the site: warnings are errors, every one of them reported."""
    output = Path(output)
    return [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-c", str(ROOT / "site"),
            "-d", str(output.parent / f"{output.name}-doctrees"), *options, str(source), str(output)]


def main(argv=None):
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Build the course website (Sphinx, offline, from the stored outputs).")
    parser.add_argument("--output", default=str(OUTPUT), help="the folder to build into (default: artifacts/site)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = subprocess.run(sphinx_command(args.output), cwd=ROOT)
    if result.returncode:
        print(f"site_build: sphinx-build failed (exit {result.returncode}); its warnings are above", file=sys.stderr)
        return result.returncode
    print(f"The site is in {args.output} ({time.perf_counter() - started:.0f} s): "
          f"open {Path(args.output) / 'index.html'}, or serve it with "
          f"`python -m http.server -d {args.output} -b 127.0.0.1`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
