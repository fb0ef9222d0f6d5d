#!/usr/bin/env python3
"""Pack files into a mica initrd archive (the format: docs/initrd.md).

    tools/mkinitrd.py -o OUT FILE...

Each file is stored under its basename, and the entries are sorted by
name (as bytes, which is the kernel's strcmp order). A name must be 1 to
31 bytes of UTF-8 and appear once. Prints nothing on success; on an error
prints one line to stderr, writes nothing and exits with status 1.
"""
import argparse
import os
import struct
import sys
import zlib

MAGIC = b"MICAINRD"
VERSION = 1
HEADER = struct.Struct("<8sIIII")  # magic, version, count, total_size, crc
ENTRY = struct.Struct("<32sIIII")  # name, offset, size, crc, reserved
NAME_MAX = 31  # the name field is 32 bytes, NUL included
ALIGN = 16


class MkinitrdError(Exception):
    pass


def align_up(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def entry_name(path):
    name = os.path.basename(path).encode()
    if not name:
        raise MkinitrdError(f"{path}: empty file name")
    if len(name) > NAME_MAX:
        raise MkinitrdError(f"{path}: name longer than {NAME_MAX} bytes")
    if b"\0" in name:
        raise MkinitrdError(f"{path}: NUL in file name")
    return name


def read_files(paths):
    """Returns [(name, data)] sorted by name; rejects duplicate names."""
    files = {}
    for path in paths:
        name = entry_name(path)
        if name in files:
            raise MkinitrdError(f"{path}: name {name.decode()!r} used twice")
        try:
            with open(path, "rb") as f:
                files[name] = f.read()
        except OSError as e:
            raise MkinitrdError(f"{path}: {e.strerror}")
    return sorted(files.items())


def build(files):
    """Returns the archive: header, entry table, then each file aligned."""
    table_end = HEADER.size + ENTRY.size * len(files)
    image = bytearray(table_end)  # header and table are filled in last
    table = bytearray()
    for name, content in files:
        image += bytes(align_up(len(image)) - len(image))
        table += ENTRY.pack(name, len(image), len(content),
                            zlib.crc32(content), 0)
        image += content
    image[HEADER.size:table_end] = table
    image[:HEADER.size] = HEADER.pack(MAGIC, VERSION, len(files), len(image),
                                      zlib.crc32(table))
    return bytes(image)


def main():
    parser = argparse.ArgumentParser(
        description="Pack files into a mica initrd archive.")
    parser.add_argument("-o", dest="out", required=True, metavar="OUT",
                        help="the archive to write")
    parser.add_argument("files", nargs="*", metavar="FILE")
    args = parser.parse_args()
    try:
        image = build(read_files(args.files))
        try:
            with open(args.out, "wb") as f:
                f.write(image)
        except OSError as e:
            raise MkinitrdError(f"{args.out}: {e.strerror}")
    except MkinitrdError as e:
        print(f"mkinitrd: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
