/* demo-auth-row.c: the sign-in row of the window's panel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A card with the state of a DemoAuth ("Signed in as demo · token
 * refreshed 2×"), a line under it (the time of the last refresh, or why
 * the server refused), and a "Sign in" button, shown while the client
 * waits for the user to sign in, which calls demo_auth_sign_in(). With
 * press_itself (--quit-after-load, --screenshot), the row presses its
 * button as soon as it is shown, as a user would.
 */

#include "demo-auth-row.h"

typedef struct
{
  DemoAuth  *auth;
  GtkWidget *state;
  GtkWidget *detail;
  GtkWidget *button;
  gboolean   press_itself;
  guint      press_id;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_handle_id (&row->press_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (row->auth, row);
  g_clear_object (&row->auth);
  g_free (row);
}

static void
clicked_cb (GtkButton *button,
            Row       *row)
{
  demo_auth_sign_in (row->auth);
}

static gboolean
press_cb (gpointer user_data)
{
  Row *row = user_data;

  row->press_id = 0;
  if (gtk_widget_get_visible (row->button))
    gtk_widget_activate (row->button);

  return G_SOURCE_REMOVE;
}

static void
changed_cb (DemoAuth *auth,
            Row      *row)
{
  DemoAuthState state = demo_auth_get_state (auth);
  g_autofree char *text = demo_auth_format_state (auth);
  g_autofree char *detail = demo_auth_format_detail (auth);
  gboolean waiting = state == DEMO_AUTH_WAITING;

  gtk_label_set_text (GTK_LABEL (row->state), text);
  gtk_label_set_text (GTK_LABEL (row->detail), detail);
  gtk_widget_set_visible (row->button, waiting || state == DEMO_AUTH_SIGNING_IN);
  gtk_widget_set_sensitive (row->button, waiting);

  if (state == DEMO_AUTH_SIGNED_IN)
    gtk_widget_add_css_class (row->state, "good");
  else
    gtk_widget_remove_css_class (row->state, "good");
  if (state == DEMO_AUTH_FAILED)
    gtk_widget_add_css_class (row->state, "bad");
  else
    gtk_widget_remove_css_class (row->state, "bad");

  /* Pressed once drawn: what the screenshot shows is the window after a
   * user's click. */
  if (waiting && row->press_itself && row->press_id == 0)
    row->press_id = g_timeout_add (200, press_cb, row);
}

GtkWidget *
demo_auth_row_new (DemoAuth *auth,
                   gboolean  press_itself)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  Row *row = g_new0 (Row, 1);

  row->auth = g_object_ref (auth);
  row->press_itself = press_itself;
  row->state = gtk_label_new (NULL);
  row->detail = gtk_label_new (NULL);
  row->button = gtk_button_new_with_label ("Sign in");

  gtk_widget_add_css_class (card, "card-box");
  gtk_label_set_xalign (GTK_LABEL (row->state), 0);
  gtk_label_set_wrap (GTK_LABEL (row->state), TRUE);
  gtk_widget_add_css_class (row->state, "heading");
  gtk_label_set_xalign (GTK_LABEL (row->detail), 0);
  gtk_label_set_wrap (GTK_LABEL (row->detail), TRUE);
  gtk_widget_add_css_class (row->detail, "dim");
  gtk_widget_add_css_class (row->detail, "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (row->button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->button, "suggested-action");
  gtk_widget_set_tooltip_text (row->button, "POST /auth/token as \"demo\": the requests waiting "
                               "for a token go once it comes");
  gtk_box_append (GTK_BOX (labels), row->state);
  gtk_box_append (GTK_BOX (labels), row->detail);
  gtk_box_append (GTK_BOX (card), labels);
  gtk_box_append (GTK_BOX (card), row->button);

  g_signal_connect (row->button, "clicked", G_CALLBACK (clicked_cb), row);
  g_signal_connect (auth, "changed", G_CALLBACK (changed_cb), row);
  g_object_set_data_full (G_OBJECT (card), "demo-auth-row", row, row_free);
  changed_cb (auth, row);

  return card;
}
