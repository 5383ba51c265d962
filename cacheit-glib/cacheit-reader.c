/* cacheit-reader.c: a body stream into bytes, with max-size counted on the
 * decoded bytes.
 *
 * The stream is read with non-blocking reads of at most READ_CHUNK bytes, in
 * the context that runs libsoup's I/O; each does a few microseconds of work,
 * so the main loop never waits on a large body. Unlike
 * soup_session_send_and_read_async(), whose GMemoryOutputStream zero-fills
 * and copies at every doubling, nothing is ever copied or zero-filled on this
 * side:
 *
 * - With a Content-Length, the whole body goes into one buffer of that size
 *   (and a little room to read the end of the stream), allocated once.
 * - Without one, or when the body outgrows it (a compressed body), it goes
 *   into a list of buffers that grow in size; a worker thread joins them.
 *
 * The limit is checked as the bytes arrive: a 10 GB body, or a small gzip body
 * that inflates to 10 GB, costs at most max-size + READ_CHUNK bytes of memory
 * before it fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-reader.h"
#include "cacheit-decode.h"
#include "cacheit-error.h"

#define READ_CHUNK       (256 * 1024)
#define FIRST_BUFFER     (16 * 1024)
#define LARGEST_BUFFER   (8 * 1024 * 1024)
/* Reads never ask for fewer bytes than this: libsoup's chunked decoder fails
 * an assertion when a read of one byte meets a chunk-size line. */
#define MIN_READ         (4 * 1024)
/* A single buffer with more room left than this, and than an eighth of its
 * contents, is shrunk at the end. */
#define MAX_SLACK        (64 * 1024)
/* The most a Content-Length is trusted for before any byte arrived: a server
 * may lie. A larger body goes on in more buffers. */
#define MAX_HINTED       (G_GUINT64_CONSTANT (64) * 1024 * 1024)

typedef struct
{
  guint8 *data;
  gsize   length;
  gsize   capacity;   /* Not counting CACHEIT_BODY_PADDING. */
} Buffer;

typedef struct
{
  GArray  *full;       /* Buffer: filled, in order. */
  Buffer   current;
  guint64  total;
  guint64  max_size;
} ReadData;

static void
buffer_clear (gpointer data)
{
  Buffer *buffer = data;

  g_clear_pointer (&buffer->data, g_free);
}

static void
read_data_free (ReadData *rd)
{
  g_clear_pointer (&rd->full, g_array_unref);
  buffer_clear (&rd->current);
  g_free (rd);
}

static gboolean
buffer_try_init (Buffer *buffer,
                 gsize   capacity)
{
  buffer->data = g_try_malloc (capacity + CACHEIT_BODY_PADDING);
  buffer->length = 0;
  buffer->capacity = buffer->data != NULL ? capacity : 0;

  return buffer->data != NULL;
}

static void
buffer_init (Buffer *buffer,
             gsize   capacity)
{
  buffer->data = g_malloc (capacity + CACHEIT_BODY_PADDING);
  buffer->length = 0;
  buffer->capacity = capacity;
}

/* A worker thread: the buffers, joined into one padded body. */
static void
join_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *rd = task_data;
  guint8 *data = g_malloc (rd->total + CACHEIT_BODY_PADDING);
  gsize offset = 0;

  for (guint i = 0; i < rd->full->len; i++)
    {
      Buffer *buffer = &g_array_index (rd->full, Buffer, i);

      memcpy (data + offset, buffer->data, buffer->length);
      offset += buffer->length;
    }
  memcpy (data + offset, rd->current.data, rd->current.length);
  memset (data + rd->total, 0, CACHEIT_BODY_PADDING);

  g_task_return_pointer (task, g_bytes_new_take (data, rd->total), (GDestroyNotify) g_bytes_unref);
}

static void
join_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
read_done (GTask *task)
{
  ReadData *rd = g_task_get_task_data (task);
  Buffer *buffer = &rd->current;
  g_autoptr(GTask) join = NULL;

  if (rd->full->len == 0)
    {
      guint8 *data;

      /* One buffer: hand it over as it is, trimmed if it was much too big. */
      if (buffer->capacity - buffer->length > MAX (MAX_SLACK, buffer->length / 8))
        buffer->data = g_realloc (buffer->data, buffer->length + CACHEIT_BODY_PADDING);
      memset (buffer->data + buffer->length, 0, CACHEIT_BODY_PADDING);
      data = g_steal_pointer (&buffer->data);
      g_task_return_pointer (task, g_bytes_new_take (data, buffer->length),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  /* Several: joining them copies the whole body, which is a worker's job.
   * The buffers stay @task's: the worker only reads them, and @task lives
   * until the join is done. */
  join = g_task_new (NULL, g_task_get_cancellable (task), join_cb, g_object_ref (task));
  g_task_set_source_tag (join, read_done);
  g_task_set_name (join, "[cacheit] join body");
  g_task_set_task_data (join, rd, NULL);
  g_task_run_in_thread (join, join_thread);
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
      read_done (task);
      return;
    }

  rd->current.length += n;
  rd->total += n;
  if (rd->total > rd->max_size)
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
  Buffer *buffer = &rd->current;

  if (buffer->capacity - buffer->length < MIN_READ)
    {
      /* Full: keep it, and go on in a new, larger one. No copy. */
      gsize next = CLAMP (buffer->capacity * 2, FIRST_BUFFER, LARGEST_BUFFER);

      g_array_append_val (rd->full, *buffer);
      buffer_init (buffer, next);
    }

  g_input_stream_read_async (g_task_get_source_object (task),
                             buffer->data + buffer->length,
                             MIN (buffer->capacity - buffer->length, READ_CHUNK),
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
  gsize capacity;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, _cacheit_read_body_async);
  g_task_set_priority (task, io_priority);

  rd = g_new0 (ReadData, 1);
  rd->max_size = MIN (max_size, (guint64) G_MAXSIZE / 2);
  rd->full = g_array_new (FALSE, FALSE, sizeof (Buffer));
  g_array_set_clear_func (rd->full, buffer_clear);

  /* A Content-Length is of the encoded body: a compressed body outgrows it,
   * into more buffers. The room for one more read lets the end of the
   * stream be read without a new buffer. A Content-Length that cannot be
   * allocated is a lie, or a body too large anyway: start small. */
  capacity = FIRST_BUFFER;
  if (size_hint >= 0)
    capacity = (gsize) MIN (MIN ((guint64) size_hint, rd->max_size + 1), MAX_HINTED) + MIN_READ;
  if (!buffer_try_init (&rd->current, capacity))
    buffer_init (&rd->current, FIRST_BUFFER);
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
