#!/usr/bin/python3
# fuzz/make-corpus.py: writes the seed corpus of each harness into
# fuzz/corpus/<harness>/. Run it again after changing an input format.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    folder = os.path.join(here, 'corpus', harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


documents = {
    'object': '{"id": 7, "title": "kept", "tags": ["a", "b"], "n": null}',
    'array': '[{"id": 1, "v": true}, {"id": "2", "v": 1.5e3}, {"v": {}}]',
    'envelope': '{"results": {"items": [{"id": 1}, {"id": 2}]}, "a/b": {"m~n": [1]}}',
    'numbers': '{"big": 18446744073709551615, "neg": -9223372036854775808, '
               '"huge": 1e308, "tiny": 5e-324, "id": 1e300}',
    'escapes': '{"s": "a\\"b\\u00e9\\ud83d\\ude00\\u0000c", "\\u0001": 1}',
    'dup': '{"a": 1, "a": 2, "b": [1, [2, [3]]]}',
    'deep': '[' * 300 + ']' * 300,
    'almost-deep': '{"a": ' + '[' * 255 + ']' * 255 + '}',
    'invalid-utf8': b'{"title": "caf\xe9"}',
    'truncated': '{"title": "kep',
    'scalar': '42',
    'empty': '',
}

# fuzz-decode-node: shape, pointer length, pointer, JSON.
for name, doc in documents.items():
    body = doc if isinstance(doc, bytes) else doc.encode()
    for shape in range(3):
        write('fuzz-decode-node', f'{name}-{shape}', bytes([shape, 0]) + body)
for pointer, shape in [('/results/items', 2), ('/results/items/1', 1), ('/a~1b/m~0n', 2),
                       ('/missing', 0), ('/results/~2', 0)]:
    write('fuzz-decode-node', 'pointer-' + pointer.replace('/', '_'),
          bytes([shape, len(pointer)]) + pointer.encode() + documents['envelope'].encode())

# fuzz-decode-index: choice (pointer, id attribute), JSON.
for name, doc in documents.items():
    body = doc if isinstance(doc, bytes) else doc.encode()
    write('fuzz-decode-index', name, bytes([0]) + body)
write('fuzz-decode-index', 'envelope-items', bytes([3]) + documents['envelope'].encode())
write('fuzz-decode-index', 'ids', bytes([0]) + b'[{"id": 1}, {"id": "1"}, {"id": 1.0}, '
      b'{"id": {"x": 1}}, {"id": null}, {}, {"id": "\\u0001"}, {"id": "\\u0002a"}, '
      b'{"id": 18446744073709551615}, {"id": -0}, {"id": 2.5}]')
write('fuzz-decode-index', 'uuid', bytes([8]) + b'[{"uuid": "a"}, {"uuid": "a"}, {"id": 1}]')

# fuzz-reader: step, max-size fraction, size hint, where to fail, body.
body = documents['array'].encode() * 40
for step, limit, hint, fail in [(0, 128, 100, 0), (0, 127, 0, 0), (1, 255, 64, 0),
                                (7, 64, 200, 0), (200, 129, 255, 0), (3, 128, 100, 128),
                                (0, 0, 0, 0), (255, 130, 130, 250)]:
    write('fuzz-reader', f'step{step}-limit{limit}-hint{hint}-fail{fail}',
          bytes([step, limit, hint, fail]) + body)
write('fuzz-reader', 'empty', bytes([0, 128, 100, 0]))

# fuzz-diff and fuzz-collection: responses of (count, then kind and value
# bytes per item). Kinds index the id spellings of fuzz-common.c.
def response(items):
    return bytes([len(items)]) + b''.join(bytes([k, v]) for k, v in items)


sequences = {
    'grow': [[(1, 0), (2, 0)], [(1, 0), (2, 1), (3, 0)]],
    'reorder': [[(0, 0), (1, 0), (2, 0), (3, 0)], [(3, 0), (2, 0), (1, 0), (0, 0)]],
    'duplicates': [[(1, 0), (5, 1), (7, 2), (1, 3)], [(1, 0), (9, 1)]],
    'missing-ids': [[(26, 0), (26, 1), (24, 0)], [(26, 1), (1, 0), (26, 0)]],
    'strings': [[(12, 0), (13, 0), (14, 0), (15, 0), (16, 0)], [(16, 0), (12, 1)]],
    'big': [[(18, 0), (19, 0), (20, 0), (21, 0)], [(0x80 | 18, 0), (19, 1)]],
    'empty': [[], [(1, 0)], []],
    'many': [[(i % 30, i) for i in range(40)], [((i * 7) % 30, i) for i in range(40)],
             [(i % 5, 0x10) for i in range(40)]],
}
for name, rounds in sequences.items():
    data = b''.join(response(r) for r in rounds)
    write('fuzz-diff', name, data)
    write('fuzz-collection', name, data)

# fuzz-model: two bytes for the length of the first object, the first, the second.
pairs = {
    'same': ('{"a": 1, "b": "x"}', '{"b": "x", "a": 1}'),
    'changed': ('{"a": 1, "b": "x", "c": [1]}', '{"a": 1.0, "b": "y", "d": null}'),
    'nested': ('{"o": {"x": [1, {"y": 2}]}}', '{"o": {"x": [1, {"y": 3}]}}'),
    'empty': ('{}', '{"a": true}'),
    'dup': ('{"a": 1, "a": 2}', '{"a": 2}'),
    'numbers': ('{"u": 18446744073709551615, "i": 9223372036854775807}',
                '{"u": 1.8446744073709552e19, "i": 9223372036854775806}'),
}
for name, (a, b) in pairs.items():
    write('fuzz-model', name, struct.pack('>H', len(a.encode())) + a.encode() + b.encode())


# fuzz-http: two bytes of status, then lines of a header index (0
# Cache-Control, 1 Expires, 2 Date, 3 Age, 4 Vary, 5 Pragma) and a value.
def headers(status, lines):
    return struct.pack('>H', status - 100) + b''.join(bytes([i]) + v.encode() + b'\n' for i, v in lines)


http_seeds = {
    'max-age-age': (200, [(0, 'max-age=3600'), (3, '7200, 0')]),
    'two-max-age': (200, [(0, 'max-age=1800'), (0, 'max-age=1, no-cache="Set-Cookie"')]),
    'windows': (200, [(0, 'max-age=0, stale-while-revalidate=30, stale-if-error=99999999999999999999')]),
    'expires': (201, [(1, 'Sun, 06 Nov 1994 08:49:37 GMT'), (2, 'Sunday, 06-Nov-94 08:49:37 GMT')]),
    'asctime': (203, [(1, 'Sun Nov  6 08:49:37 1994'), (1, 'Thu, 01 Jan 1970 00:00:00 UTC')]),
    'vary': (200, [(4, 'Accept-Encoding, ACCEPT-language'), (4, '*'), (0, 'public, immutable, max-age=2147483648')]),
    'no-store': (404, [(0, 'private, no-store, must-revalidate'), (5, 'no-cache')]),
}
for name, (status, lines) in http_seeds.items():
    write('fuzz-http', name, headers(status, lines))
