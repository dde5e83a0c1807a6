#!/usr/bin/env python3
"""Writes the inputs of Tests/CLITests/PredictTests.swift, made as the course's students
make them (Pillow, h5py, numpy):

    predict_inputs.py OUT_DIR --course datasets/test_catvnoncat.h5

OUT_DIR/png/NN.png     the course test set's 50 images, 64 x 64 PNGs written by Pillow
OUT_DIR/jpg/NN.jpg     the same as JPEG (Pillow's default quality, 75)
OUT_DIR/up/NN.png      upscaled with Pillow's resize (bicubic): 256 x 256 for even NN,
                       200 x 150 (another aspect ratio) for odd; up/NN.jpg for NN < 10
OUT_DIR/modes/grey.png, rgba.png, palette.png   image 0 in modes convert("RGB") changes
OUT_DIR/h5/no_labels.h5       test_set_x only (no labels, no list_classes)
OUT_DIR/h5/small_32x32.h5     (5, 32, 32, 3) with labels: another shape
OUT_DIR/h5/flat.h5            (50, 12288) with labels: the right feature count, flattened
"""
import argparse
import os

import h5py
import numpy as np
from PIL import Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--course", required=True)
    args = parser.parse_args()
    with h5py.File(args.course, "r") as f:
        x = f["test_set_x"][:]
        y = f["test_set_y"][:]
    assert x.shape == (50, 64, 64, 3) and x.dtype == np.uint8, x.shape
    for sub in ("png", "jpg", "up", "modes", "h5"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    def path(*parts):
        return os.path.join(args.out, *parts)

    for i in range(50):
        im = Image.fromarray(x[i], "RGB")
        im.save(path("png", f"{i:02d}.png"))
        im.save(path("jpg", f"{i:02d}.jpg"))
        up = im.resize((256, 256) if i % 2 == 0 else (200, 150))
        up.save(path("up", f"{i:02d}.png"))
        if i < 10:
            up.save(path("up", f"{i:02d}.jpg"))
    first = Image.fromarray(x[0], "RGB").resize((120, 90))
    first.convert("L").save(path("modes", "grey.png"))
    rgba = np.concatenate([np.asarray(first), np.full((90, 120, 1), 128, np.uint8)], -1)
    Image.fromarray(rgba, "RGBA").save(path("modes", "rgba.png"))
    first.quantize(colors=64).save(path("modes", "palette.png"))

    with h5py.File(path("h5", "no_labels.h5"), "w") as f:
        f["test_set_x"] = x
    with h5py.File(path("h5", "small_32x32.h5"), "w") as f:
        f["set_x"] = x[:5, ::2, ::2, :]
        f["set_y"] = y[:5]
    with h5py.File(path("h5", "flat.h5"), "w") as f:
        f["set_x"] = x.reshape(50, -1)
        f["set_y"] = y
    print(f"wrote the predict inputs in {args.out}")


if __name__ == "__main__":
    main()
