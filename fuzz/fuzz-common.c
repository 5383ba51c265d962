/* fuzz-common.c: what the libFuzzer harnesses share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cacheit-decode.h"

guint8
fuzz_input_byte (FuzzInput *input)
{
  guint8 byte;

  if (input->length == 0)
    return 0;

  byte = input->data[0];
  input->data++;
  input->length--;

  return byte;
}

gboolean
fuzz_input_is_empty (FuzzInput *input)
{
  return input->length == 0;
}

/* How an id may be spelled, and the id the library should make of it. A NULL
 * id means the item has none; FUZZ_ID_DTOSTR means the id is the number as
 * g_ascii_dtostr() writes it. */
#define FUZZ_ID_DTOSTR ((const char *) 1)

static const struct
{
  const char *json;     /* NULL: no "id" member at all. */
  const char *id;
  double      number;
} id_spellings[] = {
  { "0", "0", 0 },
  { "1", "1", 0 },
  { "2", "2", 0 },
  { "3", "3", 0 },
  { "4", "4", 0 },
  { "\"1\"", "1", 0 },
  { "\"2\"", "2", 0 },
  { "1.0", "1", 0 },
  { "2e0", "2", 0 },
  { "-0", "0", 0 },
  { "-3", "-3", 0 },
  { "1.5", FUZZ_ID_DTOSTR, 1.5 },
  { "\"a\"", "a", 0 },
  { "\"\\u0001x\"", "\1x", 0 },
  { "\"\\u0002\"", "\2", 0 },
  { "\"\"", "", 0 },
  { "\"a\\u0000b\"", "a", 0 },
  { "\"\\u00e9\\ud83d\\ude00\"", "é😀", 0 },
  { "18446744073709551615", "18446744073709551615", 0 },
  { "9223372036854775807", "9223372036854775807", 0 },
  { "-9223372036854775808", "-9223372036854775808", 0 },
  { "1e15", "1000000000000000", 0 },
  /* Out of the range of gint64 (fuzz/README.md, bug 2). */
  { "1e300", FUZZ_ID_DTOSTR, 1e300 },
  { "-1e19", FUZZ_ID_DTOSTR, -1e19 },
  { "{\"id\": 1}", NULL, 0 },
  { "[1]", NULL, 0 },
  { "null", NULL, 0 },
  { "true", NULL, 0 },
  { NULL, NULL, 0 },
  { NULL, NULL, 0 },
};

FuzzResponse *
fuzz_response_new (FuzzInput *input,
                   guint     *serial)
{
  FuzzResponse *response = g_new0 (FuzzResponse, 1);
  GString *json = g_string_new ("[");
  guint n_items = fuzz_input_byte (input) % 41;

  response->ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_items && !fuzz_input_is_empty (input); i++)
    {
      guint8 kind = fuzz_input_byte (input);
      guint8 value = fuzz_input_byte (input);
      guint spelling = kind % G_N_ELEMENTS (id_spellings);
      const char *id = id_spellings[spelling].id;
      gboolean id_last = (kind & 0x80) != 0;

      if (i > 0)
        g_string_append (json, ", ");
      g_string_append_c (json, '{');
      if (!id_last && id_spellings[spelling].json != NULL)
        g_string_append_printf (json, "\"id\": %s, ", id_spellings[spelling].json);
      g_string_append_printf (json, "\"n\": %u, \"v\": %u", (*serial)++, value % 4);
      if (value & 0x10)
        g_string_append (json, ", \"nested\": {\"a\": [1, 2, {\"b\": null}]}");
      if (id_last && id_spellings[spelling].json != NULL)
        g_string_append_printf (json, ", \"id\": %s", id_spellings[spelling].json);
      g_string_append_c (json, '}');

      if (id == FUZZ_ID_DTOSTR)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          g_ptr_array_add (response->ids,
                           g_strdup (g_ascii_dtostr (buffer, sizeof buffer,
                                                     id_spellings[spelling].number)));
        }
      else
        g_ptr_array_add (response->ids, g_strdup (id));
      response->n_items++;
    }
  g_string_append_c (json, ']');

  response->body = fuzz_padded_bytes (json->str, json->len);
  g_string_free (json, TRUE);

  return response;
}

void
fuzz_response_free (FuzzResponse *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->ids, g_ptr_array_unref);
  g_free (response);
}

static void
expected_clear (FuzzExpected *expected)
{
  g_free (expected->id);
}

GArray *
fuzz_response_expected (FuzzResponse *response,
                        guint         first_serial)
{
  GArray *expected = g_array_new (FALSE, TRUE, sizeof (FuzzExpected));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_without_id = 0;

  g_array_set_clear_func (expected, (GDestroyNotify) expected_clear);

  for (guint i = 0; i < response->n_items; i++)
    {
      const char *id = g_ptr_array_index (response->ids, i);
      FuzzExpected entry = { NULL, first_serial + i };
      char *key;
      gpointer place;

      /* Keys of our own, apart from the library's. */
      if (id != NULL)
        key = g_strconcat ("id:", id, NULL);
      else
        key = g_strdup_printf ("none:%u", n_without_id++);

      if (g_hash_table_lookup_extended (seen, key, NULL, &place))
        {
          g_array_index (expected, FuzzExpected, GPOINTER_TO_UINT (place)).serial = entry.serial;
          g_free (key);
          continue;
        }

      g_hash_table_insert (seen, key, GUINT_TO_POINTER (expected->len));
      entry.id = g_strdup (id);
      g_array_append_val (expected, entry);
    }

  return expected;
}

GBytes *
fuzz_padded_bytes (const void *data,
                   gsize       length)
{
  guint8 *copy = g_malloc0 (length + CACHEIT_BODY_PADDING);

  if (length > 0)
    memcpy (copy, data, length);

  return g_bytes_new_take (copy, length);
}

static GLogWriterOutput
writer_cb (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_default (log_level, fields, n_fields, user_data);
      /* The fuzzer reports an abort as a crash, with this input. */
      abort ();
    }

  return G_LOG_WRITER_HANDLED;
}

void
fuzz_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      g_log_set_writer_func (writer_cb, NULL, NULL);
      g_once_init_leave (&initialized, 1);
    }
}
