#!/usr/bin/env python3
# check-translatable.py: every user-visible error message is translatable
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check-translatable.py SRCDIR   (prints TAP)
#
# The rule it checks:
#
# 1. In the library (cacheit-glib/*.c, *.cpp), each call that makes a GError
#    (g_error_new, g_error_new_literal, g_set_error, g_set_error_literal,
#    g_task_return_new_error, g_prefix_error, g_propagate_prefixed_error)
#    whose message is a string literal has it inside _() — unless the
#    literal is a *detail*, listed in DETAILS below with the reason.
#
#    A detail is English text made where no message is shown to anyone: in
#    the worker that reads and decodes a body (cacheit-reader.c,
#    cacheit-decode.cpp: WORKER_FILES, where every literal is a detail) or
#    in a resource's from_node step (listed one by one in DETAILS). The resource
#    never hands such an error to a caller: it passes it through
#    fetch_wrap_error(), and _cacheit_error_new_for_url() in cacheit-error.c
#    makes the message the caller sees from a translated template that names
#    the URL ("The response from %s is not valid JSON: %s"), with the detail
#    as its last argument. So a translator translates every sentence a user
#    can see; the detail, after the colon, is technical and stays English.
#    Outside the worker files, a new untranslated literal fails this test
#    until it is translated, or listed here with a reason; a listed detail
#    that is gone fails it too, so that the list stays true.
#
# 2. Every source file that has a translatable string (_(), N_(), C_(),
#    NC_()) is listed in po/POTFILES.in, and every file listed there exists.
#
# 3. xgettext, run as the cacheit-1-pot target runs it, finds every string
#    marked in the library: no mark is hidden from it by a macro.
#
# 4. Every language in po/LINGUAS translates every message xgettext finds:
#    a new message fails this test until it is translated.

import os
import re
import shutil
import subprocess
import sys

srcdir = sys.argv[1]
libdir = os.path.join(srcdir, "cacheit-glib")

# The worker side: every message made there is a detail. These files never
# hand an error to a caller.
WORKER_FILES = {
    "cacheit-decode.cpp": "decodes the body in a worker thread",
    "cacheit-reader.c": "reads the body off the main thread",
}

# Elsewhere, (file, literal): why it is not translated.
DETAILS = {
    ("cacheit-collection.c", "expected an array, got %s"):
        "from_node detail after \"is not of the expected shape: \"",
    ("cacheit-model.c", "expected an object, got %s"):
        "from_node detail after \"is not of the expected shape: \"",
    ("cacheit-resource.c", "parse() returned nothing"):
        "passed through fetch_wrap_error(): detail of the WRONG_SHAPE message",
    ("cacheit-flight.c", ""):
        "passed through fetch_wrap_error(), which gives TOO_LARGE the limit as its detail",
    ("cacheit-json.c", "nested deeper than %d levels"):
        "from_node detail (the parse() slow path): fetch_wrap_error() makes the TOO_DEEP message",
}

ERROR_CALLS = {
    # name: index of the message argument
    "g_error_new": 2,
    "g_error_new_literal": 2,
    "g_set_error": 3,
    "g_set_error_literal": 3,
    "g_task_return_new_error": 3,
    "g_prefix_error": 1,
    "g_propagate_prefixed_error": 2,
}

MARKS = re.compile(r"\b(?:N?C?_|NC_)\s*\(\s*\"")


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*",
                  lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)


def split_args(text, start):
    """The arguments of the call whose '(' is at text[start]."""
    depth, args, current, i = 0, [], [], start
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            current.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return args, i
        elif c == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    raise ValueError("unbalanced call")


def literal_of(arg):
    """The C string of an argument made only of literals, else None."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    if not parts or re.sub(r'"((?:[^"\\]|\\.)*)"|\s', "", arg) != "":
        return None
    return "".join(parts)


results = []
seen_details = set()
marked = set()
sources = sorted(f for f in os.listdir(libdir) if f.endswith((".c", ".cpp", ".h")))

for name in sources:
    with open(os.path.join(libdir, name), encoding="utf-8") as f:
        text = strip_comments(f.read())
    for m in re.finditer(r"\b_\s*\(\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)\)", text):
        marked.add(literal_of(m.group(1)))
    for m in re.finditer(r"\b(" + "|".join(ERROR_CALLS) + r")\s*\(", text):
        args, _end = split_args(text, m.end() - 1)
        index = ERROR_CALLS[m.group(1)]
        if index >= len(args):
            continue
        message = args[index]
        line = text.count("\n", 0, m.start()) + 1
        where = f"cacheit-glib/{name}:{line} {m.group(1)}"
        if re.match(r"^_\s*\(", message):
            results.append((True, f"{where}: translated"))
            continue
        literal = literal_of(message)
        if literal is None:
            # A message made elsewhere (a variable, a g_strdup_printf): the
            # call that made its text is what is checked.
            results.append((True, f"{where}: message built elsewhere ({message})"))
        elif name in WORKER_FILES:
            results.append((True, f"{where}: detail \"{literal}\": {WORKER_FILES[name]}"))
        elif (name, literal) in DETAILS:
            seen_details.add((name, literal))
            results.append((True, f"{where}: detail \"{literal}\": {DETAILS[(name, literal)]}"))
        else:
            results.append((False, f"{where}: \"{literal}\" is not marked with _() "
                                   "and is not a listed detail"))

for key in sorted(set(DETAILS) - seen_details):
    results.append((False, f"listed detail {key} is no longer in the sources: update DETAILS"))

# 2. POTFILES.in
with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as f:
    potfiles = [l.strip() for l in f if l.strip() and not l.startswith("#")]
for path in potfiles:
    results.append((os.path.exists(os.path.join(srcdir, path)), f"POTFILES.in: {path} exists"))
for top in ("cacheit-glib", "examples"):
    for root, _dirs, files in os.walk(os.path.join(srcdir, top)):
        for name in sorted(files):
            if not name.endswith((".c", ".cpp", ".h", ".vala", ".py", ".js")):
                continue
            path = os.path.relpath(os.path.join(root, name), srcdir)
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = strip_comments(f.read()) if name.endswith((".c", ".cpp", ".h")) else f.read()
            if MARKS.search(text):
                results.append((path in potfiles, f"{path} has translatable strings and is in POTFILES.in"))

# 3. xgettext finds every mark
xgettext = shutil.which("xgettext")
if xgettext is None:
    results.append((None, "xgettext not found"))
else:
    out = subprocess.run([xgettext, "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                          "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--output=-",
                          "--directory=" + srcdir, "--files-from=" + os.path.join(srcdir, "po", "POTFILES.in")],
                         check=True, capture_output=True, text=True).stdout
    found = set(re.findall(r'^msgid "(.*)"$', out, flags=re.M))
    for literal in sorted(marked):
        results.append((literal in found, f"xgettext extracts \"{literal}\""))

    # 4. Every language translates every message.
    with open(os.path.join(srcdir, "po", "LINGUAS"), encoding="utf-8") as f:
        languages = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    for language in languages:
        with open(os.path.join(srcdir, "po", language + ".po"), encoding="utf-8") as f:
            po = f.read()
        translated = {m.group(1) for m in re.finditer(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, flags=re.M)
                      if not re.search(r'#, fuzzy\n(#.*\n)*msgid "' + re.escape(m.group(1)) + '"', po)}
        for msgid in sorted(found - {""}):
            results.append((msgid in translated, f"{language}.po translates \"{msgid}\""))

print(f"1..{len(results)}")
failed = 0
for i, (ok, text) in enumerate(results, 1):
    if ok is None:
        print(f"ok {i} # SKIP {text}")
    elif ok:
        print(f"ok {i} - {text}")
    else:
        failed += 1
        print(f"not ok {i} - {text}")
sys.exit(1 if failed else 0)
