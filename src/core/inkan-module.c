/* Loading the core's modules (HTTP, drawing) on first use, from the build tree or the install. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-module-private.h"

#include <glib/gi18n-lib.h>
#include <gmodule.h>

G_DEFINE_QUARK (inkan-module-error-quark, inkan_module_error)

typedef gconstpointer (*ModuleEntry) (guint abi);

static GMutex modules_lock;
static GHashTable *modules;   /* name → the module's table */

/* Where the modules are: an uninstalled program (the tests, the demo, the benchmarks) runs from
 * the build tree and uses the modules built beside it. */
static char *
module_dir (void)
{
  const char *env = g_getenv ("INKAN_MODULEDIR");
  g_autofree char *exe = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL && g_str_has_prefix (exe, INKAN_BUILD_ROOT G_DIR_SEPARATOR_S))
    return g_strdup (INKAN_BUILD_MODULEDIR);
  return g_strdup (INKAN_MODULEDIR);
}

gconstpointer
_inkan_module_get (const char *name, GError **error)
{
  gconstpointer table;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&modules_lock);
  if (modules == NULL)
    modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  table = g_hash_table_lookup (modules, name);
  if (table == NULL)
    {
      g_autofree char *dir = module_dir ();
      g_autofree char *file = g_strdup_printf ("inkan-%s.so", name);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *symbol = g_strdup_printf ("inkan_%s_module", name);
      GModule *module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      gpointer entry = NULL;

      if (module == NULL)
        g_set_error (error, INKAN_MODULE_ERROR, INKAN_MODULE_ERROR_MISSING,
                     _("A part of Inkan is missing or damaged (%s): reinstall Inkan."),
                     g_module_error ());
      else if (!g_module_symbol (module, symbol, &entry) || entry == NULL
               || (table = ((ModuleEntry) entry) (INKAN_MODULE_ABI)) == NULL)
        {
          g_set_error (error, INKAN_MODULE_ERROR, INKAN_MODULE_ERROR_MISSING,
                       _("A part of Inkan is missing or damaged (%s is from another version): "
                         "reinstall Inkan."),
                       path);
          g_module_close (module);
        }
      else
        {
          /* Tables point into the module: it is never unloaded. */
          g_module_make_resident (module);
          g_hash_table_insert (modules, g_strdup (name), (gpointer) table);
        }
    }
  g_mutex_unlock (&modules_lock);
  return table;
}
