#!/usr/bin/env python3
# test-translation.py: the library's messages reach the user translated
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: test-translation.py LOCALEDIR   (the build's po/, with de/LC_MESSAGES)
#
# The library binds its text domain (cacheit-1) to the installed locale
# directory when its first resource class is made; this test binds it again
# to the build's, then asks in German for errors made on the main thread
# (no URL) and from an HTTP status, and checks that they come translated.
# Prints TAP.

import locale
import os
import sys

import gi
gi.require_version("Cacheit", "1.0")
from gi.repository import Cacheit, GLib

os.environ["LANGUAGE"] = "de"
locale.setlocale(locale.LC_ALL, "")

results = []

model = Cacheit.Model()                 # binds the text domain to LOCALEDIR
locale.bindtextdomain("cacheit-1", sys.argv[1])

try:
    model.fetch(Cacheit.FetchFlags.NONE, None)
    results.append((False, "a fetch without a URL fails"))
except GLib.Error as error:
    results.append((error.matches(Cacheit.error_quark(), Cacheit.Error.NO_URL),
                    "a fetch without a URL fails with NO_URL"))
    results.append((error.message == "Die Ressource hat keine Adresse zum Abrufen",
                    f"its message is German: {error.message!r}"))

model = Cacheit.Model(url="ftp://example.org/x")
try:
    model.fetch(Cacheit.FetchFlags.NONE, None)
    results.append((False, "a fetch of an FTP URL fails"))
except GLib.Error as error:
    results.append(("keine gültige HTTP- oder HTTPS-Adresse" in error.message,
                    f"an invalid URL's message is German: {error.message!r}"))

print(f"1..{len(results)}")
for i, (ok, text) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {text}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
