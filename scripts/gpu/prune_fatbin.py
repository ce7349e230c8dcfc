#!/usr/bin/env python3
"""Keep only one GPU architecture's device code in a CUDA shared library.

MLX's CUDA wheel embeds device code for several architectures (sm_75 ...
sm_121 and PTX) in the ELF section .nv_fatbin. For a machine whose GPU is
known (an H100 is sm_90), the other entries are never loaded. This tool
overwrites the payload of every other entry with zeros in place: the file
keeps its size, layout and offsets (nothing is relinked or rebuilt), and the
zeroed bytes compress to almost nothing for transport.

    prune_fatbin.py <in.so> <out.so> --keep-arch 90
"""
import argparse
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50


def section(data, name):
    # ELF64 little-endian section lookup.
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    str_off = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        base = shoff + i * shentsize
        name_off, = struct.unpack_from("<I", data, base)
        end = data.index(b"\0", str_off + name_off)
        if data[str_off + name_off:end].decode() == name:
            off, size = struct.unpack_from("<QQ", data, base + 0x18)
            return off, size
    raise SystemExit(f"no section {name}")


def prune(data, keep_arch):
    off, size = section(data, ".nv_fatbin")
    pos, end_sec = off, off + size
    kept = zeroed = 0
    while pos + 16 <= end_sec:
        magic, _version, header_size, fat_size = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:
            pos += 8  # alignment padding between containers
            continue
        entry, end = pos + header_size, pos + header_size + fat_size
        while entry < end:
            kind, _unk, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            arch, = struct.unpack_from("<I", data, entry + 28)
            start = entry + entry_header
            if arch == keep_arch and kind == 2:  # 2 = ELF (cubin), 1 = PTX
                kept += payload
            else:
                data[start:start + payload] = bytes(payload)
                zeroed += payload
            entry = start + payload
        pos = end
    return kept, zeroed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--keep-arch", type=int, default=90)
    a = p.parse_args()
    data = bytearray(open(a.src, "rb").read())
    kept, zeroed = prune(data, a.keep_arch)
    if kept == 0:
        sys.exit(f"no sm_{a.keep_arch} device code found; refusing to write an empty library")
    open(a.dst, "wb").write(data)
    print(f"kept {kept / 1e6:.1f} MB of sm_{a.keep_arch} device code, zeroed {zeroed / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
