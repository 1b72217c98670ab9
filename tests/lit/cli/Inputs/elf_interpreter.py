"""Prints the program interpreter an ELF executable asks for, or "none".

A statically linked executable has no PT_INTERP program header: the kernel
starts it directly, without the dynamic loader.
"""
import struct
import sys

PT_INTERP = 3

with open(sys.argv[1], "rb") as f:
    data = f.read()
assert data[:4] == b"\x7fELF" and data[4] == 2, "a 64-bit ELF file"
endian = "<" if data[5] == 1 else ">"
phoff, = struct.unpack_from(endian + "Q", data, 0x20)
phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x36)
for i in range(phnum):
    at = phoff + i * phentsize
    p_type, = struct.unpack_from(endian + "I", data, at)
    if p_type == PT_INTERP:
        offset, = struct.unpack_from(endian + "Q", data, at + 8)
        size, = struct.unpack_from(endian + "Q", data, at + 32)
        print(data[offset:offset + size].rstrip(b"\0").decode())
        sys.exit(0)
print("none")
