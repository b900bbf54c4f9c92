"""The course's figures: a grid of digits, training curves, a confusion matrix and a
probability bar chart, each titled and labelled and readable on a projector.

Tested by ``tests/test_mnist_helpers.py``.
"""

import matplotlib.pyplot as plt
import numpy as np


def show_digits(images, labels=None, predictions=None, confidences=None, ncols=10, title=None,
                cell_size=1.3):
    """Show images in a grid, each titled with its label.

    With ``predictions`` each title reads "true 7 / pred 7" (plus the
    confidence, e.g. "87%", when ``confidences`` is given); wrong predictions
    are written in red. ``images`` may be (n, 28, 28) or flattened (n, 784).
    Returns the matplotlib figure.
    """
    images = np.asarray(images)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    row_height = cell_size + (0.35 if predictions is not None else 0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, row_height * nrows + 0.6),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= n:
            continue
        ax.imshow(images[index].reshape(28, 28), cmap="gray_r")
        if predictions is not None:
            correct = labels[index] == predictions[index]
            text = f"true {labels[index]}\npred {predictions[index]}"
            if confidences is not None:
                text += f" ({confidences[index]:.0%})"
            ax.set_title(text, color="black" if correct else "red", fontsize=12)
        elif labels is not None:
            ax.set_title(str(labels[index]), fontsize=12)
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig


def plot_history(history, title="Training history"):
    """Plot loss and accuracy per epoch from ``model.fit(...).history``.

    Validation curves are drawn too when the history has them.
    """
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label=f"training {metric}")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s--", label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.set_title(f"{metric.capitalize()} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix, title="Confusion matrix", percent=False):
    """Draw a 10x10 confusion matrix (rows: true digit, columns: predicted).

    ``matrix`` holds counts of test images; with ``percent=True`` it holds percentages
    (for example each row divided by its total), printed with one decimal, and cells that
    are exactly 0 are left blank so the mistakes stand out.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (10, 10):
        raise ValueError(f"expected a 10x10 matrix (true digit x predicted digit), got shape {matrix.shape}")
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    image = ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2
    for i in range(10):
        for j in range(10):
            value = matrix[i, j]
            if percent:
                text = "" if value == 0 else f"{value:.1f}"
            else:
                text = str(value)
            ax.text(j, i, text, ha="center", va="center", fontsize=11,
                    color="white" if value > threshold else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.tick_params(labelsize=12)
    ax.set_xlabel("predicted digit", fontsize=13)
    ax.set_ylabel("true digit", fontsize=13)
    ax.set_title(title, fontsize=14)
    label = "% of the true digit's test images" if percent else "number of test images"
    fig.colorbar(image, ax=ax, label=label)
    fig.tight_layout()
    return fig


def plot_probabilities(ax, probabilities, title="Predicted probabilities"):
    """Draw ten class probabilities as a bar chart on ``ax``; the top class in orange."""
    probabilities = np.asarray(probabilities)
    colors = ["tab:blue"] * 10
    colors[int(np.argmax(probabilities))] = "tab:orange"
    ax.bar(range(10), probabilities, color=colors)
    ax.set_xticks(range(10))
    ax.set_ylim(0, 1)
    ax.set_xlabel("digit")
    ax.set_ylabel("probability")
    ax.set_title(title)
