"""Export the shipped networks for the website's drawing pad: layers as JSON, weights as float32.

    python -m tools.export_pad_weights FOLDER

writes ``dense.json`` + ``dense.bin`` and ``convnet.json`` + ``convnet.bin``. Each JSON file lists
the network's layers in order as the browser evaluates them (site/static/pad/networks.js): their
kind, the settings that matter at inference and, for each weight array, its shape and where it
starts in the ``.bin`` file (little-endian float32, as Keras holds them). Layers that do nothing
at inference (random augmentation, dropout) are left out; a layer of any other kind stops the
export with its name, so a new kind of layer cannot be dropped silently. The site build
(tools/site_build.py) calls ``export`` when it finishes; tests/test_site_pad.py compares the pad's
probabilities with Keras's.
"""

import argparse
import json
from pathlib import Path

import numpy as np

NETWORKS = ("dense", "convnet")
INFERENCE_NO_OPS = {"RandomRotation", "RandomTranslation", "RandomZoom", "Dropout"}


def describe(layer):
    """The JSON record of one layer (without its weights), or None for a layer inference skips."""
    kind = type(layer).__name__
    config = layer.get_config()
    if kind in INFERENCE_NO_OPS:
        return None
    if kind == "Flatten":  # the browser holds every tensor flat, in Keras's (channels-last) order
        return {"kind": "reshape", "shape": [-1]}
    if kind == "Reshape":
        return {"kind": "reshape", "shape": list(config["target_shape"])}
    if kind == "Rescaling":
        return {"kind": "rescaling", "scale": float(config["scale"]), "offset": float(config["offset"])}
    if kind == "Dense":
        return {"kind": "dense", "activation": config["activation"], "bias": config["use_bias"]}
    if kind == "Conv2D":
        settings = (config["padding"], tuple(config["strides"]), tuple(config["dilation_rate"]))
        if settings != ("valid", (1, 1), (1, 1)):
            raise ValueError(f"{layer.name}: the pad's Conv2D handles padding 'valid', strides and dilation 1 only")
        return {"kind": "conv2d", "activation": config["activation"], "bias": config["use_bias"]}
    if kind == "MaxPooling2D":
        if tuple(config["pool_size"]) != (2, 2) or tuple(config["strides"]) != (2, 2) or config["padding"] != "valid":
            raise ValueError(f"{layer.name}: the pad's max pooling handles 2 x 2, stride 2, 'valid' only")
        return {"kind": "maxpool2"}
    if kind == "BatchNormalization":
        if not (config["center"] and config["scale"]) or config["axis"] not in (-1, [-1], 3, [3], 1, [1]):
            raise ValueError(f"{layer.name}: the pad's batch normalisation needs gamma and beta on the last axis")
        return {"kind": "batchnorm", "epsilon": float(config["epsilon"])}  # weights: gamma, beta, mean, variance
    if kind == "Activation":
        return {"kind": "activation", "activation": config["activation"]}
    raise ValueError(f"{layer.name}: the drawing pad's JavaScript has no {kind} layer; "
                     "add it to site/static/pad/networks.js and to tools/export_pad_weights.py")


def network_record(model):
    """(the JSON record, the float32 weights one after another) of a Keras model."""
    layers, arrays, offset = [], [], 0
    for layer in model.layers:
        record = describe(layer)
        if record is None:
            continue
        record["name"] = layer.name
        record["weights"] = []
        for array in layer.get_weights():
            array = np.asarray(array, dtype="<f4")
            record["weights"].append({"shape": list(array.shape), "offset": offset})
            arrays.append(array.ravel())
            offset += array.size
        layers.append(record)
    record = {"name": model.name, "input_shape": list(model.input_shape[1:]), "layers": layers}
    return record, np.concatenate(arrays)


def export(folder, networks=NETWORKS):
    """Write NAME.json and NAME.bin for each shipped network into ``folder``; return the paths written."""
    from mnist_helpers.networks import shipped_network

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in networks:
        record, weights = network_record(shipped_network(name))
        (folder / f"{name}.bin").write_bytes(weights.tobytes())
        (folder / f"{name}.json").write_text(json.dumps(record))
        written += [folder / f"{name}.json", folder / f"{name}.bin"]
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="where to write the JSON and .bin files")
    args = parser.parse_args(argv)
    for path in export(args.folder):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
