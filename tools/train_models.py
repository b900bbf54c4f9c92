"""Re-create the trained models shipped in models/ by running the notebooks that train them.

    python tools/train_models.py

The networks are not defined again here: each notebook is executed in a fresh kernel, exactly
as a student would run it, and the model it trained is then saved from that kernel. So the
shipped models are, by construction, the ones the notebooks teach:

    models/dense.keras    the reference Dense(512) network of notebook 06 (variable `model`)
    models/convnet.keras  the convnet of notebook 07 (variable `convnet`)

They are saved for inference only (no optimizer state), which keeps them small. Takes about
3 minutes on 2 cores. tests/test_models.py checks that they load and score as stated.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MODELS = ROOT / "models"
JOBS = [("06_evaluation.ipynb", "model", "dense.keras"), ("07_convnet.ipynb", "convnet", "convnet.keras")]

SAVE = """
_clean = type({variable}).from_config({variable}.get_config())  # same layers, not compiled
_clean.set_weights({variable}.get_weights())
_clean.save({path!r})
"""


def train_and_save(notebook_name, variable, output):
    notebook = nbformat.read(NOTEBOOKS / notebook_name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(SAVE.format(variable=variable, path=str(output))))
    client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    print(f"{notebook_name}: ran and saved {output.relative_to(ROOT)} "
          f"({output.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")


def main():
    MODELS.mkdir(exist_ok=True)
    for notebook_name, variable, file_name in JOBS:
        train_and_save(notebook_name, variable, MODELS / file_name)


if __name__ == "__main__":
    sys.exit(main())
