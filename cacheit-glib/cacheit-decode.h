/* cacheit-decode.h: JSON bytes into json-glib values, through simdjson.
 *
 * The only unit that knows the decoder. Runs in worker threads and on the main
 * thread alike: it touches no resource. Every function here takes a body
 * followed by CACHEIT_BODY_PADDING readable bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Bytes readable (and zeroed) after the end of every body, as simdjson needs;
 * cacheit-decode.cpp checks this is at least simdjson::SIMDJSON_PADDING. What
 * makes bodies for the decoder (cacheit-reader.c, cacheit-store.c, the
 * collection's writes) allocates them with this much more. */
#define CACHEIT_BODY_PADDING 64

typedef enum
{
  CACHEIT_SHAPE_ANY,
  CACHEIT_SHAPE_OBJECT,
  CACHEIT_SHAPE_ARRAY,
} CacheitShape;

/* Decodes @data, goes to @root_pointer (RFC 6901; NULL or "" for the whole
 * document) and checks the value there has @shape. Errors are
 * CACHEIT_ERROR_INVALID_JSON, _TOO_DEEP and _WRONG_SHAPE, with a detail
 * message that names no URL. */
JsonNode *_cacheit_decode_node (const char    *data,
                                gsize          length,
                                const char    *root_pointer,
                                CacheitShape   shape,
                                GError       **error);

/* A decoded collection, kept compactly: the body as received, and for each
 * item its place in the body and its key. Immutable once made, shared between
 * threads by reference. */
typedef struct
{
  guint64 offset;        /* Of the item's object in the body. */
  guint32 length;
  guint32 key;           /* Offset of the NUL-terminated key in `keys`. */
  guint32 has_id : 1;    /* Otherwise the key only orders the items without an id. */
} CacheitIndexEntry;

typedef struct
{
  gatomicrefcount    ref_count;
  GBytes            *body;
  guint              n_items;
  CacheitIndexEntry *entries;
  char              *keys;
  GHashTable        *positions;   /* key → position + 1 */
} CacheitIndex;

/* Decodes @body (padded) into an index of the array of objects at
 * @root_pointer, keyed by @id_attribute. A string or number id is the key (50
 * and "50" are the same id); an item without one is keyed by its place among
 * the items without an id. An id repeated in one response makes one item, at
 * the place of its first occurrence, with the object of its last. */
CacheitIndex *_cacheit_decode_index      (GBytes        *body,
                                          const char    *root_pointer,
                                          const char    *id_attribute,
                                          GError       **error);
CacheitIndex *_cacheit_index_ref          (CacheitIndex *index);
void          _cacheit_index_unref        (CacheitIndex *index);
/* Drops a reference to @index (nullable), as _cacheit_index_unref() does;
 * that of a large index in a worker thread, since freeing a big body and
 * hash table on the main thread would stall it. */
void          _cacheit_index_release      (CacheitIndex *index);
/* The position of the item with @key, or -1. */
gssize        _cacheit_index_lookup       (CacheitIndex *index,
                                           const char   *key);
const char   *_cacheit_index_get_key      (CacheitIndex *index,
                                           guint         position);
/* The position of the item with the id @id (not a key of an item without
 * one), or -1. */
gssize        _cacheit_index_lookup_id    (CacheitIndex *index,
                                           const char   *id);
/* The id of the item at @position, or NULL if it has none. */
const char   *_cacheit_index_get_id       (CacheitIndex *index,
                                           guint         position);
/* The item at @position as a new JsonObject. */
JsonObject   *_cacheit_index_dup_object   (CacheitIndex *index,
                                           guint         position);
/* Whether the item at @position in @a is the same JSON value as the one at
 * @position_b in @b: the same bytes, or else equal once decoded. */
gboolean      _cacheit_index_item_equal   (CacheitIndex *a,
                                           guint         position_a,
                                           CacheitIndex *b,
                                           guint         position_b);

/* What _cacheit_index_edit() does at @position of the old index: the item
 * there is replaced by the JSON object @text, or dropped when it is NULL. */
typedef struct
{
  guint   position;
  GBytes *text;
} CacheitIndexChange;

/* A new index: @base (nullable) with @changes (sorted by position, one per
 * position at most), then the objects @appended after it. Items kept are
 * not decoded again: only the new objects are, for their keys. The texts
 * must be JSON objects (made by the library, so valid). */
CacheitIndex *_cacheit_index_edit         (CacheitIndex              *base,
                                           const CacheitIndexChange  *changes,
                                           guint                      n_changes,
                                           GBytes            *const  *appended,
                                           guint                      n_appended,
                                           const char                *id_attribute);

/* A new index: @base (nullable) with the items of @old_page (nullable)
 * taken out and those of @page put in their place: where the first of them
 * was, or else at @position (G_MAXUINT: at the end). One item per id
 * (R10): an item of @page already shown before that place keeps its place
 * and takes @page's object; a copy after it is dropped. Items without an id
 * are only added. Nothing is decoded again. */
CacheitIndex *_cacheit_index_merge_page   (CacheitIndex *base,
                                           CacheitIndex *old_page,
                                           CacheitIndex *page,
                                           guint         position);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitIndex, _cacheit_index_unref)

/* Whether @pointer is a syntactically valid RFC 6901 JSON Pointer. */
gboolean  _cacheit_json_pointer_is_valid (const char *pointer);

G_END_DECLS
