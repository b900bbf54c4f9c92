"""A stand-in for ``google.colab.output._widgets``, which switches on Colab's custom widget manager.

In colabtools, ``enable_custom_widget_manager()`` "enables a Jupyter widget manager which supports
custom widgets" and "will enable loading the required code from third party websites": it stores the
URL of that manager's JavaScript (on ssl.gstatic.com) in ``_installed_url`` and registers a hook on
IPython's display publisher that adds ``{"colab": {"custom_widget_manager": {"url": ...}}}`` to the
metadata of every output that shows a widget.

anywidget (0.9.21 and 0.11.0 alike) calls ``enable_custom_widget_manager()`` once per kernel, when the
first AnyWidget is created or displayed, and reads ``_installed_url`` to put the same metadata into its
own display bundle. This stand-in records each call in ``calls`` and sets ``_installed_url`` to a URL
that cannot resolve; it registers no hook and loads nothing.
"""

STUB_URL = "https://colab-stub.invalid/custom-widget-manager/manager.min.js"
_default_version = "5.0.0a"  # the one version Colab's function accepts
_installed_url = None
calls = []  # ("enable", version) or ("disable", None), in the order they happened


def enable_custom_widget_manager(version=_default_version):
    """Record the call and set ``_installed_url``, as Colab's function does (without its display hook)."""
    global _installed_url
    if version != _default_version:
        raise ValueError(f"Unknown widgets version: {version}")
    calls.append(("enable", version))
    _installed_url = STUB_URL


def disable_custom_widget_manager():
    """Record the call and clear ``_installed_url``."""
    global _installed_url
    calls.append(("disable", None))
    _installed_url = None
