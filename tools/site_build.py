"""What the course website's Sphinx configuration (site/conf.py) needs beyond plain settings.

* ``theme_options()``: sphinx-book-theme's options, with Binder and Colab launch buttons when the
  course's address is a GitHub repository (``python -m tools.set_repository``), none otherwise;
* ``connect(app)``: the README becomes the landing page (a hidden table of contents appended, its
  badge images turned into plain links, so no page loads anything from elsewhere) and, when the
  build finishes, the site gets ``index.html``, a local copy of MathJax and the networks' weights
  for the drawing pad (``tools.export_pad_weights``).

``make site`` runs the build; tests/test_site.py checks it.
"""

import re
import shutil
from pathlib import Path

from tools import set_repository

ROOT = Path(__file__).resolve().parent.parent
PAGES = [  # the order of the site's table of contents, after the README
    *(f"notebooks/{path.stem}" for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
    "site/draw",
    "docs/teachers-guide",
    "docs/jupyterhub",
    "docs/maintaining",
    "docs/convnet-improvements",
    "docs/measured-spread",
    "docs/measured-figures",
    "data/README",
    "data/my_digits/README",
    "data/real_digits/README",
]
BADGE = re.compile(r"\[!\[(?P<label>[^\]]+)\]\([^)]*\)\]\((?P<url>[^)]+)\)")
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"
MATHJAX_SKIP = ("eot", "otf", "svg", "png", "SVG", "STIX-Web", "Asana-Math", "Gyre-Pagella", "Gyre-Termes",
                "Latin-Modern", "Neo-Euler", "TeX-Web")


def github_address():
    """(owner, name, ref) of the course's GitHub repository, or None while its address is unset or not GitHub."""
    places = set_repository.current()
    repository, ref = next(iter(places.values()))
    match = set_repository.GITHUB.match(repository or "")
    return (match["owner"], match["name"], ref) if match else None


def site_address(owner, name):
    """Where GitHub Pages publishes the course's website."""
    return f"https://{owner}.github.io/{name}/"


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
    toctree = "\n".join(["", "```{toctree}", ":hidden:", "", *PAGES, "```", ""])
    return text + toctree


def _on_source_read(app, docname, source):
    if docname == "README":
        source[0] = readme_for_the_site(source[0])


def copy_mathjax(static):
    """MathJax 2 (from the jupyter-server-mathjax package) into the site, for notebook 05's formulas."""
    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(static) / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=lambda folder, names: [
        name for name in names if name.endswith(MATHJAX_SKIP) or name in MATHJAX_SKIP])


def _on_build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from tools import export_pad_weights

    outdir = Path(app.outdir)
    shutil.copyfile(outdir / "README.html", outdir / "index.html")
    copy_mathjax(outdir / "_static")
    export_pad_weights.export(outdir / "site" / "weights")


def connect(app):
    app.config.mathjax_path = f"mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    app.connect("source-read", _on_source_read)
    app.connect("build-finished", _on_build_finished)
