/* demo-window.c: the demo's GTK 4 window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GtkColumnView fed directly by a CacheitCollection of DemoRecords:
 *
 *   CacheitCollection → GtkFilterListModel → GtkSortListModel → GtkSingleSelection
 *
 * Sorting and filtering go through property expressions on the typed
 * records. The collection makes a record object only when a model asks for
 * it, so the rows on screen are all that exist until a sort or a filter
 * needs every record. The detail pane fetches the selected record's own URL
 * (collection-url/ID), once: selecting it again is answered from the cache.
 * The panel on the right shows what that costs: fetch calls, HTTP requests,
 * bytes, the longest main-loop stall.
 *
 * Above the list, a label bound to the collection's last-updated says when
 * the server last confirmed the data, and a marker bound to stale shows once
 * the server's max-age (10 s) is over. The window's is-active is bound to
 * the collection's app-active: coming back to the window revalidates stale data
 * in the background, as does a click on the marker (a fetch without reload,
 * answered from the cache at once). The server sends an ETag, so each
 * revalidation, and each reload, is answered 304 Not Modified: the label
 * moves on, the marker goes, and nothing else happens.
 *
 * Next to them, a marker bound to the collection's origin says where the
 * rows came from: "From disk" when they are a snapshot an earlier run left
 * (the library keeps one by URL, and the server listens on the same port
 * every run), until the server confirmed them, then "From network". The
 * panel shows how long after the first fetch call the first row came.
 *
 * The selected record's name can be edited: Save calls
 * cacheit_model_save_async() with CACHEIT_SAVE_PATCH. The new name shows at
 * once in its row and in the detail pane; the server's answer (the name
 * normalised, the time of the change) is merged onto it, and a refusal (an
 * empty name: 422) puts the old name back. A spinner is bound to the
 * collection's saving.
 *
 * "In pages", in the header bar, shows the same records as a paged API
 * gives them: a second collection, at records?per_page=500, straight to a
 * column view (CacheitCollection → GtkSingleSelection → GtkColumnView: a
 * sort or a filter model would ask for every row, and load every page).
 * Its first page is fetched when the tab is first shown, the next when the
 * view shows a row PREFETCH_DISTANCE from the end (prefetch-distance), and
 * above it a label says how many records of the total (X-Total-Count) are
 * loaded, in how many pages and requests. Reload there reloads the first
 * page. --quit-after-load checks, after the renames, that scrolling to the
 * last row of the first page loads the second, and nothing else.
 *
 * Both collections come from one CacheitClient, and the server wants a
 * bearer token: the first request waits for the user to press "Sign in" in
 * the ACCOUNT card of the panel (demo-auth-row.c; --quit-after-load and
 * --screenshot press it themselves), which gets a token from the server's
 * /auth/token (demo-auth.c). When the token expires, the server answers
 * 401, the token is refreshed without asking, and the card counts it. With
 * a short --token-lifetime, --quit-after-load waits for the token to expire
 * before the renames, so that the first PATCH meets a 401 and goes again.
 */

#include <gtk/gtk.h>

#include "demo.h"
#include "demo-auth-row.h"

/* A token lifetime, in seconds, short enough for --quit-after-load to wait
 * for it before the renames. */
#define SHORT_LIFETIME 5

#define SLOW_DELAY_MS 2000

/* The list in pages: records?per_page=PAGE_SIZE, and the next page starts
 * loading when the view shows a row PREFETCH_DISTANCE from the end. */
#define PAGE_SIZE 500
#define PREFETCH_DISTANCE 100

typedef struct
{
  DemoServer         *server;
  DemoOptions        *options;
  GtkApplication     *app;
  DemoStats           stats;
  CacheitClient      *client;
  DemoAuth           *auth;
  CacheitCollection  *records;
  GtkSingleSelection *selection;
  GtkFilterListModel *filtered;
  GtkStringFilter    *name_filter;
  GtkStringFilter    *city_filter;
  DemoRecord         *selected;
  gulong              selected_notify_id;
  gint64              first_fetch_time;
  gint64              first_row_time;
  CacheitOrigin       first_row_origin;
  guint               n_saves;
  guint               n_refused;
  guint               edit_check;     /* --quit-after-load: the step of the
                                       * rename it plays, 0 for none. */
  gboolean            loaded;
  gboolean            detail_loaded;
  gboolean            finishing;
  gboolean            failed;

  GtkWidget          *window;
  GtkWidget          *subtitle;
  GtkWidget          *spinner;
  GtkWidget          *banner;
  GtkWidget          *banner_label;
  GtkWidget          *count_label;
  GtkWidget          *stale_marker;
  GtkWidget          *origin_marker;
  GtkWidget          *updated_label;
  GtkWidget          *column_view;
  GtkWidget          *detail_stack;
  GtkWidget          *detail_name;
  GtkWidget          *detail_meta;
  GtkWidget          *detail_description;
  GtkWidget          *detail_url;
  GtkWidget          *detail_status;
  GtkWidget          *name_entry;
  GtkWidget          *save_button;
  GtkWidget          *save_spinner;
  GtkWidget          *slow_switch;
  GtkWidget          *fail_switch;
  GtkWidget          *figure_calls;
  GtkWidget          *figure_requests;
  GtkWidget          *figure_bytes;
  GtkWidget          *figure_stall;
  GtkWidget          *figure_made;
  GtkWidget          *figure_frame;
  GtkWidget          *figure_list;
  GtkWidget          *figure_first_row;
  GtkWidget          *figure_saves;
  GtkWidget          *figure_error;

  /* The same records in pages, in a tab of their own. */
  CacheitCollection  *pages;
  GtkSingleSelection *pages_selection;
  GtkWidget          *switcher;
  GtkWidget          *list_stack;
  GtkWidget          *bar_stack;
  GtkWidget          *search;
  GtkWidget          *pages_view;
  GtkWidget          *pages_label;
  gboolean            pages_fetched;
  int                 pages_check;     /* --quit-after-load: 1 waits for the first
                                        * page, 2 for the next. */
  guint               pages_check_id;
  gint64              pages_check_start;
} Window;

static const char css[] =
  ".sidebar { background-color: alpha(@theme_fg_color, 0.04); }\n"
  ".section-title { font-weight: bold; font-size: 0.85em; color: alpha(@theme_fg_color, 0.6);"
  "  letter-spacing: 1px; }\n"
  ".card-box { background-color: @theme_base_color; border-radius: 10px;"
  "  border: 1px solid alpha(@theme_fg_color, 0.12); padding: 14px; }\n"
  ".detail-name { font-size: 1.35em; font-weight: bold; }\n"
  ".dim { color: alpha(@theme_fg_color, 0.6); }\n"
  ".figure { font-size: 1.3em; font-weight: bold; font-feature-settings: \"tnum\"; }\n"
  ".figure-label { font-size: 0.85em; color: alpha(@theme_fg_color, 0.65); }\n"
  ".good { color: #26a269; }\n"
  ".bad { color: #c01c28; }\n"
  ".banner-error { background-color: #c01c28; color: white; padding: 6px 12px; }\n"
  ".banner-error button { color: white; }\n"
  ".numeric { font-feature-settings: \"tnum\"; }\n"
  ".stale-marker { background: alpha(#e66100, 0.15); color: #c64600; border-radius: 999px;"
  "  padding: 0 10px; min-height: 22px; font-size: 0.85em; font-weight: bold; box-shadow: none; }\n"
  ".stale-marker:hover { background: alpha(#e66100, 0.25); }\n"
  ".origin-marker { border-radius: 999px; padding: 2px 10px; font-size: 0.85em; font-weight: bold; }\n"
  ".origin-disk { background: alpha(#1c71d8, 0.15); color: #1a5fb4; }\n"
  ".origin-network { background: alpha(@theme_fg_color, 0.08); color: alpha(@theme_fg_color, 0.7); }\n"
  "columnview row cell { padding: 3px 8px; }\n";

static void edit_check_start (Window *self);
static void pages_check_start (Window *self);
static void pages_label_update (Window *self);
static void show_error (Window       *self,
                        const GError *error);

/* The live panel */

/* How long after the first fetch call the first row came: "81 ms". Where
 * it came from is in the title above it. */
static char *
first_row_text (Window *self)
{
  if (self->first_row_time == 0)
    return g_strdup ("—");

  return g_strdup_printf ("%.0f ms", (self->first_row_time - self->first_fetch_time) / 1000.0);
}

static void
set_figure (GtkWidget  *label,
            const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
stats_changed_cb (gpointer user_data)
{
  Window *self = user_data;
  g_autofree char *calls = demo_format_count (self->stats.fetch_calls);
  g_autofree char *n_requests = demo_format_count (self->stats.requests);
  g_autofree char *requests = NULL;
  g_autofree char *bytes = demo_format_bytes (self->stats.bytes);
  g_autofree char *stall = demo_format_ms (self->stats.longest_stall);
  g_autofree char *frame = demo_format_ms (self->stats.longest_frame);
  g_autofree char *list = demo_format_ms (self->stats.longest_list);
  g_autofree char *made = demo_format_count (demo_record_get_n_made ());
  g_autofree char *n_records = demo_format_count (demo_server_get_n_records (self->server));
  g_autofree char *made_text = g_strdup_printf ("%s of %s", made, n_records);
  g_autofree char *first_row = first_row_text (self);
  g_autofree char *saves = NULL;

  if (self->window == NULL)
    return;

  /* Revalidations answered 304 Not Modified count as requests, with no
   * body. */
  if (self->stats.not_modified > 0)
    requests = g_strdup_printf ("%s (%u × 304)", n_requests, self->stats.not_modified);
  else
    requests = g_strdup (n_requests);

  set_figure (self->figure_calls, calls);
  set_figure (self->figure_requests, requests);
  set_figure (self->figure_bytes, bytes);
  set_figure (self->figure_stall, stall);
  set_figure (self->figure_made, made_text);
  set_figure (self->figure_frame, frame);
  set_figure (self->figure_list, list);
  set_figure (self->figure_first_row, first_row);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_prev_sibling (self->figure_first_row)),
                      self->first_row_origin == CACHEIT_ORIGIN_DISK ? "First row, from disk"
                      : self->first_row_origin == CACHEIT_ORIGIN_NETWORK ? "First row, from network"
                      : "First row");
  if (self->n_refused > 0)
    saves = g_strdup_printf ("%u (%u refused)", self->n_saves, self->n_refused);
  else
    saves = g_strdup_printf ("%u", self->n_saves);
  set_figure (self->figure_saves, saves);
  set_figure (self->figure_error,
              self->stats.last_error != NULL ? self->stats.last_error->message : "none");
  pages_label_update (self);

  if (self->stats.longest_stall <= 16000)
    {
      gtk_widget_remove_css_class (self->figure_stall, "bad");
      gtk_widget_add_css_class (self->figure_stall, "good");
    }
  else
    {
      gtk_widget_remove_css_class (self->figure_stall, "good");
      gtk_widget_add_css_class (self->figure_stall, "bad");
    }

  /* The failure was used up: the switch goes back off. */
  if (gtk_switch_get_active (GTK_SWITCH (self->fail_switch)) &&
      !demo_server_get_fail_next (self->server))
    gtk_switch_set_active (GTK_SWITCH (self->fail_switch), FALSE);
}

static GtkWidget *
add_figure (GtkWidget  *grid,
            int         row,
            const char *title)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *value = gtk_label_new ("0");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "figure-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (value, "figure");

  gtk_grid_attach (GTK_GRID (grid), label, row % 2, (row / 2) * 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), value, row % 2, (row / 2) * 2 + 1, 1, 1);

  return value;
}

/* Quitting, and the screenshot */

/* FALSE when there was nothing to save yet. */
static gboolean
save_screenshot (Window     *self,
                 const char *path)
{
  GtkWidget *widget = self->window;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return FALSE;

  renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (texture == NULL || !gdk_texture_save_to_png (texture, path))
    g_printerr ("cacheit-demo: cannot save %s\n", path);
  else
    g_print ("saved %s (%d×%d)\n", path, width, height);

  return TRUE;
}

static void
print_figures (Window *self)
{
  g_autofree char *bytes = demo_format_bytes (self->stats.bytes);
  g_autofree char *stall = demo_format_ms (self->stats.longest_stall);
  g_autofree char *frame = demo_format_ms (self->stats.longest_frame);
  g_autofree char *list = demo_format_ms (self->stats.longest_list);
  g_autofree char *first_row = NULL;
  g_autofree char *auth_state = demo_auth_format_state (self->auth);

  g_print ("fetch calls made         %u\n", self->stats.fetch_calls);
  g_print ("HTTP requests sent       %u (%u answered 304 Not Modified)\n",
           self->stats.requests, self->stats.not_modified);
  g_print ("bytes received           %s\n", bytes);
  g_print ("longest main-loop stall  %s (not counting GTK's work below)\n", stall);
  g_print ("GTK: longest list update %s (items-changed through the list models and column view)\n", list);
  g_print ("GTK: longest frame       %s\n", frame);
  g_print ("row objects made         %u\n", demo_record_get_n_made ());
  g_print ("last error               %s\n",
           self->stats.last_error != NULL ? self->stats.last_error->message : "none");
  g_print ("sign-in                  %s\n", auth_state);
  g_print ("the list                 %s, %s, %s\n",
           gtk_label_get_text (GTK_LABEL (self->updated_label)),
           cacheit_resource_get_stale (CACHEIT_RESOURCE (self->records)) ? "stale" : "fresh",
           gtk_label_get_text (GTK_LABEL (self->origin_marker)));
  if (self->first_row_time != 0)
    {
      first_row = demo_format_ms (self->first_row_time - self->first_fetch_time);
      g_print ("first row                %s after the first fetch call, from %s\n", first_row,
               self->first_row_origin == CACHEIT_ORIGIN_DISK ? "disk" : "the network");
    }
}

static void
edit_check_start_cb (gpointer user_data)
{
  Window *self = user_data;

  if (self->window != NULL && self->selected != NULL)
    edit_check_start (self);
}

static gboolean
finish_cb (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  Window *self = user_data;
  int *frames = g_object_get_data (G_OBJECT (widget), "demo-frames");
  gint64 remaining;

  /* A few frames, so that the rows and the detail are drawn. */
  if (++(*frames) < 10)
    return G_SOURCE_CONTINUE;

  if (self->options->screenshot != NULL && !save_screenshot (self, self->options->screenshot) && *frames < 200)
    return G_SOURCE_CONTINUE;
  print_figures (self);

  /* What --quit-after-load checks: one request for the list, one for the
   * detail, and a second selection of the same record answered from the
   * cache. From a snapshot, each request is the revalidation of what came
   * from disk. */
  if (self->stats.requests != 2 || self->stats.fetch_calls != 3 ||
      demo_stats_get_resource_requests (CACHEIT_RESOURCE (self->records)) != 1 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->records)) !=
      demo_server_get_n_records (self->server) ||
      self->first_row_time == 0)
    {
      g_printerr ("cacheit-demo: unexpected figures\n");
      self->failed = TRUE;
    }

  /* --quit-after-load then renames the record, as a user would, and quits
   * once it is done; with a short token lifetime, once the token expired. */
  remaining = demo_auth_get_remaining_ms (self->auth);
  if (self->options->quit_after_load && self->selected != NULL &&
      demo_server_get_token_lifetime (self->server) <= SHORT_LIFETIME && remaining > 0)
    {
      g_print ("the token lifetime is short: the renames wait %.1f s for it to expire\n",
               (remaining + 100) / 1000.0);
      g_timeout_add_once ((guint) remaining + 100, edit_check_start_cb, self);
    }
  else if (self->options->quit_after_load && self->selected != NULL)
    edit_check_start (self);
  else
    gtk_window_destroy (GTK_WINDOW (self->window));

  return G_SOURCE_REMOVE;
}

static void
maybe_finish (Window *self)
{
  if (!self->options->quit_after_load && self->options->screenshot == NULL)
    return;
  /* From a snapshot, both are loaded before the sign-in: the figures wait
   * for it, and for the requests that waited for the token. */
  if (self->window == NULL || !self->loaded || !self->detail_loaded || self->finishing ||
      demo_auth_get_state (self->auth) != DEMO_AUTH_SIGNED_IN)
    return;

  self->finishing = TRUE;
  g_object_set_data_full (G_OBJECT (self->window), "demo-frames", g_new0 (int, 1), g_free);
  gtk_widget_add_tick_callback (self->window, finish_cb, self, NULL);
}

/* The detail pane */

static void
detail_show (Window *self)
{
  DemoRecord *record = self->selected;
  g_autofree char *meta = NULL;
  const char *description;

  if (record == NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "empty");
      return;
    }

  gtk_stack_set_visible_child_name (GTK_STACK (self->detail_stack), "record");
  gtk_label_set_text (GTK_LABEL (self->detail_name), demo_record_get_name (record));
  meta = g_strdup_printf ("#%" G_GINT64_FORMAT " · %s · € %.2f · %d in stock\nupdated %s",
                          demo_record_get_id (record), demo_record_get_city (record),
                          demo_record_get_price (record), demo_record_get_stock (record),
                          demo_record_get_updated (record) != NULL ? demo_record_get_updated (record) : "—");
  gtk_label_set_text (GTK_LABEL (self->detail_meta), meta);
  description = demo_record_get_description (record);
  gtk_label_set_text (GTK_LABEL (self->detail_description),
                      description != NULL ? description : "…");
  gtk_label_set_text (GTK_LABEL (self->detail_url),
                      cacheit_resource_get_url (CACHEIT_RESOURCE (record)));
}

static void
detail_status (Window     *self,
               const char *text,
               const char *css_class)
{
  gtk_label_set_text (GTK_LABEL (self->detail_status), text);
  gtk_widget_remove_css_class (self->detail_status, "good");
  gtk_widget_remove_css_class (self->detail_status, "bad");
  gtk_widget_remove_css_class (self->detail_status, "dim");
  gtk_widget_add_css_class (self->detail_status, css_class);
}

typedef struct
{
  Window  *self;
  guint    requests_before;
  gint64   started;
  gboolean was_stale;
} DetailFetch;

static guint
resource_requests (gpointer resource)
{
  return demo_stats_get_resource_requests (resource);
}

static void
detail_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DetailFetch *fetch = user_data;
  Window *self = fetch->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;
  guint requests;

  ok = cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error);
  requests = resource_requests (object) - fetch->requests_before;

  if (object == (GObject *) self->selected)
    {
      if (!ok)
        {
          detail_status (self, error->message, "bad");
        }
      else if (fetch->was_stale)
        {
          detail_status (self, "Answered from the cache; it was stale, so it is revalidated "
                               "in the background", "good");
        }
      else if (requests == 0)
        {
          detail_status (self, "Answered from the cache: no HTTP request", "good");
        }
      else
        {
          text = g_strdup_printf ("Fetched with 1 HTTP request in %.0f ms",
                                  (g_get_monotonic_time () - fetch->started) / 1000.0);
          detail_status (self, text, "dim");
        }
      detail_show (self);

      /* --quit-after-load selects the record twice: the second time is
       * answered from the cache. */
      if (ok && (self->options->quit_after_load || self->options->screenshot != NULL) &&
          !self->detail_loaded)
        {
          if (requests == 1)
            {
              DetailFetch *again = g_new0 (DetailFetch, 1);

              again->self = self;
              again->requests_before = resource_requests (object);
              again->started = g_get_monotonic_time ();
              demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (object), CACHEIT_FETCH_NONE,
                                detail_fetched_cb, again);
            }
          else
            {
              self->detail_loaded = TRUE;
              maybe_finish (self);
            }
        }
    }

  g_free (fetch);
}

/* The selected record changed: a fetch of its detail, a save, its
 * rollback, or a refetch of the list. */
static void
selected_notify_cb (DemoRecord *record,
                    GParamSpec *pspec,
                    Window     *self)
{
  if (self->window != NULL)
    detail_show (self);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      Window             *self)
{
  DemoRecord *record = gtk_single_selection_get_selected_item (selection);
  DetailFetch *fetch;

  if (record == self->selected)
    return;

  if (self->selected != NULL)
    g_clear_signal_handler (&self->selected_notify_id, self->selected);
  g_set_object (&self->selected, record);
  detail_show (self);
  gtk_widget_set_sensitive (self->name_entry, record != NULL);
  gtk_widget_set_sensitive (self->save_button, record != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry),
                         record != NULL ? demo_record_get_name (record) : "");
  if (record == NULL)
    return;

  self->selected_notify_id = g_signal_connect (record, "notify", G_CALLBACK (selected_notify_cb), self);

  /* The record's own URL is collection-url/ID: the first selection fetches
   * it, any later one is answered from the cache. */
  fetch = g_new0 (DetailFetch, 1);
  fetch->self = self;
  fetch->requests_before = resource_requests (record);
  fetch->started = g_get_monotonic_time ();
  fetch->was_stale = cacheit_resource_get_stale (CACHEIT_RESOURCE (record));
  detail_status (self, "Fetching…", "dim");
  demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (record), CACHEIT_FETCH_NONE,
                    detail_fetched_cb, fetch);
}

/* Editing the selected record */

typedef struct
{
  Window     *self;
  DemoRecord *record;
} Save;

static void
record_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Save *save = user_data;
  Window *self = save->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = cacheit_model_save_finish (CACHEIT_MODEL (object), result, &error);
  if (!ok)
    self->n_refused++;

  /* The window may be gone. */
  if (self->window != NULL)
    {
      stats_changed_cb (self);
      if (save->record == self->selected)
        {
          g_autofree char *text = NULL;

          if (ok)
            {
              text = g_strdup_printf ("Saved: PATCH answered by the server, whose name and "
                                      "time of update were merged onto the record");
              detail_status (self, text, "good");
              gtk_editable_set_text (GTK_EDITABLE (self->name_entry),
                                     demo_record_get_name (save->record));
            }
          else
            {
              text = g_strdup_printf ("Not saved: %s. The name is back to “%s”.",
                                      error->message, demo_record_get_name (save->record));
              detail_status (self, text, "bad");
            }
        }
    }

  if (self->edit_check > 0 && self->window != NULL)
    {
      const char *name = demo_record_get_name (save->record);

      if (self->edit_check == 1)
        {
          /* The name the server normalised, and its time of update. */
          g_print ("rename                   saved as “%s”, updated %s\n", name,
                   demo_record_get_updated (save->record));
          if (!ok || g_strcmp0 (name, "Polar Teapot") != 0 ||
              g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), name) != 0)
            {
              g_printerr ("cacheit-demo: the rename was not saved as the server has it\n");
              self->failed = TRUE;
            }

          /* Then a name the server refuses. */
          self->edit_check = 2;
          gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
          g_signal_emit_by_name (self->save_button, "clicked");
          if (g_strcmp0 (demo_record_get_name (save->record), "") != 0)
            {
              g_printerr ("cacheit-demo: the empty name did not show at once\n");
              self->failed = TRUE;
            }
        }
      else
        {
          g_print ("rename to “”             refused: %s; the name is back to “%s”\n",
                   error != NULL ? error->message : "(no error)", name);
          if (ok || cacheit_error_get_http_status (error) != SOUP_STATUS_UNPROCESSABLE_ENTITY ||
              g_strcmp0 (name, "Polar Teapot") != 0 ||
              !g_str_has_prefix (gtk_label_get_text (GTK_LABEL (self->detail_status)), "Not saved"))
            {
              g_printerr ("cacheit-demo: the refused rename was not undone\n");
              self->failed = TRUE;
            }
          self->edit_check = 0;
          pages_check_start (self);
        }
    }

  g_object_unref (save->record);
  g_free (save);
}

/* Save, or Enter in the name: a PATCH of the name alone. The new name shows
 * at once, in the row and here; a refusal puts the old one back. */
static void
save_clicked_cb (GtkWidget *widget,
                 Window    *self)
{
  g_autoptr(JsonObject) changes = NULL;
  Save *save;

  if (self->selected == NULL)
    return;

  changes = json_object_new ();
  json_object_set_string_member (changes, "name",
                                 gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));

  save = g_new0 (Save, 1);
  save->self = self;
  save->record = g_object_ref (self->selected);
  self->n_saves++;
  detail_status (self, "Saving…", "dim");
  cacheit_model_save_async (CACHEIT_MODEL (self->selected), changes, CACHEIT_SAVE_PATCH,
                            NULL, record_saved_cb, save);
  stats_changed_cb (self);
}

/* --quit-after-load: types a name with stray spaces into the entry of the
 * selected record (#7, "Polar Teapot") and clicks Save; record_saved_cb()
 * goes on. */
static void
edit_check_start (Window *self)
{
  const char *typed = "  Polar   Teapot ";

  self->edit_check = 1;
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), typed);
  g_signal_emit_by_name (self->save_button, "clicked");
  g_print ("rename                   “%s” shown at once: %s\n", typed,
           g_strcmp0 (demo_record_get_name (self->selected), typed) == 0 ? "yes" : "no");
  if (g_strcmp0 (demo_record_get_name (self->selected), typed) != 0 ||
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (self->detail_name)), typed) != 0)
    {
      g_printerr ("cacheit-demo: the new name did not show at once\n");
      self->failed = TRUE;
    }
}

/* How long GTK's list models and the column view take to follow the
 * collection's items-changed: the first handler and the last one of the
 * emission. */
static void
records_items_changed_cb (GListModel *model,
                          guint       position,
                          guint       removed,
                          guint       added,
                          Window     *self)
{
  if (added > 0 && self->first_row_time == 0)
    {
      self->first_row_time = g_get_monotonic_time ();
      stats_changed_cb (self);
    }

  demo_stats_gtk_begin (&self->stats);
}

static void
records_items_changed_after_cb (GListModel *model,
                                guint       position,
                                guint       removed,
                                guint       added,
                                Window     *self)
{
  demo_stats_gtk_end (&self->stats, &self->stats.longest_list);
  g_debug ("items-changed (%u, -%u, +%u): GTK's longest list update %.1f ms",
           position, removed, added, self->stats.longest_list / 1000.0);
}

/* The list */

static void
list_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Window *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error))
    {
      show_error (self, error);
      return;
    }

  show_error (self, NULL);
  stats_changed_cb (self);

  if (!self->loaded)
    {
      g_debug ("the list is loaded");
      self->loaded = TRUE;

      /* --quit-after-load and --screenshot select a record, as a user
       * would. */
      if (self->options->quit_after_load || self->options->screenshot != NULL)
        gtk_single_selection_set_selected (self->selection, 6);
    }
}

static void pages_fetched_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data);

static gboolean
showing_pages (Window *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->list_stack)), "pages") == 0;
}

/* Reloads the list shown: the whole list, or the first page of the list in
 * pages (which drops the later pages, unless the server answers 304). */
static void
reload_clicked_cb (GtkButton *button,
                   Window    *self)
{
  if (showing_pages (self))
    demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (self->pages), CACHEIT_FETCH_RELOAD,
                      pages_fetched_cb, self);
  else
    demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (self->records), CACHEIT_FETCH_RELOAD,
                      list_fetched_cb, self);
}

/* A fetch without reload: stale data is answered from the cache at once, and
 * revalidated in the background. */
static void
stale_clicked_cb (GtkButton *button,
                  Window    *self)
{
  demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (self->records), CACHEIT_FETCH_NONE,
                    list_fetched_cb, self);
}

/* Where the rows came from: a snapshot on disk, or the server. The first
 * origin the list has is where its first rows came from. */
static void
origin_changed_cb (CacheitResource *records,
                   GParamSpec      *pspec,
                   Window          *self)
{
  CacheitOrigin origin = cacheit_resource_get_origin (records);

  if (self->first_row_origin == CACHEIT_ORIGIN_NONE)
    self->first_row_origin = origin;
  if (self->window == NULL)
    return;

  gtk_widget_set_visible (self->origin_marker, origin != CACHEIT_ORIGIN_NONE);
  gtk_widget_remove_css_class (self->origin_marker, "origin-disk");
  gtk_widget_remove_css_class (self->origin_marker, "origin-network");
  if (origin == CACHEIT_ORIGIN_DISK)
    {
      gtk_label_set_text (GTK_LABEL (self->origin_marker), "From disk");
      gtk_widget_add_css_class (self->origin_marker, "origin-disk");
      gtk_widget_set_tooltip_text (self->origin_marker,
                                   "A snapshot an earlier run left on disk, shown before the "
                                   "server answered; it is being revalidated");
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (self->origin_marker), "From network");
      gtk_widget_add_css_class (self->origin_marker, "origin-network");
      gtk_widget_set_tooltip_text (self->origin_marker,
                                   "The server sent or confirmed these rows");
    }

  stats_changed_cb (self);
}

/* "Updated 12:03:04", in local time, from the collection's last-updated. */
static gboolean
last_updated_to_text (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  GDateTime *updated = g_value_get_boxed (from);
  g_autoptr(GDateTime) local = NULL;

  if (updated == NULL)
    {
      g_value_set_string (to, "");
      return TRUE;
    }

  local = g_date_time_to_local (updated);
  g_value_take_string (to, g_date_time_format (local, "Updated %H:%M:%S"));

  return TRUE;
}

static void
banner_close_cb (GtkButton *button,
                 Window    *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
}

static void
filtered_n_items_cb (GListModel *model,
                     GParamSpec *pspec,
                     Window     *self)
{
  guint shown = g_list_model_get_n_items (model);
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->records));
  g_autofree char *shown_text = demo_format_count (shown);
  g_autofree char *total_text = demo_format_count (total);
  g_autofree char *text = NULL;

  if (gtk_filter_list_model_get_pending (self->filtered) > 0)
    text = g_strdup_printf ("%s of %s, filtering…", shown_text, total_text);
  else if (shown == total)
    text = g_strdup_printf ("%s records", total_text);
  else
    text = g_strdup_printf ("%s of %s records", shown_text, total_text);

  gtk_label_set_text (GTK_LABEL (self->count_label), text);
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   Window         *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  gtk_string_filter_set_search (self->name_filter, text);
  gtk_string_filter_set_search (self->city_filter, text);
}

static void
slow_changed_cb (GtkSwitch  *widget,
                 GParamSpec *pspec,
                 Window     *self)
{
  /* On top of --latency. */
  demo_server_set_delay (self->server, gtk_switch_get_active (widget) ? SLOW_DELAY_MS : 0);
}

static void
fail_changed_cb (GtkSwitch  *widget,
                 GParamSpec *pspec,
                 Window     *self)
{
  demo_server_set_fail_next (self->server, gtk_switch_get_active (widget));
}

/* The list in pages */

/* "6,000 of 100,000 loaded · 12 pages · 12 requests": the collection's
 * n-items, total and n-pages, and the requests it sent. */
static void
pages_label_update (Window *self)
{
  g_autofree char *loaded = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;
  guint n_pages;
  guint requests;

  if (self->window == NULL || self->pages_label == NULL)
    return;

  if (!self->pages_fetched)
    {
      gtk_label_set_text (GTK_LABEL (self->pages_label), "Pages of 500, loaded as you scroll");
      return;
    }

  loaded = demo_format_count (g_list_model_get_n_items (G_LIST_MODEL (self->pages)));
  total = demo_format_count ((guint64) MAX (cacheit_collection_get_total (self->pages), 0));
  n_pages = cacheit_collection_get_n_pages (self->pages);
  requests = demo_stats_get_resource_requests (CACHEIT_RESOURCE (self->pages));
  text = g_strdup_printf ("%s of %s loaded · %u page%s · %u request%s%s", loaded, total,
                          n_pages, n_pages == 1 ? "" : "s", requests, requests == 1 ? "" : "s",
                          !cacheit_collection_get_has_more (self->pages) &&
                          !cacheit_resource_get_fetching (CACHEIT_RESOURCE (self->pages)) &&
                          n_pages > 0 ? " · the end" : "");
  gtk_label_set_text (GTK_LABEL (self->pages_label), text);
}

static void
pages_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 Window     *self)
{
  pages_label_update (self);
}

static void
show_error (Window       *self,
            const GError *error)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
      return;
    }

  text = g_strdup_printf ("%s. The list keeps its data.", error->message);
  gtk_label_set_text (GTK_LABEL (self->banner_label), text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), TRUE);
}

static void
pages_fetched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Window *self = user_data;
  g_autoptr(GError) error = NULL;

  cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error);
  if (self->window == NULL)
    return;
  show_error (self, error);
  stats_changed_cb (self);
}

/* A page that failed, loaded as the list scrolled: the banner says so; the
 * next scroll to the end asks for it again. */
static void
pages_error_cb (CacheitResource *pages,
                const GError    *error,
                Window          *self)
{
  if (self->window != NULL)
    show_error (self, error);
}

/* The tab of the list in pages: its first page is asked for the first time
 * it is shown; filtering needs every record, so there is no search there. */
static void
list_stack_changed_cb (GtkStack   *stack,
                       GParamSpec *pspec,
                       Window     *self)
{
  gboolean pages = showing_pages (self);

  gtk_widget_set_visible (self->search, !pages);
  if (pages && !self->pages_fetched)
    {
      self->pages_fetched = TRUE;
      demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (self->pages), CACHEIT_FETCH_NONE,
                        pages_fetched_cb, self);
    }
  pages_label_update (self);
}

/* The GtkListView inside a GtkColumnView, which scrolls it. */
static GtkWidget *
column_view_list (GtkWidget *column_view)
{
  for (GtkWidget *child = gtk_widget_get_first_child (column_view); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;

  return NULL;
}

/* A few frames after the next page came, so that its rows are drawn: with
 * --screenshot, the tab in pages as NAME-pages.png; then quits. */
static gboolean
pages_check_finish_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  Window *self = user_data;
  int *frames = g_object_get_data (G_OBJECT (widget), "demo-frames");
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;

  if (++(*frames) < 10)
    return G_SOURCE_CONTINUE;

  if (self->options->screenshot != NULL)
    {
      base = g_str_has_suffix (self->options->screenshot, ".png")
        ? g_strndup (self->options->screenshot, strlen (self->options->screenshot) - 4)
        : g_strdup (self->options->screenshot);
      path = g_strconcat (base, "-pages.png", NULL);
      if (!save_screenshot (self, path) && *frames < 200)
        return G_SOURCE_CONTINUE;
    }

  gtk_window_destroy (GTK_WINDOW (self->window));

  return G_SOURCE_REMOVE;
}

/* --quit-after-load, after the renames: shows the list in pages, waits for
 * its first page (and, from a snapshot, for the server to confirm it:
 * until then the next page is not known), scrolls to its last row, and
 * checks that the view's asking for it loaded the next page, once. */
static gboolean
pages_check_cb (gpointer user_data)
{
  Window *self = user_data;
  CacheitResource *resource = CACHEIT_RESOURCE (self->pages);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->pages));
  guint requests = demo_stats_get_resource_requests (resource);

  if (self->window == NULL)
    {
      self->pages_check_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (g_get_monotonic_time () - self->pages_check_start > 60 * G_USEC_PER_SEC)
    {
      g_printerr ("cacheit-demo: the list in pages did not load its next page as it scrolled "
                  "(%u items, %u pages, %u requests)\n",
                  n_items, cacheit_collection_get_n_pages (self->pages), requests);
      self->failed = TRUE;
      self->pages_check_id = 0;
      gtk_window_destroy (GTK_WINDOW (self->window));
      return G_SOURCE_REMOVE;
    }

  if (self->pages_check == 1)
    {
      if (n_items == 0 || cacheit_resource_get_fetching (resource) ||
          !cacheit_collection_get_has_more (self->pages))
        return G_SOURCE_CONTINUE;

      if (cacheit_collection_get_n_pages (self->pages) != 1 || requests != 1)
        {
          g_printerr ("cacheit-demo: the list in pages loaded more than its first page "
                      "before it scrolled (%u pages, %u requests)\n",
                      cacheit_collection_get_n_pages (self->pages), requests);
          self->failed = TRUE;
        }
      self->pages_check = 2;
      gtk_widget_activate_action (column_view_list (self->pages_view), "list.scroll-to-item",
                                  "u", n_items - 1);
      return G_SOURCE_CONTINUE;
    }

  if (cacheit_collection_get_loading_more (self->pages) ||
      cacheit_collection_get_n_pages (self->pages) < 2)
    return G_SOURCE_CONTINUE;

  g_print ("in pages                 %s\n", gtk_label_get_text (GTK_LABEL (self->pages_label)));
  if (cacheit_collection_get_n_pages (self->pages) != 2 || requests != 2 ||
      n_items != 2 * PAGE_SIZE)
    {
      g_printerr ("cacheit-demo: scrolled to the end of the first page, the list in pages did "
                  "not load the next page alone (%u items, %u pages, %u requests)\n",
                  n_items, cacheit_collection_get_n_pages (self->pages), requests);
      self->failed = TRUE;
    }

  self->pages_check = 0;
  self->pages_check_id = 0;
  g_object_set_data_full (G_OBJECT (self->window), "demo-frames", g_new0 (int, 1), g_free);
  gtk_widget_add_tick_callback (self->window, pages_check_finish_cb, self, NULL);

  return G_SOURCE_REMOVE;
}

static void
pages_check_start (Window *self)
{
  self->pages_check = 1;
  self->pages_check_start = g_get_monotonic_time ();
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "pages");
  self->pages_check_id = g_timeout_add (20, pages_check_cb, self);
}

/* Columns: a label per cell, bound through an expression on the list item,
 * so that a refetch that changes a record updates its row. */

static char *
format_int64 (gpointer this,
              gint64   value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
format_int (gpointer this,
            int      value)
{
  return g_strdup_printf ("%d", value);
}

static char *
format_price (gpointer this,
              double   value)
{
  return g_strdup_printf ("€ %.2f", value);
}

typedef struct
{
  const char *property;
  GCallback   format;
  GType       type;
  gboolean    numeric;
} ColumnSpec;

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  GtkWidget *label = gtk_label_new (NULL);
  GtkExpression *expression;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), spec->numeric ? 1.0 : 0.0);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);

  expression = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  expression = gtk_property_expression_new (DEMO_TYPE_RECORD, expression, spec->property);
  if (spec->format != NULL)
    expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &expression,
                                              spec->format, NULL, NULL);
  gtk_expression_bind (expression, label, "label", list_item);
}

static void
add_column (GtkWidget        *view,
            const char       *title,
            const ColumnSpec *spec,
            gboolean          expand,
            int               width,
            gboolean          view_is_sorted)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  g_autoptr(GtkSorter) sorter = NULL;
  GtkExpression *expression = gtk_property_expression_new (DEMO_TYPE_RECORD, NULL, spec->property);

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), (gpointer) spec);

  if (spec->type == G_TYPE_STRING)
    sorter = GTK_SORTER (gtk_string_sorter_new (expression));
  else
    sorter = GTK_SORTER (gtk_numeric_sorter_new (expression));

  column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  /* The list in pages is not sorted: a sort needs every record. */
  if (view_is_sorted)
    gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
}

static const ColumnSpec id_column = { "id", G_CALLBACK (format_int64), G_TYPE_INT64, TRUE };
static const ColumnSpec name_column = { "name", NULL, G_TYPE_STRING, FALSE };
static const ColumnSpec city_column = { "city", NULL, G_TYPE_STRING, FALSE };
static const ColumnSpec price_column = { "price", G_CALLBACK (format_price), G_TYPE_DOUBLE, TRUE };
static const ColumnSpec stock_column = { "stock", G_CALLBACK (format_int), G_TYPE_INT, TRUE };

static void
add_columns (GtkWidget *view,
             gboolean   sorted)
{
  add_column (view, "ID", &id_column, FALSE, 90, sorted);
  add_column (view, "Name", &name_column, TRUE, -1, sorted);
  add_column (view, "City", &city_column, FALSE, 150, sorted);
  add_column (view, "Price", &price_column, FALSE, 110, sorted);
  add_column (view, "Stock", &stock_column, FALSE, 90, sorted);
}

/* Building the window */

static GtkWidget *
section_title (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "section-title");

  return label;
}

static GtkWidget *
switch_row (const char  *title,
            const char  *subtitle,
            GtkWidget  **switch_out)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *sub = gtk_label_new (subtitle);
  GtkWidget *widget = gtk_switch_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_widget_add_css_class (sub, "dim");
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (labels), label);
  gtk_box_append (GTK_BOX (labels), sub);
  gtk_box_append (GTK_BOX (row), labels);
  gtk_box_append (GTK_BOX (row), widget);
  *switch_out = widget;

  return row;
}

static GtkWidget *
build_detail (Window *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *record = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *empty = gtk_label_new ("Select a record: the detail pane fetches its own URL, "
                                    "once, and lets you rename it.");
  GtkWidget *edit;

  gtk_widget_add_css_class (card, "card-box");
  gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
  /* The stack is as wide as its widest page would like to be. */
  gtk_label_set_max_width_chars (GTK_LABEL (empty), 40);
  gtk_label_set_xalign (GTK_LABEL (empty), 0);
  gtk_widget_add_css_class (empty, "dim");

  self->detail_name = gtk_label_new (NULL);
  self->detail_meta = gtk_label_new (NULL);
  self->detail_description = gtk_label_new (NULL);
  self->detail_url = gtk_label_new (NULL);
  self->detail_status = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->detail_name, "detail-name");
  gtk_widget_add_css_class (self->detail_meta, "dim");
  gtk_widget_add_css_class (self->detail_url, "dim");
  gtk_widget_add_css_class (self->detail_url, "caption");
  gtk_widget_add_css_class (self->detail_url, "monospace");
  gtk_label_set_selectable (GTK_LABEL (self->detail_url), TRUE);
  for (GtkWidget **label = &self->detail_name; label <= &self->detail_status; label++)
    {
      gtk_label_set_xalign (GTK_LABEL (*label), 0);
      gtk_label_set_wrap (GTK_LABEL (*label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (*label), PANGO_WRAP_WORD_CHAR);
      gtk_box_append (GTK_BOX (record), *label);
    }
  gtk_widget_set_margin_top (self->detail_description, 6);
  gtk_widget_set_margin_top (self->detail_status, 6);

  /* The name, to edit: Save (or Enter) sends a PATCH. */
  edit = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (edit, 8);
  self->name_entry = gtk_entry_new ();
  gtk_widget_set_hexpand (self->name_entry, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->name_entry), 8);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->name_entry), "Name");
  gtk_widget_set_tooltip_text (self->name_entry,
                               "Rename the record: the server trims and collapses spaces, and "
                               "refuses an empty name (422)");
  g_signal_connect (self->name_entry, "activate", G_CALLBACK (save_clicked_cb), self);
  self->save_spinner = gtk_spinner_new ();
  gtk_widget_set_tooltip_text (self->save_spinner, "Saving: the collection's saving property");
  g_object_bind_property (self->records, "saving", self->save_spinner, "spinning",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->records, "saving", self->save_spinner, "visible",
                          G_BINDING_SYNC_CREATE);
  self->save_button = gtk_button_new_with_label ("Save");
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->save_button,
                               "cacheit_model_save_async (record, {\"name\": …}, "
                               "CACHEIT_SAVE_PATCH): shown at once, undone if the server refuses");
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  gtk_box_append (GTK_BOX (edit), self->name_entry);
  gtk_box_append (GTK_BOX (edit), self->save_spinner);
  gtk_box_append (GTK_BOX (edit), self->save_button);
  gtk_box_insert_child_after (GTK_BOX (record), edit, self->detail_url);

  self->detail_stack = gtk_stack_new ();
  gtk_stack_set_vhomogeneous (GTK_STACK (self->detail_stack), FALSE);
  gtk_stack_set_hhomogeneous (GTK_STACK (self->detail_stack), FALSE);
  gtk_stack_add_named (GTK_STACK (self->detail_stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (self->detail_stack), record, "record");
  gtk_box_append (GTK_BOX (card), self->detail_stack);

  return card;
}

static GtkWidget *
build_sidebar (Window *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *server_card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *figures = gtk_grid_new ();
  GtkWidget *error_title = gtk_label_new ("Last error");
  GtkWidget *stall_note;

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  gtk_box_append (GTK_BOX (box), section_title ("ACCOUNT"));
  gtk_box_append (GTK_BOX (box), demo_auth_row_new (self->auth, self->options->quit_after_load ||
                                                                self->options->screenshot != NULL));
  gtk_box_append (GTK_BOX (box), section_title ("SELECTED RECORD"));
  gtk_box_append (GTK_BOX (box), build_detail (self));

  gtk_widget_add_css_class (server_card, "card-box");
  gtk_box_append (GTK_BOX (server_card),
                  switch_row ("Slow server", "Answers wait 2 s more; the window does not",
                              &self->slow_switch));
  gtk_box_append (GTK_BOX (server_card),
                  switch_row ("Fail the next request", "Answered 500; the list keeps its data",
                              &self->fail_switch));
  g_signal_connect (self->slow_switch, "notify::active", G_CALLBACK (slow_changed_cb), self);
  g_signal_connect (self->fail_switch, "notify::active", G_CALLBACK (fail_changed_cb), self);
  gtk_widget_set_margin_top (box, 18);
  gtk_box_append (GTK_BOX (box), section_title ("SERVER"));
  gtk_box_append (GTK_BOX (box), server_card);

  gtk_widget_add_css_class (figures, "card-box");
  gtk_grid_set_column_spacing (GTK_GRID (figures), 18);
  gtk_grid_set_row_spacing (GTK_GRID (figures), 2);
  gtk_grid_set_column_homogeneous (GTK_GRID (figures), TRUE);
  self->figure_first_row = add_figure (figures, 0, "First row");
  gtk_widget_set_tooltip_text (self->figure_first_row,
                               "From the first fetch call to the first row (items-changed with "
                               "items added), and where the rows came from");
  self->figure_saves = add_figure (figures, 1, "Saves sent");
  self->figure_calls = add_figure (figures, 2, "Fetch calls made");
  self->figure_requests = add_figure (figures, 3, "HTTP requests sent");
  self->figure_bytes = add_figure (figures, 4, "Bytes received");
  self->figure_made = add_figure (figures, 5, "Row objects made");
  self->figure_stall = add_figure (figures, 6, "Longest main-loop stall");
  self->figure_list = add_figure (figures, 8, "GTK: longest list update");
  self->figure_frame = add_figure (figures, 9, "GTK: longest frame");
  gtk_widget_set_margin_top (gtk_widget_get_prev_sibling (self->figure_first_row), 0);
  for (GtkWidget *child = gtk_widget_get_first_child (figures); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "figure-label"))
      gtk_widget_set_margin_top (child, 8);

  gtk_label_set_xalign (GTK_LABEL (error_title), 0);
  gtk_widget_add_css_class (error_title, "figure-label");
  gtk_widget_set_margin_top (error_title, 8);
  self->figure_error = gtk_label_new ("none");
  gtk_label_set_xalign (GTK_LABEL (self->figure_error), 0);
  gtk_label_set_wrap (GTK_LABEL (self->figure_error), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->figure_error), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->figure_error), TRUE);
  stall_note = gtk_label_new ("Not counting GTK's own work, shown below: "
                              "drawing, and following items-changed.");
  gtk_label_set_xalign (GTK_LABEL (stall_note), 0);
  gtk_label_set_wrap (GTK_LABEL (stall_note), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (stall_note), 20);
  gtk_widget_add_css_class (stall_note, "caption");
  gtk_widget_add_css_class (stall_note, "dim");
  gtk_widget_set_margin_top (stall_note, 8);
  gtk_widget_set_valign (stall_note, GTK_ALIGN_END);
  gtk_grid_attach (GTK_GRID (figures), stall_note, 1, 6, 1, 2);
  gtk_grid_attach (GTK_GRID (figures), error_title, 0, 10, 2, 1);
  gtk_grid_attach (GTK_GRID (figures), self->figure_error, 0, 11, 2, 1);

  gtk_box_append (GTK_BOX (box), section_title ("WHAT THE LIBRARY DID"));
  gtk_box_append (GTK_BOX (box), figures);

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "section-title") &&
        gtk_widget_get_prev_sibling (child) != NULL)
      gtk_widget_set_margin_top (child, 10);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  gtk_widget_set_size_request (scrolled, 380, -1);
  gtk_widget_add_css_class (scrolled, "sidebar");

  return scrolled;
}

static GtkWidget *
build_list (Window *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *banner_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *banner_close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *pages_scrolled = gtk_scrolled_window_new ();
  GtkWidget *whole_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *pages_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *pages_spinner = gtk_spinner_new ();
  g_autoptr(GtkAnyFilter) filter = gtk_any_filter_new ();
  GtkSortListModel *sorted;

  /* The error banner: the list stays as it was under it. */
  self->banner = gtk_revealer_new ();
  self->banner_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->banner_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->banner_label), 0);
  gtk_widget_set_hexpand (self->banner_label, TRUE);
  gtk_button_set_has_frame (GTK_BUTTON (banner_close), FALSE);
  g_signal_connect (banner_close, "clicked", G_CALLBACK (banner_close_cb), self);
  gtk_box_append (GTK_BOX (banner_box), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_box_append (GTK_BOX (banner_box), self->banner_label);
  gtk_box_append (GTK_BOX (banner_box), banner_close);
  gtk_widget_add_css_class (banner_box, "banner-error");
  gtk_revealer_set_child (GTK_REVEALER (self->banner), banner_box);
  gtk_box_append (GTK_BOX (box), self->banner);

  /* The search bar. */
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 10);
  gtk_widget_set_margin_bottom (bar, 10);
  g_object_set (search, "placeholder-text", "Filter by name or city", NULL);
  gtk_widget_set_size_request (search, 240, -1);
  g_signal_connect (search, "search-changed", G_CALLBACK (search_changed_cb), self);
  self->search = search;
  self->count_label = gtk_label_new ("Loading…");
  gtk_widget_add_css_class (self->count_label, "dim");
  gtk_widget_add_css_class (self->count_label, "numeric");
  gtk_widget_set_hexpand (self->count_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 1);
  gtk_label_set_ellipsize (GTK_LABEL (self->count_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (bar), search);
  gtk_widget_set_hexpand (whole_bar, TRUE);
  gtk_box_append (GTK_BOX (whole_bar), self->count_label);

  /* Freshness: when the server last confirmed the list, and whether it is
   * older than the server's max-age. */
  self->stale_marker = gtk_button_new_with_label ("Stale");
  gtk_widget_add_css_class (self->stale_marker, "stale-marker");
  gtk_widget_set_valign (self->stale_marker, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->stale_marker,
                               "Older than the server's max-age. Click, or come back to the "
                               "window: answered from the cache at once, and revalidated in the "
                               "background (the server answers 304 Not Modified)");
  g_signal_connect (self->stale_marker, "clicked", G_CALLBACK (stale_clicked_cb), self);
  g_object_bind_property (self->records, "stale", self->stale_marker, "visible",
                          G_BINDING_SYNC_CREATE);
  self->updated_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->updated_label, "dim");
  gtk_widget_add_css_class (self->updated_label, "numeric");
  g_object_bind_property_full (self->records, "last-updated", self->updated_label, "label",
                               G_BINDING_SYNC_CREATE, last_updated_to_text, NULL, NULL, NULL);
  /* Where the rows came from: "From disk" until the server confirmed the
   * snapshot of an earlier run, then "From network". */
  self->origin_marker = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->origin_marker, "origin-marker");
  gtk_widget_set_valign (self->origin_marker, GTK_ALIGN_CENTER);
  g_signal_connect (self->records, "notify::origin", G_CALLBACK (origin_changed_cb), self);
  gtk_box_append (GTK_BOX (whole_bar), self->origin_marker);
  gtk_box_append (GTK_BOX (whole_bar), self->stale_marker);
  gtk_box_append (GTK_BOX (whole_bar), self->updated_label);

  /* Over the list in pages: what is loaded, and a spinner bound to
   * loading-more. */
  self->pages_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->pages_label, "dim");
  gtk_widget_add_css_class (self->pages_label, "numeric");
  gtk_widget_set_hexpand (self->pages_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->pages_label), 1);
  gtk_label_set_ellipsize (GTK_LABEL (self->pages_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (self->pages_label,
                               "records?per_page=500: each page's Link header names the next, "
                               "X-Total-Count the total. The next page loads when the view shows "
                               "a row 100 from the end (prefetch-distance); Reload asks for the "
                               "first page alone");
  g_object_bind_property (self->pages, "loading-more", pages_spinner, "spinning",
                          G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (pages_bar), self->pages_label);
  gtk_box_append (GTK_BOX (pages_bar), pages_spinner);
  for (const char *const *name = (const char *const[]) { "n-items", "n-pages", "total", "has-more",
                                                          "loading-more", "fetching", NULL };
       *name != NULL; name++)
    {
      g_autofree char *signal = g_strconcat ("notify::", *name, NULL);

      g_signal_connect (self->pages, signal, G_CALLBACK (pages_notify_cb), self);
    }
  g_signal_connect (self->pages, "error", G_CALLBACK (pages_error_cb), self);

  self->bar_stack = gtk_stack_new ();
  gtk_widget_set_hexpand (self->bar_stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->bar_stack), whole_bar, "whole");
  gtk_stack_add_named (GTK_STACK (self->bar_stack), pages_bar, "pages");
  gtk_box_append (GTK_BOX (bar), self->bar_stack);
  gtk_box_append (GTK_BOX (box), bar);

  /* collection → filter → sort → selection → column view. Filtering and
   * sorting are incremental: they need every record, and make them in
   * slices so that the window keeps drawing. */
  self->name_filter = gtk_string_filter_new (gtk_property_expression_new (DEMO_TYPE_RECORD, NULL, "name"));
  self->city_filter = gtk_string_filter_new (gtk_property_expression_new (DEMO_TYPE_RECORD, NULL, "city"));
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter), GTK_FILTER (g_object_ref (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter), GTK_FILTER (g_object_ref (self->city_filter)));
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->records)),
                                              GTK_FILTER (g_steal_pointer (&filter)));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  g_signal_connect (self->filtered, "notify::n-items", G_CALLBACK (filtered_n_items_cb), self);
  g_signal_connect (self->filtered, "notify::pending", G_CALLBACK (filtered_n_items_cb), self);

  self->column_view = gtk_column_view_new (NULL);
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (self->column_view), FALSE);
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (self->column_view), FALSE);
  gtk_widget_add_css_class (self->column_view, "data-table");
  add_columns (self->column_view, TRUE);

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                    g_object_ref (gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
  gtk_sort_list_model_set_incremental (sorted, TRUE);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), GTK_SELECTION_MODEL (self->selection));

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->column_view);

  /* The list in pages: collection → selection → column view, nothing
   * between them that would ask for every row. */
  self->pages_view = gtk_column_view_new (NULL);
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (self->pages_view), FALSE);
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (self->pages_view), FALSE);
  gtk_widget_add_css_class (self->pages_view, "data-table");
  add_columns (self->pages_view, FALSE);
  self->pages_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->pages)));
  gtk_single_selection_set_autoselect (self->pages_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->pages_selection, TRUE);
  g_signal_connect (self->pages_selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->pages_view), GTK_SELECTION_MODEL (self->pages_selection));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (pages_scrolled), self->pages_view);

  self->list_stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->list_stack, TRUE);
  gtk_widget_set_hexpand (self->list_stack, TRUE);
  gtk_stack_add_titled (GTK_STACK (self->list_stack), scrolled, "whole", "Whole list");
  gtk_stack_add_titled (GTK_STACK (self->list_stack), pages_scrolled, "pages", "In pages");
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (self->switcher), GTK_STACK (self->list_stack));
  g_object_bind_property (self->list_stack, "visible-child-name", self->bar_stack,
                          "visible-child-name", G_BINDING_SYNC_CREATE);
  g_signal_connect (self->list_stack, "notify::visible-child-name",
                    G_CALLBACK (list_stack_changed_cb), self);
  gtk_box_append (GTK_BOX (box), self->list_stack);

  return box;
}

static GtkWidget *
build_header (Window *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new ("cacheit-demo");
  GtkWidget *reload = gtk_button_new ();
  GtkWidget *reload_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *count = demo_format_count (demo_server_get_n_records (self->server));
  g_autofree char *subtitle = g_strdup_printf ("%s records from %s%s", count,
                                               demo_server_get_url (self->server),
                                               demo_server_get_port_is_fallback (self->server)
                                                 ? " (the usual port was taken: no snapshot this run)" : "");

  gtk_widget_add_css_class (title, "title");
  self->subtitle = gtk_label_new (subtitle);
  gtk_widget_add_css_class (self->subtitle, "subtitle");
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (titles), title);
  gtk_box_append (GTK_BOX (titles), self->subtitle);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), titles);

  gtk_box_append (GTK_BOX (reload_box), gtk_image_new_from_icon_name ("view-refresh-symbolic"));
  gtk_box_append (GTK_BOX (reload_box), gtk_label_new ("Reload"));
  gtk_button_set_child (GTK_BUTTON (reload), reload_box);
  gtk_widget_set_tooltip_text (reload, "Fetch the list again (CACHEIT_FETCH_RELOAD); the server "
                               "answers 304 Not Modified when it has not changed");
  g_signal_connect (reload, "clicked", G_CALLBACK (reload_clicked_cb), self);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), reload);

  /* The whole list, or the same records in pages (build_list() gives it
   * its stack). */
  self->switcher = gtk_stack_switcher_new ();
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->switcher);

  self->spinner = gtk_spinner_new ();
  g_object_bind_property (self->records, "fetching", self->spinner, "spinning",
                          G_BINDING_SYNC_CREATE);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->spinner);

  return header;
}

/* The first fetch starts once the window has painted its first frame, and
 * the stall meter with it: what it measures is the application at work, not
 * GTK starting up. Every frame's time is counted apart (demo-stats.c). */
static void
before_paint_cb (GdkFrameClock *clock,
                 Window        *self)
{
  demo_stats_gtk_begin (&self->stats);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Window        *self)
{
  demo_stats_gtk_end (&self->stats, &self->stats.longest_frame);

  if (self->stats.tick_id == 0 && self->stats.fetch_calls == 0)
    {
      g_debug ("first frame painted: fetching");
      demo_stats_start_meter (&self->stats);
      self->first_fetch_time = g_get_monotonic_time ();
      demo_stats_fetch (&self->stats, CACHEIT_RESOURCE (self->records), CACHEIT_FETCH_NONE,
                        list_fetched_cb, self);
    }
}

static void
window_realize_cb (GtkWidget *widget,
                   Window    *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
window_destroy_cb (Window *self)
{
  self->stats.changed = NULL;
  demo_stats_stop_meter (&self->stats);
  self->window = NULL;
}

static void
activate_cb (GtkApplication *app,
             Window         *self)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GtkWidget *paned;

  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->window = gtk_application_window_new (app);
  gtk_window_set_title (GTK_WINDOW (self->window), "cacheit-demo");
  gtk_window_set_default_size (GTK_WINDOW (self->window), 1180, 740);
  gtk_window_set_titlebar (GTK_WINDOW (self->window), build_header (self));

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), build_list (self));
  gtk_paned_set_end_child (GTK_PANED (paned), build_sidebar (self));
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 750);
  gtk_window_set_child (GTK_WINDOW (self->window), paned);

  /* Coming back to the window revalidates stale data in the background. */
  g_object_bind_property (self->window, "is-active", self->records, "app-active",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->window, "is-active", self->pages, "app-active",
                          G_BINDING_SYNC_CREATE);

  stats_changed_cb (self);
  origin_changed_cb (CACHEIT_RESOURCE (self->records), NULL, self);
  detail_show (self);
  g_signal_connect (self->window, "realize", G_CALLBACK (window_realize_cb), self);
  g_signal_connect_swapped (self->window, "destroy", G_CALLBACK (window_destroy_cb), self);
  gtk_window_present (GTK_WINDOW (self->window));
}

/* A line at each refresh, as the console prints: the tests look for it. */
static void
auth_refreshed_cb (DemoAuth *auth,
                   Window   *self)
{
  g_autofree char *time = g_date_time_format (demo_auth_get_last_refresh (auth), "%H:%M:%S");

  g_print ("token refreshed (%u×) at %s: the server answered 401 to the old one\n",
           demo_auth_get_n_refreshes (auth), time);
  stats_changed_cb (self);
}

int
demo_window_run (DemoServer  *server,
                 DemoOptions *options)
{
  Window self = { 0 };
  g_autofree char *per_page = NULL;
  char *argv[] = { (char *) "cacheit-demo", NULL };
  int status;

  self.server = server;
  self.options = options;
  self.stats.changed = stats_changed_cb;
  self.stats.user_data = &self;
  self.client = demo_client_new (server);
  self.auth = demo_auth_new (self.client, TRUE);
  g_signal_connect (self.auth, "refreshed", G_CALLBACK (auth_refreshed_cb), &self);
  g_signal_connect_swapped (self.auth, "changed", G_CALLBACK (maybe_finish), &self);
  self.records = cacheit_client_get_collection (self.client, "records", DEMO_TYPE_RECORD);
  per_page = g_strdup_printf ("records?per_page=%u", PAGE_SIZE);
  self.pages = cacheit_client_get_collection (self.client, per_page, DEMO_TYPE_RECORD);
  cacheit_collection_set_prefetch_distance (self.pages, PREFETCH_DISTANCE);
  g_signal_connect (self.records, "items-changed", G_CALLBACK (records_items_changed_cb), &self);
  g_signal_connect_after (self.records, "items-changed", G_CALLBACK (records_items_changed_after_cb), &self);

  self.app = gtk_application_new ("org.gnome.CacheitDemo", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (self.app, "activate", G_CALLBACK (activate_cb), &self);
  status = g_application_run (G_APPLICATION (self.app), 1, argv);
  if (self.failed)
    status = 1;

  g_clear_object (&self.app);
  if (self.selected != NULL)
    g_clear_signal_handler (&self.selected_notify_id, self.selected);
  g_clear_object (&self.selected);
  g_clear_object (&self.selection);
  g_clear_object (&self.pages_selection);
  g_clear_handle_id (&self.pages_check_id, g_source_remove);
  g_clear_object (&self.filtered);
  g_clear_object (&self.name_filter);
  g_clear_object (&self.city_filter);
  g_signal_handlers_disconnect_by_data (self.records, &self);
  g_clear_object (&self.records);
  g_signal_handlers_disconnect_by_data (self.pages, &self);
  g_clear_object (&self.pages);
  demo_stats_clear (&self.stats);
  g_signal_handlers_disconnect_by_data (self.auth, &self);
  g_clear_object (&self.auth);

  soup_session_abort (cacheit_client_get_session (self.client));
  g_clear_object (&self.client);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return status;
}
