/* A signature's certificate chain, signer first: subject, issuer, validity, fingerprints. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gnutls/x509.h>

#include "inkan-certificate-window.h"

static char *
dn_of (gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;

  if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
              : gnutls_x509_crt_get_dn3 (crt, &dn, 0)) < 0)
    return g_strdup (_("unreadable"));
  text = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

static char *
time_of (time_t t)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);

  return utc != NULL ? g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

static char *
fingerprint_of (gnutls_x509_crt_t crt, gnutls_digest_algorithm_t algorithm)
{
  guchar digest[64];
  size_t size = sizeof digest;
  GString *hex;

  if (gnutls_x509_crt_get_fingerprint (crt, algorithm, digest, &size) < 0)
    return g_strdup ("?");
  hex = g_string_new (NULL);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (hex, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (hex, FALSE);
}

static void
add_line (AdwPreferencesGroup *group, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
}

GtkWindow *
inkan_certificate_window_new (GtkWindow  *parent,
                              const char *signer,
                              GPtrArray  *chain)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  g_autofree char *title = g_strdup_printf (_("Certificates of %s"), signer);

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);

  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      gnutls_x509_crt_t crt = g_ptr_array_index (chain, i);
      AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      g_autofree char *subject = dn_of (crt, FALSE);
      g_autofree char *issuer = dn_of (crt, TRUE);
      g_autofree char *from = time_of (gnutls_x509_crt_get_activation_time (crt));
      g_autofree char *until = time_of (gnutls_x509_crt_get_expiration_time (crt));
      g_autofree char *validity = g_strdup_printf (_("from %s until %s"), from, until);
      g_autofree char *sha256 = fingerprint_of (crt, GNUTLS_DIG_SHA256);
      g_autofree char *sha1 = fingerprint_of (crt, GNUTLS_DIG_SHA1);

      adw_preferences_group_set_title (group, i == 0 ? _("Signer")
                                              : gnutls_x509_crt_check_issuer (crt, crt)
                                                ? _("Root") : _("Issuer"));
      add_line (group, _("Subject"), subject);
      add_line (group, _("Issuer"), issuer);
      add_line (group, _("Valid"), validity);
      add_line (group, _("SHA-256 fingerprint"), sha256);
      add_line (group, _("SHA-1 fingerprint"), sha1);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
    }
  return GTK_WINDOW (window);
}
