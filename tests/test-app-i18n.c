/* GUI test of the translation: the real window under Xvfb speaks Simplified Chinese when
 * LANGUAGE=zh_CN, with the build tree's catalogue; screenshots are test artefacts. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "inkan-document-view.h"
#include "inkan-test-app.h"
#include "inkan-test-attack.h"
#include "inkan-test-util.h"
#include "inkan-validity.h"

typedef struct
{
  InkanTestPki *pki;
  InkanWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->pki = data != NULL ? inkan_test_pki_get () : NULL;
  fixture->window = inkan_test_app_new_window ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
  g_unsetenv ("INKAN_TRUST");
}

static GtkWidget *
find_drawable (GtkWidget *widget,
               GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_is_drawable (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_drawable (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first drawable button whose label is `label` (underline included). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The empty window: the welcome page and the header bar's Open button are in Chinese. */
static void
test_empty_window (Fixture       *fixture,
                   gconstpointer  data)
{
  AdwStatusPage *page;
  g_autofree char *shot = NULL;

  page = ADW_STATUS_PAGE (find_drawable (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "打开 PDF 文档");
  g_assert_cmpstr (adw_status_page_get_description (page), ==,
                   "将 PDF 拖放到此窗口，或选择一个文档来阅读并签章。");
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->window), "打开(_O)"));
  g_assert_null (find_button (GTK_WIDGET (fixture->window), "_Open"));

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "zh_CN-welcome");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

/* A sealed document: the validity banner and the signatures sidebar speak Chinese, down to the
 * verifier's sentences from the core. */
static void
test_sealed (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *sealed = inkan_test_tmp_path ("sealed.pdf");
  InkanDocumentView *view;
  InkanValidityBanner *banner;
  g_autofree char *shot = NULL;

  inkan_test_cli_sign (pdf, sealed, TRUE, "380,80,140,140");
  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = inkan_test_app_open (fixture->window, sealed);
  inkan_test_app_wait_until (!inkan_document_view_get_verifying (view));
  inkan_test_app_wait_frames (GTK_WIDGET (view), 2);

  banner = inkan_document_view_get_validity_banner (view);
  g_assert_cmpint (inkan_validity_banner_get_state (banner), ==, INKAN_VALIDITY_VALID);
  g_assert_cmpstr (inkan_validity_banner_get_title (banner), ==, "已签章且未被修改");
  g_assert_nonnull (strstr (inkan_validity_banner_get_detail (banner), "文档与签章时完全一致"));
  g_assert_true (inkan_document_view_get_signatures_visible (view));

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "zh_CN-sealed");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("INKAN_LOCALEDIR");

  /* C.UTF-8 exists on every Debian 12 system and is not "C", so gettext honours LANGUAGE. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add ("/inkan/app/i18n/zh_CN/empty-window", Fixture, NULL, fixture_set_up,
              test_empty_window, fixture_tear_down);
  g_test_add ("/inkan/app/i18n/zh_CN/sealed", Fixture, "pki", fixture_set_up, test_sealed,
              fixture_tear_down);

  return inkan_test_app_run ();
}
