/* fuzz-reader.c: the body reader (_cacheit_read_body_async) and max-size.
 *
 * The input is: a byte for the largest read the stream gives at once (0: a
 * GMemoryInputStream, any size), a byte for max-size as a fraction of the
 * body, a byte for the size hint, a byte for where the stream fails (0:
 * never), then the body. The reader must give the body back exactly, padded
 * with zeros, when it fits, and CACHEIT_ERROR_TOO_LARGE otherwise, or the
 * stream's own error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-decode.h"
#include "cacheit-error.h"
#include "cacheit-reader.h"

#include "fuzz-common.h"

/* A stream that gives at most `step` bytes per read and fails after
 * `fail_at` bytes, as a network stream would. */
#define FUZZ_TYPE_SHORT_STREAM (fuzz_short_stream_get_type ())
G_DECLARE_FINAL_TYPE (FuzzShortStream, fuzz_short_stream, FUZZ, SHORT_STREAM, GInputStream)

struct _FuzzShortStream
{
  GInputStream  parent_instance;
  GBytes       *bytes;
  gsize         position;
  gsize         step;
  gsize         fail_at;   /* 0: never. */
};

G_DEFINE_FINAL_TYPE (FuzzShortStream, fuzz_short_stream, G_TYPE_INPUT_STREAM)

static gssize
fuzz_short_stream_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  FuzzShortStream *self = FUZZ_SHORT_STREAM (stream);
  gsize length;
  const guint8 *data = g_bytes_get_data (self->bytes, &length);
  gsize n = MIN (MIN (count, self->step), length - self->position);

  if (self->fail_at > 0 && self->position + n >= self->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "closed by the fuzzer");
      return -1;
    }

  if (n > 0)
    memcpy (buffer, data + self->position, n);
  self->position += n;

  return (gssize) n;
}

/* Completes at once, in the caller's context, on a later iteration (GTask
 * defers a return made inside the call that created it). */
static void
fuzz_short_stream_read_async (GInputStream        *stream,
                              void                *buffer,
                              gsize                count,
                              int                  io_priority,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;
  gssize n = fuzz_short_stream_read (stream, buffer, count, cancellable, &error);

  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static gssize
fuzz_short_stream_read_finish (GInputStream  *stream,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
fuzz_short_stream_finalize (GObject *object)
{
  FuzzShortStream *self = FUZZ_SHORT_STREAM (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (fuzz_short_stream_parent_class)->finalize (object);
}

static void
fuzz_short_stream_class_init (FuzzShortStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = fuzz_short_stream_finalize;
  stream_class->read_fn = fuzz_short_stream_read;
  stream_class->read_async = fuzz_short_stream_read_async;
  stream_class->read_finish = fuzz_short_stream_read_finish;
}

static void
fuzz_short_stream_init (FuzzShortStream *self)
{
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  guint8 step_byte = fuzz_input_byte (&input);
  guint8 max_byte = fuzz_input_byte (&input);
  guint8 hint_byte = fuzz_input_byte (&input);
  guint8 fail_byte = fuzz_input_byte (&input);
  g_autoptr(GBytes) body = g_bytes_new (input.data, input.length);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = input.length;
  guint64 max_size;
  gint64 hint;
  gsize fail_at = 0;

  fuzz_init ();

  /* max-size around the body's size, sometimes far above or at zero. */
  if (max_byte == 255)
    max_size = G_MAXUINT64;
  else
    max_size = (guint64) length * max_byte / 128;

  if (hint_byte < 64)
    hint = -1;
  else if (hint_byte < 128)
    hint = (gint64) length;
  /* A Content-Length the server lies about (fuzz/README.md, bug 1). */
  else if (hint_byte == 255)
    hint = G_MAXINT64;
  else
    hint = (gint64) length * (hint_byte - 128) / 64;

  if (step_byte == 0)
    stream = g_memory_input_stream_new_from_bytes (body);
  else
    {
      FuzzShortStream *short_stream = g_object_new (FUZZ_TYPE_SHORT_STREAM, NULL);

      short_stream->bytes = g_bytes_ref (body);
      /* Tiny reads sometimes, larger ones mostly: a read per iteration. */
      short_stream->step = step_byte < 16 ? step_byte : (gsize) (step_byte - 15) * 64;
      if (fail_byte > 0 && length > 0)
        fail_at = 1 + length * fail_byte / 256;
      short_stream->fail_at = fail_at;
      stream = G_INPUT_STREAM (short_stream);
    }

  _cacheit_read_body_async (stream, hint, max_size, G_PRIORITY_DEFAULT, NULL, read_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  read = _cacheit_read_body_finish (stream, result, &error);

  if (fail_at > 0 && fail_at <= length)
    {
      /* The stream fails on the read that reaches fail_at: before any read
       * could go past max-size when fail_at is within it, else maybe after. */
      g_assert_null (read);
      if ((guint64) fail_at <= max_size + 1 || max_size == G_MAXUINT64)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
      else if (!g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
      return 0;
    }

  if (length > max_size)
    {
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);
      g_assert_null (read);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_cmpuint (g_bytes_get_size (read), ==, length);
  g_assert_true (g_bytes_compare (read, body) == 0);

  /* The padding simdjson reads past the end, zeroed. */
  for (guint i = 0; i < CACHEIT_BODY_PADDING; i++)
    g_assert_cmpint (((const guint8 *) g_bytes_get_data (read, NULL))[length + i], ==, 0);

  return 0;
}
