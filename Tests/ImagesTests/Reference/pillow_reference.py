#!/usr/bin/env python3
"""Writes the Images tests' inputs and Pillow's answers for them.

    pillow_reference.py OUT_DIR --course datasets/test_catvnoncat.h5

OUT_DIR/cases.tsv, one case a line (tab-separated, with a header):
    name  image  width  height  reference
`image` (relative to OUT_DIR) is a PNG or JPEG file written here, by Pillow where Pillow
can write that kind of file (or by the small PNG writer below for 16-bit and interlaced
PNGs, which Pillow cannot write); `reference` is a raw file of height * width * 3 bytes:
    np.asarray(Image.open(image).convert("RGB").resize((width, height)))
i.e. the course students' resize (default BICUBIC) after the conversion to RGB, except
where the line's name says otherwise (the course images: their HDF5 bytes).

OUT_DIR/errors.tsv: a bad file a line and the reason the Swift side must give:
    image  reason

OUT_DIR/course_features.f8: numpy's x[:3].reshape(3, -1).T / 255 for the course test
set's first three images, float64 little-endian, row-major (12288, 3).
"""
import argparse
import os
import struct
import sys
import zlib

import h5py
import numpy as np
from PIL import Image

ROWS = []
ERRORS = []


def reference(out, name, image_rel, width, height, pixels=None):
    """Records a case; the reference is Pillow's convert("RGB").resize unless given."""
    if pixels is None:
        with Image.open(os.path.join(out, image_rel)) as im:
            pixels = np.asarray(im.convert("RGB").resize((width, height)))
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    assert pixels.shape == (height, width, 3), (name, pixels.shape)
    ref_rel = os.path.join("ref", name + ".rgb")
    pixels.tofile(os.path.join(out, ref_rel))
    ROWS.append((name, image_rel, width, height, ref_rel))


def write_png(path, arr, bit_depth, color_type, interlaced=False, width=None):
    """A minimal PNG encoder (filter 0 on every line) for what Pillow cannot write;
    `width` for bit depths under 8, where `arr` holds the packed lines."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def scanlines(a):
        h = a.shape[0]
        raw = a.astype(">u2" if bit_depth == 16 else "u1").tobytes()
        step = len(raw) // h if h else 0
        return b"".join(b"\x00" + raw[i * step:(i + 1) * step] for i in range(h))

    height = arr.shape[0]
    width = width or arr.shape[1]
    if interlaced:  # Adam7: seven passes over sub-grids, each its own lines
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        data = b"".join(scanlines(arr[y0::dy, x0::dx]) for x0, y0, dx, dy in passes
                        if arr[y0::dy, x0::dx].size)
    else:
        data = scanlines(arr)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(data))
                + chunk(b"IEND", b""))


def photo(rng, course, width, height, index=0):
    """A photo-like RGB image: a course image resized, plus a gradient and some noise."""
    base = np.asarray(Image.fromarray(course[index]).resize((width, height)), dtype=np.float64)
    yy, xx = np.mgrid[0:height, 0:width]
    base[..., 0] += 40 * np.sin(xx / 7.0)
    base[..., 2] += 30 * np.cos(yy / 5.0)
    base += rng.normal(0, 12, base.shape)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def noise(rng, width, height, channels=3):
    shape = (height, width) if channels == 1 else (height, width, channels)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--course", required=True, help="test_catvnoncat.h5")
    parser.add_argument("--large", action="store_true", help="also a 4000 x 3000 JPEG")
    args = parser.parse_args()
    out = args.out
    for sub in ("img", "ref", "course", "bad"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    rng = np.random.default_rng(20261129)
    with h5py.File(args.course, "r") as f:
        course = f["test_set_x"][:]
    assert course.shape == (50, 64, 64, 3) and course.dtype == np.uint8, course.shape

    def save(im, rel, **options):
        im.save(os.path.join(out, rel), **options)
        return rel

    # Sizes and aspect ratios, RGB PNG (lossless: only the resize is tested).
    for w, h, tw, th in [(301, 257, 64, 64), (1000, 750, 64, 64), (640, 480, 64, 64), (64, 64, 64, 64),
                         (65, 63, 64, 64), (128, 128, 64, 64), (20, 13, 64, 64), (1, 1, 64, 64),
                         (2, 1, 64, 64), (3, 5, 64, 64), (7, 300, 64, 64), (300, 7, 64, 64),
                         (2, 300, 64, 64), (3, 700, 64, 64), (500, 2, 64, 64), (200, 150, 32, 48),
                         (200, 150, 300, 17), (64, 64, 1, 1), (97, 101, 64, 64), (300, 1000, 64, 64),
                         (1000, 300, 64, 64), (480, 640, 64, 64), (100, 400, 64, 64), (90, 300, 200, 64)]:
        im = photo(rng, course, w, h) if w * h >= 64 else Image.fromarray(noise(rng, w, h), "RGB")
        name = f"photo_{w}x{h}_to_{tw}x{th}"
        reference(out, name, save(im, f"img/{name}.png"), tw, th)
    for w, h in [(301, 257), (40, 30), (64, 64), (2, 300)]:
        rel = save(Image.fromarray(noise(rng, w, h), "RGB"), f"img/noise_{w}x{h}.png")
        reference(out, f"noise_{w}x{h}", rel, 64, 64)
    # A saturated edge: bicubic overshoots, both passes must clip.
    edge = np.zeros((90, 110, 3), np.uint8)
    edge[:, 55:] = 255
    edge[45:, :, 1] = 255
    reference(out, "edges_110x90", save(Image.fromarray(edge, "RGB"), "img/edges_110x90.png"), 64, 64)
    reference(out, "edges_up_11x9", save(Image.fromarray(edge[::10, ::10].copy(), "RGB"), "img/edges_11x9.png"),
              64, 64)

    # Modes that convert("RGB") changes.
    grey = np.asarray(photo(rng, course, 150, 120).convert("L"))
    reference(out, "grey_L", save(Image.fromarray(grey, "L"), "img/grey.png"), 64, 64)
    la = np.stack([grey, noise(rng, 150, 120, 1)], -1)
    reference(out, "grey_alpha_LA", save(Image.fromarray(la, "LA"), "img/grey_alpha.png"), 64, 64)
    rgba = np.concatenate([np.asarray(photo(rng, course, 130, 170)), noise(rng, 130, 170, 1)[..., None]], -1)
    rgba[:20, :, 3] = 0  # fully transparent rows keep their colour: convert drops alpha
    reference(out, "rgba", save(Image.fromarray(rgba, "RGBA"), "img/rgba.png"), 64, 64)
    pal = photo(rng, course, 120, 90).quantize(colors=37)
    reference(out, "palette_P", save(pal, "img/palette.png"), 64, 64)
    reference(out, "palette_tRNS", save(pal, "img/palette_trns.png", transparency=3), 64, 64)
    reference(out, "grey_tRNS", save(Image.fromarray(grey, "L"), "img/grey_trns.png", transparency=77), 64, 64)
    bilevel = photo(rng, course, 100, 80).convert("1")
    reference(out, "bilevel_1bit", save(bilevel, "img/bilevel.png"), 64, 64)
    for bits, colors in [(2, 4), (4, 16)]:
        quantized = photo(rng, course, 90, 70).quantize(colors=colors)
        reference(out, f"palette_{bits}bit", save(quantized, f"img/palette_{bits}bit.png", bits=bits), 64, 64)
    # Low bit-depth grey, written by hand (Pillow writes L as 8 bits).
    for bits in (2, 4):
        levels = rng.integers(0, 1 << bits, (45, 61), dtype=np.uint8)
        packed = np.packbits(np.unpackbits(levels[..., None], axis=-1)[..., 8 - bits:].reshape(45, -1), axis=-1)
        rel = f"img/grey_{bits}bit.png"
        write_png(os.path.join(out, rel), packed, bits, 0, width=61)
        reference(out, f"grey_{bits}bit", rel, 64, 64)

    # 16 bits per sample (written by hand): RGB, RGBA and grey + alpha as Pillow reads
    # them (the high byte); grey alone: the high byte too, then Pillow's resize (Pillow's
    # own convert("RGB") of mode I;16 would clip to 255 instead; see PNGDecoder.swift).
    wide = rng.integers(0, 65536, (70, 90, 4), dtype=np.uint16)
    for name, arr, ctype in [("rgb16", wide[..., :3], 2), ("rgba16", wide, 6), ("la16", wide[..., :2], 4)]:
        rel = f"img/{name}.png"
        write_png(os.path.join(out, rel), arr, 16, ctype)
        reference(out, name, rel, 64, 64)
    rel = "img/grey16.png"
    write_png(os.path.join(out, rel), wide[..., 0], 16, 0)
    high = Image.fromarray((wide[..., 0] >> 8).astype(np.uint8), "L").convert("RGB").resize((64, 64))
    reference(out, "grey16_high_byte", rel, 64, 64, np.asarray(high))
    with Image.open(os.path.join(out, rel)) as im:
        assert im.mode == "I;16", im.mode  # the case the comment above is about
    # Interlaced (Adam7), by hand.
    rel = "img/interlaced.png"
    write_png(os.path.join(out, rel), np.asarray(photo(rng, course, 77, 53)), 8, 2, interlaced=True)
    reference(out, "interlaced_adam7", rel, 64, 64)

    # JPEG: Pillow's libjpeg-turbo decode, then its resize.
    jp = photo(rng, course, 301, 257, 1)
    reference(out, "jpeg_420_q75", save(jp, "img/q75.jpg"), 64, 64)
    reference(out, "jpeg_444_q95", save(jp, "img/q95_444.jpg", quality=95, subsampling=0), 64, 64)
    reference(out, "jpeg_422", save(jp, "img/q85_422.jpg", quality=85, subsampling=1), 64, 64)
    reference(out, "jpeg_progressive", save(jp, "img/progressive.jpg", progressive=True), 64, 64)
    reference(out, "jpeg_optimized_q50", save(jp, "img/q50_opt.jpg", quality=50, optimize=True), 64, 64)
    reference(out, "jpeg_grey", save(jp.convert("L"), "img/grey.jpg"), 64, 64)
    reference(out, "jpeg_odd_17x9", save(photo(rng, course, 17, 9), "img/odd_17x9.jpg"), 64, 64)
    reference(out, "jpeg_1x1", save(Image.fromarray(noise(rng, 1, 1), "RGB"), "img/one.jpg"), 64, 64)
    reference(out, "jpeg_exif_orientation", save(jp, "img/exif.jpg", exif=_exif_rotated()), 64, 64)
    reference(out, "jpeg_native_size", "img/q75.jpg", 301, 257)
    if args.large:
        big = photo(rng, course, 4000, 3000, 2)
        reference(out, "jpeg_4000x3000", save(big, "img/large_4000x3000.jpg", quality=90), 64, 64)

    # The course's test set: 64 x 64 PNGs written by Pillow decode to the HDF5 bytes; the
    # same as JPEG decode to Pillow's pixels; upscaled copies resize back as Pillow does.
    for i in range(course.shape[0]):
        im = Image.fromarray(course[i], "RGB")
        rel = save(im, f"course/{i:02d}.png")
        reference(out, f"course_{i:02d}_png", rel, 64, 64, course[i])
        reference(out, f"course_{i:02d}_jpg", save(im, f"course/{i:02d}.jpg"), 64, 64)
        up = (256, 256) if i % 2 == 0 else (400, 300)
        rel = save(im.resize(up), f"course/{i:02d}_up_{up[0]}x{up[1]}.png")
        reference(out, f"course_{i:02d}_up_{up[0]}x{up[1]}", rel, 64, 64)
    course.tofile(os.path.join(out, "course_test_set_x.u8"))
    (course[:3].reshape(3, -1).T / 255).astype("<f8").tofile(os.path.join(out, "course_features.f8"))

    # Bad files and the reason each must give.
    def bad(rel, data, reason):
        with open(os.path.join(out, rel), "wb") as f:
            f.write(data)
        ERRORS.append((rel, reason))

    png_bytes = open(os.path.join(out, "img/photo_301x257_to_64x64.png"), "rb").read()
    jpg_bytes = open(os.path.join(out, "img/q75.jpg"), "rb").read()
    prog_bytes = open(os.path.join(out, "img/progressive.jpg"), "rb").read()
    bad("bad/text.png", b"name,value\ncat,1\n", "notAnImage")
    bad("bad/empty.jpg", b"", "empty")
    bad("bad/truncated.png", png_bytes[: len(png_bytes) // 2], "truncated")
    bad("bad/truncated_no_iend.png", png_bytes[:-12], "truncated")
    bad("bad/truncated.jpg", jpg_bytes[: len(jpg_bytes) // 2], "truncated")
    bad("bad/truncated_progressive.jpg", prog_bytes[: len(prog_bytes) * 2 // 3], "truncated")
    bad("bad/header_only.jpg", jpg_bytes[:200], "truncated")
    bad("bad/signature_only.png", png_bytes[:8], "truncated")
    corrupt = bytearray(png_bytes)
    idat = corrupt.find(b"IDAT")
    corrupt[idat + 4: idat + 40] = b"\x00" * 36  # the zlib stream's header and first blocks
    bad("bad/corrupt_idat.png", bytes(corrupt), "corrupt")
    bogus = bytearray(jpg_bytes)
    dht = bogus.find(b"\xff\xc4")
    bogus[dht + 5: dht + 21] = b"\xff" * 16  # code counts no Huffman table can have
    bad("bad/bogus_huffman_table.jpg", bytes(bogus), "corrupt")
    huge = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    bad("bad/huge_header.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + huge
        + struct.pack(">I", zlib.crc32(b"IHDR" + huge)) + b"\x00\x00\x00\x00IEND\xaeB`\x82", "tooManyPixels")
    for rel, fmt, reason in [("bad/image.gif", "GIF", "unsupportedFormat:GIF"),
                             ("bad/image.bmp", "BMP", "unsupportedFormat:BMP"),
                             ("bad/image.tiff", "TIFF", "unsupportedFormat:TIFF"),
                             ("bad/image.webp", "WEBP", "unsupportedFormat:WebP")]:
        save(jp.resize((40, 30)), rel, format=fmt)
        ERRORS.append((rel, reason))
    save(jp.resize((40, 30)).convert("CMYK"), "bad/cmyk.jpg")
    ERRORS.append(("bad/cmyk.jpg", "unsupportedFormat:CMYK JPEG"))

    with open(os.path.join(out, "cases.tsv"), "w") as f:
        f.write("name\timage\twidth\theight\treference\n")
        for row in ROWS:
            f.write("\t".join(map(str, row)) + "\n")
    with open(os.path.join(out, "errors.tsv"), "w") as f:
        f.write("image\treason\n")
        for row in ERRORS:
            f.write("\t".join(row) + "\n")
    import PIL
    print(f"Pillow {PIL.__version__}: {len(ROWS)} cases, {len(ERRORS)} bad files in {out}")


def _exif_rotated():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display; neither Pillow nor Images applies it
    return exif


if __name__ == "__main__":
    sys.exit(main())
