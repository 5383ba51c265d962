/* fuzz-common.h: what the libFuzzer harnesses share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fuzzer's bytes, taken from the front; past the end, zeros. */
typedef struct
{
  const guint8 *data;
  gsize         length;
} FuzzInput;

guint8   fuzz_input_byte      (FuzzInput *input);
gboolean fuzz_input_is_empty  (FuzzInput *input);

/* One generated collection response: its body (padded for simdjson, so it
 * can be fed to the decoder as it is), and for each item in the order of the
 * response the key the library should give it (NULL for an item without an
 * id) and its serial number, the "n" member of its object. */
typedef struct
{
  GBytes    *body;
  GPtrArray *ids;
  guint      n_items;
} FuzzResponse;

/* A JSON array of up to 40 objects built from @input: small numeric and
 * string ids (so that they repeat, move and disappear between responses),
 * ids that are objects, arrays, booleans or null (no id), missing ids,
 * numbers in other spellings (1.0, 1e0), and strings that need escaping.
 * @serial numbers the items across responses. */
FuzzResponse *fuzz_response_new   (FuzzInput    *input,
                                   guint        *serial);
void          fuzz_response_free  (FuzzResponse *response);

/* The keys of the items the library keeps: one item per id, at the place of
 * its first occurrence; items without an id each their own. Each entry is
 * the id (or NULL) and the serial number of the object kept for it, the one
 * of its last occurrence. */
typedef struct
{
  char  *id;
  guint  serial;
} FuzzExpected;

GArray       *fuzz_response_expected (FuzzResponse *response,
                                      guint         first_serial);

/* A copy of @data followed by zeroed padding, as the library's bodies are. */
GBytes       *fuzz_padded_bytes   (const void   *data,
                                   gsize         length);

/* Installs a log writer that aborts on criticals and warnings (so the fuzzer
 * reports them) and drops debug messages. */
void          fuzz_init           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FuzzResponse, fuzz_response_free)

G_END_DECLS
