#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# hclcheck.py FILE... - check the syntax of HCL files (the native syntax
# of HCL 2, as Nomad reads it): bodies of attributes (NAME = EXPR) and
# blocks (TYPE "LABEL"... { BODY }), expressions made of strings (with
# ${...}), numbers, true/false/null, names, lists and objects. Prints
# "FILE:LINE: what" and exits 1 on the first error of each file; used by
# tests/integration/test_examples.sh, where no HCL tool is installed.
import re
import sys

TOKEN = re.compile(r'''
    (?P<space>[ \t\r]+|\\\n)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<nl>\n)
  | (?P<heredoc><<-?(?P<hd>[A-Za-z_]+)\n.*?\n[ \t]*(?P=hd)(?=\n|$))
  | (?P<string>"(?:[^"\\\n$]|\\.|\$\{[^}\n]*\}|\$(?!\{))*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)
  | (?P<punct>[={}\[\],:])
''', re.S | re.X)


class Bad(Exception):
    pass


def tokens(text):
    pos, line, out = 0, 1, []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise Bad(line, "unexpected %r" % text[pos:pos + 10])
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            out.append((kind, m.group(kind), line))
        line += m.group(0).count("\n")
        pos = m.end()
    out.append(("end", "", line))
    return out


class Parser:
    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self, skip_nl=False):
        while skip_nl and self.t[self.i][0] == "nl":
            self.i += 1
        return self.t[self.i]

    def take(self, value=None, kind=None, skip_nl=False):
        k, v, line = self.peek(skip_nl)
        if (value and v != value) or (kind and k != kind):
            raise Bad(line, "expected %s, got %r" % (value or kind, v))
        self.i += 1
        return v

    def body(self, closing):
        while True:
            k, v, line = self.peek(skip_nl=True)
            if (closing and v == "}") or (not closing and k == "end"):
                return
            self.take(kind="name")
            if self.peek()[1] == "=":
                self.take("=")
                self.expr()
                if self.peek()[0] not in ("nl", "end") and \
                        self.peek()[1] != "}":
                    raise Bad(line, "one attribute per line")
                continue
            while self.peek()[0] in ("string", "name"):
                self.i += 1
            self.take("{")
            self.body(True)
            self.take("}", skip_nl=True)

    def expr(self):
        k, v, line = self.peek(skip_nl=True)
        if k in ("string", "number", "name", "heredoc"):
            self.i += 1
        elif v in ("[", "{"):
            self.i += 1
            close = "]" if v == "[" else "}"
            while self.peek(skip_nl=True)[1] != close:
                if v == "{":
                    self.take(kind=None, skip_nl=True)
                    if self.take(skip_nl=True) not in ("=", ":"):
                        raise Bad(line, "expected = or : in an object")
                self.expr()
                nk, nv, _ = self.peek(skip_nl=v == "[")
                if nv == ",":
                    self.i += 1
                elif nv != close and nk != "nl":
                    raise Bad(line, "expected , or %s, got %r" % (close, nv))
            self.take(close, skip_nl=True)
        else:
            raise Bad(line, "expected an expression, got %r" % v)


def main():
    rc = 0
    for path in sys.argv[1:]:
        try:
            with open(path) as f:
                Parser(tokens(f.read())).body(False)
        except Bad as e:
            print("%s:%d: %s" % (path, e.args[0], e.args[1]))
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
