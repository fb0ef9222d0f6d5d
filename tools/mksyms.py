#!/usr/bin/env python3
"""Turn `nm -n kernel.elf` output into the kernel's symbol table.

Reads nm lines on stdin and writes GNU assembler source for the .ksyms
section: a count, a sorted array of function addresses, offsets into a
string table, and the string table. With no input it writes an empty
table, used for the first of the kernel's two links.

`mksyms.py --check PRE.elf FINAL.elf` verifies the promise the two-link
scheme rests on: no function moved between the links.
"""
import subprocess
import sys


def text_symbols(lines):
    syms = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW":
            continue
        addr, name = int(parts[0], 16), parts[2]
        syms.setdefault(addr, name)  # the first name wins at an address
    return sorted(syms.items())


def emit(syms):
    out = ['\t.section .ksyms, "a"', "\t.align 4",
           "\t.global ksyms_count, ksyms_addrs, ksyms_offsets, ksyms_strtab",
           f"ksyms_count:\t.long {len(syms)}", "ksyms_addrs:"]
    out += [f"\t.long 0x{a:08x}" for a, _ in syms]
    out.append("ksyms_offsets:")
    off = 0
    for _, name in syms:
        out.append(f"\t.long {off}")
        off += len(name) + 1
    out.append("ksyms_strtab:")
    out += [f'\t.asciz "{name}"' for _, name in syms]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    return "\n".join(out) + "\n"


def check(pre, final):
    def nm(path):
        res = subprocess.run(["nm", "-n", path], capture_output=True,
                             text=True, check=True)
        return text_symbols(res.stdout.splitlines())
    if nm(pre) != nm(final):
        sys.exit("mksyms: functions moved between the two kernel links; "
                 "is .ksyms still the last section in linker.ld?")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
        return
    sys.stdout.write(emit(text_symbols(sys.stdin)))


if __name__ == "__main__":
    main()
