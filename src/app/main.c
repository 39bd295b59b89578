/* inkan: the seal-management application's entry point. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "inkan-application.h"
#include "inkan-validity.h"

int
main (int   argc,
      char *argv[])
{
  int status;
  g_autoptr (InkanApplication) application = NULL;

  setlocale (LC_ALL, "");
  /* INKAN_LOCALEDIR: the build tree's po/ when running uninstalled (the tests do). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("INKAN_LOCALEDIR") != NULL
                                     ? g_getenv ("INKAN_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("Inkan");
  application = inkan_application_new ();
  status = g_application_run (G_APPLICATION (application), argc, argv);
  inkan_validity_wait_for_workers ();
  return status;
}
