/* cacheit-reader.c: a body stream into bytes, with max-size counted on the
 * decoded bytes.
 *
 * The stream is read with non-blocking reads of at most READ_CHUNK bytes into
 * one buffer that is never zero-filled: sized from the Content-Length when
 * there is one, grown by doubling (realloc, no copy for large blocks)
 * otherwise. Each read does a few microseconds of work in the context that
 * runs libsoup's I/O, so the main loop never waits on a large body, unlike
 * soup_session_send_and_read_async(), whose GMemoryOutputStream zero-fills
 * every doubling. The limit is checked as the bytes arrive: a 10 GB body, or a
 * small gzip body that inflates to 10 GB, costs at most max-size + READ_CHUNK
 * bytes of memory before it fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-private.h"

#define READ_CHUNK    (256 * 1024)
#define INITIAL_SIZE  (16 * 1024)
/* Reads never ask for fewer bytes than this: libsoup's chunked decoder fails
 * an assertion when a read of one byte meets a chunk-size line. */
#define MIN_READ      (4 * 1024)

typedef struct
{
  guint8  *data;
  gsize    length;
  gsize    capacity;   /* Not counting CACHEIT_BODY_PADDING. */
  guint64  max_size;
} ReadData;

static void
read_data_free (ReadData *rd)
{
  g_free (rd->data);
  g_free (rd);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *rd = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  if (n == 0)
    {
      guint8 *data;
      gsize length = rd->length;

      /* Give back what doubling over-allocated, and zero the padding. */
      if (rd->capacity - length > length / 8)
        {
          rd->data = g_realloc (rd->data, length + CACHEIT_BODY_PADDING);
          rd->capacity = length;
        }
      memset (rd->data + length, 0, CACHEIT_BODY_PADDING);
      data = g_steal_pointer (&rd->data);
      g_task_return_pointer (task, g_bytes_new_take (data, length), (GDestroyNotify) g_bytes_unref);
      return;
    }

  rd->length += n;
  if (rd->length > rd->max_size)
    {
      g_autofree char *limit = g_format_size (rd->max_size);

      g_task_return_new_error (task, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE,
                               "larger than the limit of %s", limit);
      return;
    }

  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  ReadData *rd = g_task_get_task_data (task);

  if (rd->capacity - rd->length < MIN_READ)
    {
      /* Doubling, up to what max-size needs: one byte past it is enough to
       * know the body is too large. */
      guint64 wanted = MIN ((guint64) rd->capacity * 2, rd->max_size + 1);

      rd->capacity = (gsize) MAX (wanted, (guint64) rd->length + MIN_READ);
      rd->data = g_realloc (rd->data, rd->capacity + CACHEIT_BODY_PADDING);
    }

  g_input_stream_read_async (g_task_get_source_object (task),
                             rd->data + rd->length,
                             MIN (rd->capacity - rd->length, READ_CHUNK),
                             g_task_get_priority (task),
                             g_task_get_cancellable (task),
                             read_cb,
                             task);
}

/*
 * _cacheit_read_body_async:
 * @stream: the body, as libsoup gives it (decoded)
 * @size_hint: the expected size (the Content-Length), or -1
 * @max_size: the most bytes the body may have
 *
 * Reads @stream to its end. The bytes returned are followed by
 * CACHEIT_BODY_PADDING zero bytes in the same allocation.
 */
void
_cacheit_read_body_async (GInputStream        *stream,
                          gint64               size_hint,
                          guint64              max_size,
                          int                  io_priority,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *rd;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, _cacheit_read_body_async);
  g_task_set_priority (task, io_priority);

  rd = g_new0 (ReadData, 1);
  rd->max_size = MIN (max_size, (guint64) G_MAXSIZE - CACHEIT_BODY_PADDING - 1);
  /* A Content-Length is of the encoded body: a compressed body may grow,
   * which the doubling takes care of. One byte more lets the end of the
   * stream be read without growing. */
  if (size_hint >= 0)
    rd->capacity = (gsize) MIN ((guint64) size_hint + 1, rd->max_size + 1);
  else
    rd->capacity = (gsize) MIN ((guint64) INITIAL_SIZE, rd->max_size + 1);
  rd->data = g_malloc (rd->capacity + CACHEIT_BODY_PADDING);
  g_task_set_task_data (task, rd, (GDestroyNotify) read_data_free);

  read_next (g_steal_pointer (&task));
}

GBytes *
_cacheit_read_body_finish (GInputStream  *stream,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
