#!/usr/bin/env python3
"""Damages a valid .wfb file in one precise way, for the invalid-bytecode tests.

    wfb.py MODE IN.wfb OUT.wfb

Parses IN section by section (an implementation of docs/bytecode.md that is
independent of wfc's), applies MODE, writes the file again with its length
and CRC-32C repaired (the header modes leave both as they are), and prints FileCheck
definitions for what the loader must report, e.g. `-DBYTE=123 -DTASK=1`:
BYTE is the file offset where the problem is.

The mode `identity` changes nothing: its output must equal its input, which
checks this parser and writer (and this CRC) against wfc's.
"""
import sys

MAGIC = bytes([0x89, ord("W"), ord("F"), ord("B"), 0x0D, 0x0A, 0x1A, 0x0A])
NAMES = {1: "STR", 2: "PIPELINE", 3: "PARAM", 4: "SECRET", 5: "ENV", 6: "POLICY",
         7: "CODE", 8: "TASK", 9: "EDGE", 10: "DEBUG"}
OP_SECRET, OP_NOT, OP_PUSH_STR, OP_RET = 0x06, 0x10, 0x01, 0x30
OPERANDS = {0x01: "u", 0x02: "s", 0x05: "u", 0x06: "u", 0x07: "uu", 0x23: "u", 0x27: "u"}


def crc32c(data):
    """CRC-32C: polynomial 0x82F63B78 (reflected), init and final xor 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


class Reader:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def u8(self):
        self.pos += 1
        return self.data[self.pos - 1]

    def uleb(self):
        value, shift = 0, 0
        while True:
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def sleb(self):
        value, shift = 0, 0
        while True:
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                if byte & 0x40:
                    value -= 1 << shift
                return value

    def take(self, n):
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def done(self):
        return self.pos >= len(self.data)


class Writer:
    """Bytes, with named marks at the offsets where fields start."""

    def __init__(self):
        self.out, self.marks = bytearray(), {}

    def mark(self, name):
        self.marks[name] = len(self.out)

    def u8(self, v):
        self.out.append(v)

    def uleb(self, v):
        self.out += uleb(v)

    def raw(self, b):
        self.out += b


def parse(data):
    assert data[:8] == MAGIC, "not a .wfb file"
    header = bytearray(data[:32])
    r = Reader(data, 32)
    sections = []
    while not r.done():
        sid = r.u8()
        length = r.uleb()
        sections.append([sid, bytes(r.take(length))])
    return header, sections


def section(sections, sid):
    for s in sections:
        if s[0] == sid:
            return s
    raise KeyError(NAMES[sid])


def assemble(header, sections, marks=None):
    """The file; `marks` maps (section id, name) to offsets within payloads."""
    out = bytearray(header)
    where = {}
    for sid, payload in sections:
        out.append(sid)
        out += uleb(len(payload))
        where[sid] = len(out)
        out += payload
    out[16:20] = len(out).to_bytes(4, "little")
    out[20:24] = crc32c(out[32:]).to_bytes(4, "little")
    absolute = {}
    for (sid, name), offset in (marks or {}).items():
        absolute[name] = where[sid] + offset
    return bytes(out), absolute, where


# --- Sections as data ----------------------------------------------------------

def parse_strings(payload):
    r = Reader(payload)
    lengths = [r.uleb() for _ in range(r.uleb())]
    return [bytes(r.take(n)) for n in lengths]


def write_strings(strings):
    w = Writer()
    w.uleb(len(strings))
    for s in strings:
        w.uleb(len(s))
    for i, s in enumerate(strings):
        w.mark("string%d" % i)
        w.raw(s)
    return w


def parse_code(payload):
    r = Reader(payload)
    blocks = []
    for _ in range(r.uleb()):
        result, max_stack = r.u8(), r.uleb()
        length = r.uleb()
        blocks.append({"result": result, "max_stack": max_stack, "ops": bytes(r.take(length))})
    return blocks


def write_code(blocks):
    w = Writer()
    w.uleb(len(blocks))
    for i, b in enumerate(blocks):
        w.u8(b["result"])
        w.uleb(b["max_stack"])
        w.uleb(len(b["ops"]))
        w.mark("ops%d" % i)
        w.raw(b["ops"])
    return w


def opcodes(ops):
    """The opcode bytes of a block, in order."""
    r, found = Reader(ops), []
    while not r.done():
        op = r.u8()
        found.append(op)
        for kind in OPERANDS.get(op, ""):
            r.sleb() if kind == "s" else r.uleb()
    return found


# The file's minor version: from 1.1, each output has a type byte.
MINOR = [0]


def parse_tasks(payload):
    r = Reader(payload)
    tasks = []
    for _ in range(r.uleb()):
        t = {"name": r.uleb(), "flags": r.u8(), "trigger": r.u8(), "policy": r.uleb()}
        for bit, field in ((2, "description"), (4, "when"), (8, "workdir")):
            if t["flags"] & bit:
                t[field] = r.uleb()
        t["args"] = [r.uleb() for _ in range(r.uleb())]
        t["env"] = [(r.uleb(), r.uleb()) for _ in range(r.uleb())]
        t["outputs"] = [(r.uleb(), r.u8() if MINOR[0] >= 1 else None)
                        for _ in range(r.uleb())]
        t["environments"] = [r.uleb() for _ in range(r.uleb())]
        tasks.append(t)
    assert r.done()
    return tasks


def write_tasks(tasks):
    w = Writer()
    w.uleb(len(tasks))
    for i, t in enumerate(tasks):
        w.uleb(t["name"])
        w.u8(t["flags"])
        w.u8(t["trigger"])
        w.uleb(t["policy"])
        for bit, field in ((2, "description"), (4, "when"), (8, "workdir")):
            if t["flags"] & bit:
                w.mark("task%d.%s" % (i, field))
                w.uleb(t[field])
        w.uleb(len(t["args"]))
        for k, a in enumerate(t["args"]):
            w.mark("task%d.arg%d" % (i, k))
            w.uleb(a)
        w.uleb(len(t["env"]))
        for name, value in t["env"]:
            w.uleb(name)
            w.uleb(value)
        w.uleb(len(t["outputs"]))
        for o, type_ in t["outputs"]:
            w.uleb(o)
            if type_ is not None:
                w.u8(type_)
        w.uleb(len(t["environments"]))
        for k, e in enumerate(t["environments"]):
            w.mark("task%d.environment%d" % (i, k))
            w.uleb(e)
    return w


def parse_edges(payload, ntasks):
    r = Reader(payload)
    deps = []
    for _ in range(ntasks):
        mine, previous = [], None
        for k in range(r.uleb()):
            step = r.uleb()
            previous = step if k == 0 else previous + 1 + step
            mine.append(previous)
        deps.append(mine)
    assert r.done()
    return deps


def write_edges(deps):
    w = Writer()
    for i, mine in enumerate(deps):
        w.uleb(len(mine))
        for k, d in enumerate(mine):
            w.mark("dep%d.%d" % (i, k))
            w.uleb(d if k == 0 else d - mine[k - 1] - 1)
    return w


# --- Modes -----------------------------------------------------------------------

HEADER_MODES = {
    # The whole file is replaced: nothing of a .wfb is left.
    "empty": lambda d: (b"", {}),
    "short": lambda d: (d[:10], {}),
    # An ELF header where the magic should be.
    "magic": lambda d: (b"\x7fELF\x02\x01\x01\x00" + d[8:], {}),
    # What an FTP transfer in ASCII mode does to the magic's CR LF.
    "text-mode": lambda d: (d.replace(b"\r\n", b"\n", 1), {}),
    # Half the file, as an interrupted copy leaves it.
    "truncate": lambda d: (d[:len(d) // 2], {"SIZE": len(d), "CUT": len(d) // 2}),
    # One bit of one byte in the middle of the sections; length and CRC as they were.
    "flip": lambda d: (d[:len(d) // 2] + bytes([d[len(d) // 2] ^ 0x04]) + d[len(d) // 2 + 1:], {}),
    # Flag bit 1, which no version 1.0 reader knows, next to the debug-info bit.
    "flags": lambda d: (d[:12] + (int.from_bytes(d[12:16], "little") | 2).to_bytes(4, "little")
                        + d[16:], {}),
    # Format version 2.0.
    "version": lambda d: (d[:8] + bytes([2, 0, 0, 0]) + d[12:], {}),
}


def main():
    mode, src, dst = sys.argv[1:4]
    data = open(src, "rb").read()
    if mode in HEADER_MODES:
        out, defs = HEADER_MODES[mode](data)
        open(dst, "wb").write(out)
        print(" ".join("-D%s=%s" % kv for kv in sorted(defs.items())))
        return
    header, sections = parse(data)
    MINOR[0] = data[10] | data[11] << 8
    marks, defs = {}, {}

    def replace(sid, writer):
        section(sections, sid)[1] = bytes(writer.out)
        for name, offset in writer.marks.items():
            marks[(sid, name)] = offset

    code = parse_code(section(sections, 7)[1])
    tasks = parse_tasks(section(sections, 8)[1])

    if mode == "identity":
        strings = parse_strings(section(sections, 1)[1])
        replace(1, write_strings(strings))
        replace(7, write_code(code))
        replace(8, write_tasks(tasks))
        replace(9, write_edges(parse_edges(section(sections, 9)[1], len(tasks))))
    elif mode == "order":
        # DEBUG (10) moved before EDGE (9): refused at DEBUG, as EDGE is not
        # there yet; "duplicate" reaches the check that ids increase.
        edge, debug = section(sections, 9), section(sections, 10)
        sections.remove(debug)
        sections.insert(sections.index(edge), debug)
        out, _, where = assemble(header, sections)
        defs["BYTE"] = where[10] - 1 - len(uleb(len(debug[1])))
    elif mode == "duplicate":
        # A second EDGE section after the first.
        edge = section(sections, 9)
        sections.insert(sections.index(edge) + 1, [9, edge[1]])
        out, _, where = assemble(header, sections)
        defs["BYTE"] = len(out) - len(section(sections, 10)[1]) - 1 - len(uleb(len(section(sections, 10)[1]))) - len(edge[1]) - 1 - len(uleb(len(edge[1])))
    elif mode == "drop-edges":
        # EDGE (9) left out, DEBUG kept: the tasks would lose their order.
        sections.remove(section(sections, 9))
        debug = section(sections, 10)
        out, _, where = assemble(header, sections)
        defs["BYTE"] = where[10] - 1 - len(uleb(len(debug[1])))
    elif mode == "debug-only":
        # Nothing but DEBUG.
        debug = section(sections, 10)
        sections[:] = [debug]
        out, _, where = assemble(header, sections)
        defs["BYTE"] = where[10] - 1 - len(uleb(len(debug[1])))
    elif mode == "unknown-id":
        debug = section(sections, 10)
        debug[0] = 11
        out, _, where = assemble(header, sections)
        defs["BYTE"] = where[11] - 1 - len(uleb(len(debug[1])))
    elif mode == "nonminimal":
        # PIPELINE starts with the name's string id: written with a needless
        # continuation byte (0x80 | id, 0x00).
        payload = section(sections, 2)[1]
        name = payload[0]
        assert name < 0x80
        section(sections, 2)[1] = bytes([0x80 | name, 0x00]) + payload[1:]
        marks[(2, "BYTE")] = 0
    elif mode == "count":
        # PARAM's count says 100 params; the section holds far fewer bytes.
        r = Reader(section(sections, 3)[1])
        r.uleb()
        section(sections, 3)[1] = uleb(100) + r.data[r.pos:]
        marks[(3, "BYTE")] = 0
    elif mode == "unsorted-strings":
        strings = parse_strings(section(sections, 1)[1])
        k = 2
        strings[k], strings[k + 1] = strings[k + 1], strings[k]
        w = write_strings(strings)
        w.marks["BYTE"] = w.marks["string%d" % (k + 1)]
        replace(1, w)
        defs["K"], defs["K1"] = k, k + 1
    elif mode == "dep":
        deps = parse_edges(section(sections, 9)[1], len(tasks))
        last = len(tasks) - 1
        assert deps[last], "the last task has no dependencies"
        deps[last][0] = last  # not lower than its own index
        w = write_edges(deps)
        w.marks["BYTE"] = w.marks["dep%d.0" % last]
        replace(9, w)
        defs["TASK"] = last
    elif mode == "underflow":
        # The `when` block becomes `not; ret`: `not` finds an empty stack.
        i, _ = next((i, t) for i, t in enumerate(tasks) if "when" in t)
        block = tasks[i]["when"] >> 1
        code[block]["ops"] = bytes([OP_NOT, OP_RET])
        w = write_code(code)
        w.marks["BYTE"] = w.marks["ops%d" % block]
        replace(7, w)
        defs["BLOCK"] = block
    elif mode == "result-type":
        # The `when` block becomes a valid block that gives a string.
        i, _ = next((i, t) for i, t in enumerate(tasks) if "when" in t)
        block = tasks[i]["when"] >> 1
        code[block] = {"result": 3, "max_stack": 1, "ops": bytes([OP_PUSH_STR, 0, OP_RET])}
        replace(7, write_code(code))
        w = write_tasks(tasks)
        w.marks["BYTE"] = w.marks["task%d.when" % i]
        replace(8, w)
        defs["TASK"], defs["BLOCK"] = i, block
    elif mode == "secret-argv":
        # An argument that is a block is pointed at the block reading a secret.
        secret = next(k for k, b in enumerate(code) if OP_SECRET in opcodes(b["ops"]))
        i, k = next((i, k) for i, t in enumerate(tasks) for k, a in enumerate(t["args"]) if a & 1)
        tasks[i]["args"][k] = (secret << 1) | 1
        w = write_tasks(tasks)
        w.marks["BYTE"] = w.marks["task%d.arg%d" % (i, k)]
        replace(8, w)
        defs["BLOCK"] = secret
    elif mode in ("policy-timeout", "policy-secret"):
        # Task `short` (Inputs/policy.wf) is given the policy (the longer
        # timeout), or an env value (a block reading a secret), of task
        # `long`: inconsistent with its first environment.
        strings = parse_strings(section(sections, 1)[1])
        named = {strings[t["name"]]: k for k, t in enumerate(tasks)}
        i, j = named[b"short"], named[b"long"]
        if mode == "policy-timeout":
            tasks[i]["policy"] = tasks[j]["policy"]
        else:
            secret = next(v for _, v in tasks[j]["env"]
                          if v & 1 and OP_SECRET in opcodes(code[v >> 1]["ops"]))
            tasks[i]["env"][0] = (tasks[i]["env"][0][0], secret)
        w = write_tasks(tasks)
        w.marks["BYTE"] = w.marks["task%d.environment0" % i]
        replace(8, w)
        defs["TASK"] = i
    else:
        sys.exit("unknown mode " + mode)

    out, absolute, _ = assemble(header, sections, marks)
    if "BYTE" in absolute:
        defs["BYTE"] = absolute["BYTE"]
    open(dst, "wb").write(out)
    print(" ".join("-D%s=%s" % kv for kv in sorted(defs.items())))


if __name__ == "__main__":
    main()
