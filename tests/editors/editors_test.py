#!/usr/bin/env python3
"""One language, many grammars: checks the VS Code, Vim and Emacs grammars
against each other, against the corpus and against wfc itself.

usage: editors_test.py --wfc WFC --srcroot DIR [--node N] [--vim V] [--emacs E] MODE

corpus      Each tests/editors/corpus/*.wf file parses without syntax errors
            (wfc check), is stable under wfc fmt (its assertion lines aside),
            gets no invalid scope, group or face from any editor, and every
            scope its vscode-tmgrammar-test assertions name is highlighted as
            the same kind of token (a class below) by Vim and Emacs.
vocabulary  Every keyword, field, type, trigger rule, retry condition,
            backoff, conversion and reference root that `wfc --print-vocabulary` lists
            (read from grammar/Wf.g4 and sema's tables) is highlighted as
            such by every editor, and no operator of the grammar is invalid.
vscode      vscode-tmgrammar-test on the corpus, extension.js loaded with a
            stand-in `vscode` module, and `vsce package` making a .vsix
            (in --workdir) that holds the extension and its client library.
vim         tests/editors/vim_test.vim in `vim -es` (ftplugin, :make,
            gq, indentation, highlighting at chosen places).
nvim        tests/editors/nvim_test.lua in `nvim --headless` (the LSP
            snippet, against tests/editors/stub_lsp_server.py).
nvim-lsp    tests/editors/nvim_lsp_test.lua in `nvim --headless` against
            `wfc lsp` itself: diagnostics arrive, clear after a fix, and
            go to definition lands on the declaration.
emacs       tests/editors/wfc-mode-test.el with ERT in `emacs --batch`, and
            wfc-mode.el byte-compiled with warnings as errors.

Exit 0 when all is well; 1 with a list of what differs.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# What kind of token a VS Code scope, a Vim group or an Emacs face marks.
SCOPE_CLASSES = [
    ("comment.", "comment"), ("keyword.other.directive.", "comment"),
    ("constant.other.rule-id.", "comment"),
    ("keyword.operator.word.", "keyword"), ("keyword.operator.", "operator"),
    ("keyword.", "keyword"),
    ("entity.name.type.kind.", "type"), ("entity.name.", "definition"),
    ("support.type.property-name.", "field"), ("support.type.", "type"),
    ("constant.character.escape.", "escape"),
    ("punctuation.section.interpolation.", "interpolation"),
    ("punctuation.definition.string.", "string"), ("string.", "string"),
    ("constant.numeric.", "number"), ("constant.language.", "constant"),
    ("support.constant.", "constant"), ("variable.other.secret.", "secret"),
    ("variable.language.", "builtin"), ("support.function.", "function"),
    ("variable.parameter.", "parameter"), ("variable.other.key.", "key"),
    ("invalid.", "invalid"), ("punctuation.", "punctuation"),
    ("variable.", "none"), ("meta.", None), ("source.", None),
]

VIM_CLASSES = {
    "wfComment": "comment", "wfTodo": "comment", "wfIgnore": "comment",
    "wfKeyword": "keyword", "wfDeclaration": "keyword",
    "wfTypeName": "definition", "wfSecretDef": "definition", "wfAlias": "definition",
    "wfLoopVar": "definition", "wfParamName": "definition", "wfTaskName": "definition",
    "wfTaskNameString": "definition", "wfTemplateName": "definition",
    "wfInstance": "definition",
    "wfTemplateParam": "parameter", "wfArgName": "parameter",
    "wfType": "type", "wfMapType": "type", "wfObjectKind": "type", "wfField": "field", "wfMapKey": "key",
    "wfString": "string", "wfEscape": "escape", "wfDollar": "escape",
    "wfInterpolationDelim": "interpolation",
    "wfNumber": "number", "wfFloat": "number", "wfSize": "number", "wfDuration": "number",
    "wfBoolean": "constant", "wfTrigger": "constant", "wfRetryOn": "constant",
    "wfFunction": "function", "wfBuiltin": "builtin", "wfSecretName": "secret",
    "wfOperator": "operator", "wfDelimiter": "punctuation", "wfError": "invalid",
    "wfEscapeError": "invalid",
}

EMACS_CLASSES = {
    "font-lock-comment-face": "comment", "font-lock-comment-delimiter-face": "comment",
    "wfc-ignore-face": "comment",
    "font-lock-keyword-face": "keyword", "font-lock-function-name-face": "definition",
    "wfc-field-face": "field", "font-lock-type-face": "type",
    "font-lock-string-face": "string", "wfc-escape-face": "escape",
    "wfc-interpolation-face": "interpolation", "wfc-number-face": "number",
    "font-lock-constant-face": "constant", "wfc-secret-face": "secret",
    "font-lock-builtin-face": "builtin", "wfc-function-face": "function",
    "font-lock-variable-name-face": "parameter", "font-lock-warning-face": "invalid",
}
# Emacs leaves operators, punctuation and map keys plain.
EMACS_UNSUPPORTED = {"operator", "punctuation", "key"}
# Vim shows punctuation as it shows delimiters, or not at all.
VIM_UNSUPPORTED = {"punctuation"}

ASSERTION = re.compile(r"^//(\s*)(\^+|<~*-+)(.*)$")


def scope_class(scope):
    for prefix, cls in SCOPE_CLASSES:
        if scope.startswith(prefix):
            return cls
    return "none"


def innermost_class(scopes):
    for scope in reversed(scopes):
        cls = scope_class(scope)
        if cls is not None:
            return cls
    return "none"


class Editors:
    def __init__(self, args):
        self.args = args
        here = os.path.dirname(os.path.abspath(__file__))
        self.vim_script = os.path.join(here, "vim_groups.vim")
        self.emacs_script = os.path.join(here, "emacs_faces.el")
        self.scopes_js = os.path.join(args.srcroot, "editors", "vscode", "test", "scopes.js")

    def vscode(self, path):
        """{(line, col): [scopes]} for each character, columns from 1."""
        out = subprocess.run([self.args.node, self.scopes_js, path], check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        chars = {}
        for line in out.split("\n")[1:]:
            if not line:
                continue
            lnum, begin, end, *scopes = line.split(" ")
            for col in range(int(begin), int(end)):
                chars[(int(lnum), col)] = scopes
        return chars

    def vim(self, path):
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
            env = dict(os.environ, WF_OUT=out.name)
            subprocess.run([self.args.vim, "-Nu", "NONE", "-i", "NONE", "-es",
                            "--cmd", "set rtp^=" + os.path.join(self.args.srcroot, "editors", "vim"),
                            "-c", "filetype plugin indent on", "-c", "syntax on",
                            "-c", "edit " + path, "-c", "source " + self.vim_script,
                            "-c", "qa!"], check=True, env=env, timeout=120)
            return parse_dump(out.read())

    def emacs(self, path):
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
            subprocess.run([self.args.emacs, "--batch", "-Q",
                            "-L", os.path.join(self.args.srcroot, "editors", "emacs"),
                            "-l", self.emacs_script, path, out.name],
                           check=True, timeout=120, stdout=subprocess.DEVNULL)
            return parse_dump(out.read())


def parse_dump(text):
    result = {}
    for line in text.split("\n"):
        if line:
            lnum, col, name = (line.split(" ", 2) + [""])[:3]
            result[(int(lnum), int(col))] = name
    return result


def corpus_assertions(path):
    """[(line, first col, last col + 1, scopes)] of a vscode-tmgrammar-test file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, source_line = [], None
    for number, line in enumerate(lines[1:], start=2):
        match = ASSERTION.match(line)
        if not match or source_line is None:
            source_line = number
            continue
        marks, rest = match.group(2), match.group(3).split(" -")[0].split()
        if marks.startswith("<"):
            tildes = marks.count("~")
            found.append((source_line, 1 + tildes, 1 + tildes + marks.count("-"), rest))
        else:
            start = 2 + len(match.group(1)) + 1
            found.append((source_line, start, start + len(marks), rest))
    return found


def compare(editor, actual, classes, unsupported, expected, where, problems):
    """Checks `actual` (group or face names) against expected classes."""
    for (lnum, col), cls in expected.items():
        if cls in unsupported or cls is None:
            continue
        name = actual.get((lnum, col), "")
        got = classes.get(name.split(" ")[0], "none")
        if got != cls:
            problems.append(f"{where(lnum)}:{col}: {editor} shows {name or 'nothing'} "
                            f"({got}), the grammar says {cls}")


def check_corpus(args, editors):
    corpus = os.path.join(args.srcroot, "tests", "editors", "corpus")
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".wf"))
    problems = []
    for path in files:
        rel = os.path.relpath(path, args.srcroot)
        check = subprocess.run([args.wfc, "check", "--format=gcc", path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in check.stdout.decode().split("\n"):
            if re.search(r"error: .*\[(syntax-|input-)", line):
                problems.append(f"{rel}: {line}")
        with open(path, encoding="utf-8") as f:
            code = "".join(l for l in f.readlines() if not ASSERTION.match(l.rstrip("\n")))
        fmt = subprocess.run([args.wfc, "fmt", "-"], input=code.encode(), stdout=subprocess.PIPE)
        if fmt.stdout.decode() != code:
            problems.append(f"{rel}: not stable under wfc fmt (its assertion lines aside)")

        vscode = editors.vscode(path)
        for (lnum, col), scopes in sorted(vscode.items()):
            if any(s.startswith("invalid.") for s in scopes):
                problems.append(f"{rel}:{lnum}:{col}: VS Code: invalid scope {scopes[-1]}")
        expected, inside = {}, set()
        with open(path, encoding="utf-8") as f:
            text = f.read().split("\n")
        for lnum, begin, end, scopes in corpus_assertions(path):
            classes = [scope_class(s) for s in scopes if scope_class(s)]
            for col in range(begin, end):
                # Vim and Emacs are compared on the characters of tokens.
                if col <= len(text[lnum - 1]) and not text[lnum - 1][col - 1].isspace():
                    expected[(lnum, col)] = classes[0] if classes else None
        for key, scopes in vscode.items():
            if "meta.interpolation.wf" in scopes and not any(
                    s.startswith("punctuation.section.interpolation") for s in scopes):
                inside.add(key)
        vim, emacs = editors.vim(path), editors.emacs(path)
        for key, name in vim.items():
            if VIM_CLASSES.get(name) == "invalid":
                problems.append(f"{rel}:{key[0]}:{key[1]}: Vim: error group wfError")
        for key, name in emacs.items():
            if name.split(" ")[0] == "font-lock-warning-face":
                problems.append(f"{rel}:{key[0]}:{key[1]}: Emacs: font-lock-warning-face")
        where = lambda lnum: f"{rel}:{lnum}"
        compare("Vim", vim, VIM_CLASSES, VIM_UNSUPPORTED, expected, where, problems)
        # Emacs shows the expression inside ${…} as part of its string.
        outside = {k: v for k, v in expected.items() if k not in inside}
        compare("Emacs", emacs, EMACS_CLASSES, EMACS_UNSUPPORTED, outside, where, problems)
    return problems, f"{len(files)} corpus files"


REFERENCES = {
    # root: (line, [(needle, class)])
    "params": ("  when = params.x", [("params", "builtin")]),
    "secrets": ("  env = { A = secrets.x }", [("secrets", "builtin"), ("x", "secret")]),
    "run": ("  when = run.environment", [("run", "builtin"), ("environment", "none")]),
    "outputs": ("  env = { A = t.outputs.k }", [("outputs", "builtin")]),
    "environment": ("  when = params.environment", [("environment", "none")]),
}


def vocabulary_lines(vocabulary):
    """Lines of a test file and the class expected at each (line, col)."""
    lines, expected, unknown = [], {}, []

    def add(text, marks):
        lines.append(text)
        for needle, cls in marks:
            start = text.rindex(needle) if needle in ("x", "environment") else text.index(needle)
            for col in range(start + 1, start + 1 + len(needle)):
                expected[(len(lines), col)] = (cls, needle)

    for entry in vocabulary:
        kind, *words = entry.split(" ")
        word = words[-1]
        if kind == "keyword":
            if word in ("true", "false"):
                add(f"  x = {word}", [(word, "constant")])
            else:
                add(f"{word} x", [(word, "keyword")])
        elif kind == "punctuation":
            add(f"  x = a {word} b", [(word, "not-invalid")])
        elif kind == "field":
            add(f"  {word} = 1", [(word, "field")])
        elif kind == "type":
            add(f"param x: {word}", [(word, "type")])
        elif kind == "trigger":
            add(f"  trigger = {word}", [(word, "constant")])
        elif kind == "retry-on":
            add(f"  on = [{word}(1)]" if word == "exit" else f"  on = [{word}]",
                [(word, "function" if word == "exit" else "constant")])
        elif kind == "backoff":
            add(f"  backoff = {word}" if word == "none" else f"  backoff = {word}(1s)",
                [(word, "constant" if word == "none" else "function")])
        elif kind == "conversion":
            add(f"  when = {word}(x)", [(word, "function")])
        elif kind == "reference" and word in REFERENCES:
            add(*REFERENCES[word])
        else:
            unknown.append(entry)
    return lines, expected, unknown


def check_vocabulary(args, editors):
    listed = subprocess.run([args.wfc, "--print-vocabulary"], check=True,
                            stdout=subprocess.PIPE).stdout.decode().split("\n")
    vocabulary = [line for line in listed if line]
    lines, expected, unknown = vocabulary_lines(vocabulary)
    problems = [f"tests/editors/editors_test.py does not know how to test '{entry}': "
                "add it to vocabulary_lines and to every editor grammar" for entry in unknown]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "vocabulary.wf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        vscode = {k: innermost_class(v) for k, v in editors.vscode(path).items()}
        vim = {k: VIM_CLASSES.get(v, "none") for k, v in editors.vim(path).items()}
        emacs = {k: EMACS_CLASSES.get(v.split(" ")[0], "none") for k, v in editors.emacs(path).items()}
    reported = set()
    for (lnum, col), (cls, word) in sorted(expected.items()):
        for editor, actual, unsupported in (("VS Code", vscode, set()), ("Vim", vim, VIM_UNSUPPORTED),
                                            ("Emacs", emacs, EMACS_UNSUPPORTED)):
            got = actual.get((lnum, col), "none")
            wrong = got == "invalid" if cls == "not-invalid" else (
                cls not in unsupported and got != cls)
            if wrong and (editor, lnum) not in reported:
                reported.add((editor, lnum))
                problems.append(f"{editor}: '{word}' in `{lines[lnum - 1].strip()}` shows as "
                                f"{got}, expected {cls if cls != 'not-invalid' else 'valid'}")
    return problems, f"{len(vocabulary)} words"


def vscode_dir(args):
    directory = os.path.join(args.srcroot, "editors", "vscode")
    if not os.path.isdir(os.path.join(directory, "node_modules")):
        sys.exit(f"{directory}/node_modules is missing: run scripts/bootstrap (npm ci)")
    return directory


def run(command, problems, **kwargs):
    """Runs command; its output becomes a problem when it fails."""
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            timeout=300, **kwargs)
    if result.returncode != 0:
        problems.append(f"{' '.join(command)} exited {result.returncode}:\n"
                        + result.stdout.decode("utf-8", "replace")[-4000:])
    return result


def check_vscode(args, editors):
    import zipfile
    directory, problems = vscode_dir(args), []
    corpus = os.path.join(args.srcroot, "tests", "editors", "corpus", "*.wf")
    run([args.node, os.path.join(directory, "node_modules", "vscode-tmgrammar-test", "dist",
                                 "unit.js"),
         "-g", "syntaxes/wf.tmLanguage.json", corpus], problems, cwd=directory)
    run([args.node, os.path.join("test", "extension.test.js")], problems, cwd=directory)
    os.makedirs(args.workdir, exist_ok=True)
    vsix = os.path.join(args.workdir, "wfc-wf.vsix")
    if os.path.exists(vsix):
        os.remove(vsix)
    run([args.node, os.path.join(directory, "node_modules", "@vscode", "vsce", "vsce"),
         "package", "--skip-license", "--out", vsix], problems, cwd=directory)
    if os.path.exists(vsix):
        names = set(zipfile.ZipFile(vsix).namelist())
        for needed in ["extension/package.json", "extension/extension.js",
                       "extension/language-configuration.json",
                       "extension/syntaxes/wf.tmLanguage.json",
                       "extension/node_modules/vscode-languageclient/package.json"]:
            if needed not in names:
                problems.append(f"{vsix} lacks {needed}")
        for name in names:
            if name.startswith("extension/test/") or "vsce" in name.split("/")[2:3]:
                problems.append(f"{vsix} holds {name}, which is for tests or packaging only")
    return problems, f"grammar, extension and {os.path.basename(vsix)}"


def check_vim(args, editors):
    problems = []
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        env = dict(os.environ, WFC=args.wfc, WF_OUT=out.name, WF_INDENT_INPUT=os.path.join(
            args.srcroot, "tests", "editors", "inputs", "indent.wf"))
        run([args.vim, "-Nu", "NONE", "-i", "NONE", "-es", "--cmd",
             "set rtp^=" + os.path.join(args.srcroot, "editors", "vim"), "-c",
             "source " + os.path.join(args.srcroot, "tests", "editors", "vim_test.vim")],
            problems, env=env)
        result = out.read().strip()
    if not result.startswith("ok "):
        problems.extend(result.split("\n") if result else ["vim wrote no result"])
    return problems, result


def check_nvim(args, editors):
    problems = []
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out, \
            tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        env = dict(os.environ, WF_OUT=out.name, WF_LSP_LOG=log.name, WF_LSP_SERVER=os.path.join(
            args.srcroot, "tests", "editors", "stub_lsp_server.py"))
        run([args.nvim, "--headless", "-u", "NONE", "-i", "NONE", "--cmd",
             "set rtp^=" + os.path.join(args.srcroot, "editors", "vim"), "-c",
             "luafile " + os.path.join(args.srcroot, "tests", "editors", "nvim_test.lua")],
            problems, env=env)
        result = out.read().strip()
    if not result.startswith("ok "):
        problems.extend(result.split("\n") if result else ["nvim wrote no result"])
    return problems, result


def check_nvim_lsp(args, editors):
    problems = []
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        env = dict(os.environ, WF_OUT=out.name, WFC=os.path.abspath(args.wfc))
        run([args.nvim, "--headless", "-u", "NONE", "-i", "NONE", "--cmd",
             "set rtp^=" + os.path.join(args.srcroot, "editors", "vim"), "-c",
             "luafile " + os.path.join(args.srcroot, "tests", "editors", "nvim_lsp_test.lua")],
            problems, env=env)
        result = out.read().strip()
    if not result.startswith("ok "):
        problems.extend(result.split("\n") if result else ["nvim wrote no result"])
    return problems, result


def check_emacs(args, editors):
    problems = []
    env = dict(os.environ, WFC=args.wfc, WF_INDENT_INPUT=os.path.join(
        args.srcroot, "tests", "editors", "inputs", "indent.wf"))
    result = run([args.emacs, "--batch", "-Q", "-L", os.path.join(args.srcroot, "editors", "emacs"),
                  "-l", os.path.join(args.srcroot, "tests", "editors", "wfc-mode-test.el"),
                  "-f", "ert-run-tests-batch-and-exit"], problems, env=env)
    summary = re.findall(r"^Ran \d+ tests.*$", result.stdout.decode(), re.M)
    # The mode byte-compiles without a warning.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "wfc-mode.el")
        with open(os.path.join(args.srcroot, "editors", "emacs", "wfc-mode.el"), "rb") as f, \
                open(copy, "wb") as out:
            out.write(f.read())
        run([args.emacs, "--batch", "-Q", "-L", tmp, "--eval", "(setq byte-compile-error-on-warn t)",
             "-f", "batch-byte-compile", copy], problems)
        if not os.path.exists(copy + "c"):
            problems.append("wfc-mode.el does not byte-compile without warnings")
    return problems, summary[0] if summary else "no ERT summary"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wfc", required=True)
    parser.add_argument("--srcroot", required=True)
    parser.add_argument("--node", default="node")
    parser.add_argument("--vim", default="vim")
    parser.add_argument("--emacs", default="emacs")
    parser.add_argument("--nvim", default="nvim")
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    modes = {"corpus": check_corpus, "vocabulary": check_vocabulary, "vscode": check_vscode,
             "vim": check_vim, "nvim": check_nvim, "nvim-lsp": check_nvim_lsp,
             "emacs": check_emacs}
    parser.add_argument("mode", choices=sorted(modes))
    args = parser.parse_args()
    editors = Editors(args)
    problems, what = modes[args.mode](args, editors)
    for problem in problems:
        print(problem)
    print(f"{args.mode}: {what}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
