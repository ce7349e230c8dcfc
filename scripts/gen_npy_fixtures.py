#!/usr/bin/env python3
"""Writes the tiny tensor files tests/serialize_test.cpp reads back.

    .venv/bin/python scripts/gen_npy_fixtures.py   (Debian's python3-numpy, which .venv sees)

.npy and .npz files come from numpy itself; the safetensors file from the
small writer below (8-byte little-endian header length, JSON, raw bytes), so
neither the safetensors package nor torch is needed. The values are the ones
the test expects; change both together.
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "serialize")


def npy(name, array):
    np.save(os.path.join(OUT, name + ".npy"), array, allow_pickle=False)


def write_safetensors(path, tensors, metadata):
    """tensors: name -> (dtype string, shape, raw little-endian bytes)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_zip64(path, members):
    """A stored zip whose central directory uses zip64 for sizes and offsets
    and ends with the zip64 records, as archives over 4 GiB do."""
    import zlib
    out, central = b"", b""
    for name, data in members.items():
        offset, crc, n = len(out), zlib.crc32(data), len(data)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, n, n, len(name), 0) + name + data
        extra = struct.pack("<HHQQQ", 1, 24, n, n, offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF)
        central += name + extra
    cd_offset, count = len(out), len(members)
    out += central
    zip64_eocd = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(path, "wb") as f:
        f.write(out)


def npy_bytes(array):
    import io
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def le(array):
    return array.astype(array.dtype.newbyteorder("<")).tobytes()


def main():
    os.makedirs(OUT, exist_ok=True)
    # One file per numpy dtype the readers map to an Nx type.
    npy("b1", np.array([True, False, True]))
    npy("u1", np.array([0, 7, 255], dtype=np.uint8))
    npy("u2", np.array([0, 300, 65535], dtype=np.uint16))
    npy("u4", np.array([0, 70000, 4294967295], dtype=np.uint32))
    npy("u8", np.array([0, 1 << 40, 18446744073709551615], dtype=np.uint64))
    npy("i1", np.array([-128, -1, 127], dtype=np.int8))
    npy("i2", np.array([-32768, -2, 32767], dtype=np.int16))
    npy("i4", np.array([-2147483648, -3, 2147483647], dtype=np.int32))
    npy("i8", np.array([-9223372036854775808, -4, 9223372036854775807], dtype=np.int64))
    npy("f2", np.array([1.5, -0.25, 65504.0], dtype=np.float16))
    npy("f4", np.array([[1.5, -2.0, 0.1], [np.inf, -np.inf, 3.0]], dtype=np.float32))
    npy("f8", np.array([1.0 / 3.0, -1e300, 5e-324], dtype=np.float64))
    npy("c8", np.array([1 + 2j, -0.5 - 4j], dtype=np.complex64))
    npy("c16", np.array([1 / 3 + 2j, -1e300j], dtype=np.complex128))
    npy("scalar", np.float64(2.5))
    npy("rank3", np.arange(24, dtype=np.int32).reshape(2, 3, 4))
    # Fortran order and big-endian data, converted on load.
    npy("fortran", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
    npy("fortran3", np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4)))
    npy("big_i4", np.array([1, -2, 300000], dtype=">i4"))
    npy("big_f8", np.array([1.5, -2.25], dtype=">f8"))
    npy("big_c8", np.array([1 + 2j, -3 - 4j], dtype=">c8"))

    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1, -2, 3], dtype=np.int64)
    np.savez(os.path.join(OUT, "stored.npz"), a=a, b=b)
    np.savez_compressed(os.path.join(OUT, "deflated.npz"), a=a, b=b, zeros=np.zeros(1000, dtype=np.float64))

    write_zip64(os.path.join(OUT, "zip64.npz"), {b"a.npy": npy_bytes(a), b"c.npy": npy_bytes(np.array([7], dtype=np.uint16))})

    bf16 = (np.array([1.0, -2.5, 0.15625], dtype=np.float32).view(np.uint32) >> 16).astype("<u2")
    tensors = {
        "bool": ("BOOL", [3], np.array([1, 0, 1], dtype=np.uint8).tobytes()),
        "u8": ("U8", [3], le(np.array([0, 7, 255], dtype=np.uint8))),
        "i8": ("I8", [3], le(np.array([-128, -1, 127], dtype=np.int8))),
        "u16": ("U16", [3], le(np.array([0, 300, 65535], dtype=np.uint16))),
        "i16": ("I16", [3], le(np.array([-32768, -2, 32767], dtype=np.int16))),
        "u32": ("U32", [3], le(np.array([0, 70000, 4294967295], dtype=np.uint32))),
        "i32": ("I32", [2, 2], le(np.array([[-2147483648, -3], [5, 2147483647]], dtype=np.int32))),
        "u64": ("U64", [2], le(np.array([1 << 40, 18446744073709551615], dtype=np.uint64))),
        "i64": ("I64", [2], le(np.array([-9223372036854775808, 9223372036854775807], dtype=np.int64))),
        "f16": ("F16", [3], le(np.array([1.5, -0.25, 65504.0], dtype=np.float16))),
        "bf16": ("BF16", [3], bf16.tobytes()),
        "f32": ("F32", [2, 3], le(np.array([[1.5, -2.0, 0.1], [np.inf, -np.inf, 3.0]], dtype=np.float32))),
        "f64": ("F64", [], le(np.array(1.0 / 3.0, dtype=np.float64))),
        "c64": ("C64", [2], le(np.array([1 + 2j, -0.5 - 4j], dtype=np.complex64))),
        # 1.0, -2.0, 0.5 (E5M2) and 1.0, -2.0, 448 (E4M3FN) as bit patterns.
        "f8_e5m2": ("F8_E5M2", [3], bytes([0x3C, 0xC0, 0x38])),
        "f8_e4m3": ("F8_E4M3", [3], bytes([0x38, 0xC0, 0x7E])),
    }
    write_safetensors(os.path.join(OUT, "all_dtypes.safetensors"), tensors, {"format": "pt", "source": "gen"})
    del tensors["f8_e5m2"], tensors["f8_e4m3"]
    write_safetensors(os.path.join(OUT, "emily_dtypes.safetensors"), tensors, None)


if __name__ == "__main__":
    main()
