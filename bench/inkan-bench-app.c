/* bench/app's measuring program: opens a PDF in the real window, then scrolls through it. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inkan-application.h"
#include "inkan-page-view.h"
#include "inkan-renderer.h"
#include "inkan-window.h"

/* Pixels scrolled per frame: at 60 frames a second, about 12 pages a second at fit width. */
#define SCROLL_STEP 250.0
#define WATCHDOG_MS 5

typedef struct
{
  GMainLoop *loop;
  InkanWindow *window;
  InkanPageView *view;
  GdkFrameClock *clock;

  gint64 open_start, open_done, first_page;
  gboolean opened;

  /* Scrolling. */
  gboolean scrolling;
  gint64 frame_start;
  gint64 frame_cpu_start;      /* the main thread's CPU time at the frame's start, µs */
  gint64 frame_wait_start;     /* its time waiting for a processor (run queue), µs */
  gint64 longest_frame_wait;
  gint64 total_wait;
  gint64 layout_end, paint_end;
  gint64 longest_cpu;          /* µs of main-thread CPU time in one frame */
  guint longest_cpu_index;
  guint cpu_over_16ms, cpu_over_50ms;
  gint64 longest_layout, longest_paint; /* of the longest frame (wall, µs) */
  gint64 longest_frame_cpu;             /* CPU time of the longest frame */
  FILE *log;                   /* INKAN_BENCH_LOG: one line a frame */
  gint64 longest_frame;        /* µs from the frame's update phase to the end of its paint */
  gint64 longest_snapshot;     /* µs of the page view's own snapshot */
  guint longest_frame_index;
  guint frames;
  guint frames_over_16ms, frames_over_50ms;
  guint frames_with_placeholders;
  gint64 scroll_start, scroll_end;
  guint max_frames;            /* INKAN_BENCH_FRAMES: stop scrolling after so many (0: at the end) */

  /* The watchdog: how late a WATCHDOG_MS timeout fires tells how long the loop was busy. */
  gint64 watchdog_last;
  gint64 longest_stall;
} Bench;

/* The calling thread's CPU time: what the main loop itself spent, whatever else ran. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A "Key:   N kB" line of /proc/self/status, in kB. */
static gint64
status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  return line != NULL ? g_ascii_strtoll (line + strlen (key), NULL, 10) : -1;
}

/* CPU seconds of this process's threads, by thread name: who did the work the frames waited for
 * (llvmpipe-N: Mesa's software GL; pool: render workers; the process name: the main thread). */
static void
print_thread_times (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  g_autoptr (GHashTable) times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GString) line = g_string_new (NULL);
  long ticks = sysconf (_SC_CLK_TCK);
  GHashTableIter iter;
  gpointer key, value;
  const char *name;

  if (dir == NULL || ticks <= 0)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/stat", name);
      g_autofree char *stat = NULL;
      g_auto (GStrv) fields = NULL;
      g_autofree char *comm = NULL;
      const char *open, *close;
      double *seconds;

      if (!g_file_get_contents (path, &stat, NULL, NULL) || (open = strchr (stat, '(')) == NULL
          || (close = strrchr (stat, ')')) == NULL)
        continue;
      comm = g_strndup (open + 1, close - open - 1);
      /* Digits name numbered threads of one kind. */
      g_strdelimit (comm, "0123456789", 'N');
      fields = g_strsplit (close + 2, " ", 0);
      if (g_strv_length (fields) < 13)
        continue;
      seconds = g_hash_table_lookup (times, comm);
      if (seconds == NULL)
        {
          seconds = g_new0 (double, 1);
          g_hash_table_insert (times, g_strdup (comm), seconds);
        }
      /* utime and stime are fields 14 and 15 of stat, 12 and 13 after the name. */
      *seconds += (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / ticks;
    }
  g_hash_table_iter_init (&iter, times);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(double *) value >= 0.05)
      g_string_append_printf (line, "%s%s %.1f s", line->len > 0 ? ", " : "", (char *) key,
                              *(double *) value);
  printf ("CPU time by thread          %s\n", line->str);
}

/* How long the calling thread has waited, runnable, for a processor (run_delay of schedstat):
 * the part of a frame other processes and threads took. */
static gint64
thread_wait_us (void)
{
  char buffer[128];
  FILE *file = fopen ("/proc/thread-self/schedstat", "r");
  unsigned long long run_ns = 0, wait_ns = 0;

  if (file == NULL)
    return 0;
  if (fgets (buffer, sizeof buffer, file) == NULL
      || sscanf (buffer, "%llu %llu", &run_ns, &wait_ns) != 2)
    wait_ns = 0;
  fclose (file);
  return (gint64) (wait_ns / 1000);
}

static gboolean
watchdog (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();

  if (bench->scrolling && bench->watchdog_last > 0)
    bench->longest_stall = MAX (bench->longest_stall,
                                now - bench->watchdog_last - WATCHDOG_MS * 1000);
  bench->watchdog_last = now;
  return G_SOURCE_CONTINUE;
}

static void
frame_begin (GdkFrameClock *clock,
             Bench         *bench)
{
  bench->frame_start = g_get_monotonic_time ();
  bench->frame_cpu_start = thread_cpu_us ();
  bench->frame_wait_start = thread_wait_us ();
  bench->layout_end = bench->paint_end = 0;
}

/* Connected after GTK's own handlers: the end of the layout phase and of the paint phase (the
 * window's snapshot and its rendering by GSK, including the buffer swap). */
static void
layout_done (GdkFrameClock *clock,
             Bench         *bench)
{
  bench->layout_end = g_get_monotonic_time ();
}

static void
paint_done (GdkFrameClock *clock,
            Bench         *bench)
{
  bench->paint_end = g_get_monotonic_time ();
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Bench *bench = data;
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench->view));
  double value = gtk_adjustment_get_value (vadj);
  double end = gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj);

  if (value >= end || (bench->max_frames > 0 && bench->frames >= bench->max_frames))
    {
      bench->scrolling = FALSE;
      bench->scroll_end = g_get_monotonic_time ();
      g_main_loop_quit (bench->loop);
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (vadj, MIN (end, value + SCROLL_STEP));
  return G_SOURCE_CONTINUE;
}

static void
frame_end (GdkFrameClock *clock,
           Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();
  guint textures = 0, placeholders = 0;
  gint64 snapshot_us = 0;

  if (bench->view == NULL)
    return;
  inkan_page_view_get_draw_stats (bench->view, &textures, &placeholders, &snapshot_us);

  if (bench->opened && bench->first_page == 0 && textures > 0 &&
      inkan_page_view_is_page_rendered (bench->view, 0))
    {
      bench->first_page = now;
      g_main_loop_quit (bench->loop);
    }

  if (bench->scrolling && bench->frame_start > 0)
    {
      gint64 duration = now - bench->frame_start;
      gint64 cpu = thread_cpu_us () - bench->frame_cpu_start;
      gint64 wait = thread_wait_us () - bench->frame_wait_start;
      gint64 layout = bench->layout_end > 0 ? bench->layout_end - bench->frame_start : 0;
      /* A frame without a layout phase goes from update to paint. */
      gint64 paint = bench->paint_end > 0
                       ? bench->paint_end - MAX (bench->layout_end, bench->frame_start) : 0;

      bench->frames++;
      bench->total_wait += wait;
      if (bench->log != NULL)
        fprintf (bench->log, "%u %.6f %.2f %.2f %.2f %.2f %.2f %.2f %u\n", bench->frames,
                 bench->frame_start / 1e6, duration / 1000.0, cpu / 1000.0, wait / 1000.0, layout / 1000.0, paint / 1000.0,
                 snapshot_us / 1000.0, placeholders);
      if (cpu > bench->longest_cpu)
        {
          bench->longest_cpu = cpu;
          bench->longest_cpu_index = bench->frames;
        }
      if (cpu > 16000)
        bench->cpu_over_16ms++;
      if (cpu > 50000)
        bench->cpu_over_50ms++;
      bench->longest_snapshot = MAX (bench->longest_snapshot, snapshot_us);
      if (duration > bench->longest_frame)
        {
          bench->longest_frame = duration;
          bench->longest_frame_index = bench->frames;
          bench->longest_frame_cpu = cpu;
          bench->longest_frame_wait = wait;
          bench->longest_layout = layout;
          bench->longest_paint = paint;
        }
      if (duration > 16000)
        bench->frames_over_16ms++;
      if (duration > 50000)
        bench->frames_over_50ms++;
      if (placeholders > 0)
        bench->frames_with_placeholders++;
    }
  bench->frame_start = 0;
}

static void
document_opened (InkanWindow       *window,
                 InkanDocumentView *view,
                 Bench             *bench)
{
  bench->open_done = g_get_monotonic_time ();
  bench->opened = TRUE;
  bench->view = inkan_document_view_get_page_view (view);
  gtk_widget_queue_draw (GTK_WIDGET (bench->view));
}

static void
open_failed (InkanWindow *window,
             GFile       *file,
             GError      *error,
             Bench       *bench)
{
  fprintf (stderr, "inkan-bench-app: %s\n", error->message);
  exit (1);
}

static gboolean
give_up (gpointer data)
{
  fprintf (stderr, "inkan-bench-app: gave up after 10 minutes\n");
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (InkanApplication) application = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  Bench bench = { 0 };
  int n_pages;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: inkan-bench-app FILE.pdf   (under an X server and a session bus)\n");
      return 2;
    }
  gtk_init ();
  adw_init ();
  application = inkan_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (application), NULL, &error))
    {
      fprintf (stderr, "inkan-bench-app: %s\n", error->message);
      return 1;
    }
  g_timeout_add_seconds (600, give_up, NULL);

  if (g_getenv ("INKAN_BENCH_FRAMES") != NULL)
    bench.max_frames = (guint) g_ascii_strtoull (g_getenv ("INKAN_BENCH_FRAMES"), NULL, 10);
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.window = inkan_window_new (application);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1100, 800);
  g_signal_connect (bench.window, "document-opened", G_CALLBACK (document_opened), &bench);
  g_signal_connect (bench.window, "open-failed", G_CALLBACK (open_failed), &bench);
  gtk_window_present (GTK_WINDOW (bench.window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.window)))
    g_main_context_iteration (NULL, TRUE);
  bench.clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  /* GTK's handlers run first: ours for "update" comes right after the tick callbacks (the
   * scrolling step), so a frame is its layout, snapshot and rendering. */
  g_signal_connect (bench.clock, "update", G_CALLBACK (frame_begin), &bench);
  g_signal_connect (bench.clock, "layout", G_CALLBACK (layout_done), &bench);
  g_signal_connect (bench.clock, "paint", G_CALLBACK (paint_done), &bench);
  g_signal_connect (bench.clock, "after-paint", G_CALLBACK (frame_end), &bench);
  if (g_getenv ("INKAN_BENCH_LOG") != NULL)
    {
      bench.log = fopen (g_getenv ("INKAN_BENCH_LOG"), "w");
      if (bench.log != NULL)
        fprintf (bench.log, "# frame start_s wall_ms cpu_ms runqueue_wait_ms layout_ms paint_ms "
                            "view_snapshot_ms "
                            "placeholders\n");
    }

  /* Open, and wait for the first page on screen. */
  file = g_file_new_for_commandline_arg (argv[1]);
  bench.open_start = g_get_monotonic_time ();
  inkan_window_open (bench.window, file);
  g_main_loop_run (bench.loop);
  n_pages = inkan_document_get_n_pages (inkan_page_view_get_document (bench.view));

  printf ("GSK renderer                %s\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window))));
  printf ("pages                       %d\n", n_pages);
  printf ("open (load in a thread)     %.1f ms\n", (bench.open_done - bench.open_start) / 1000.0);
  printf ("first page on screen        %.1f ms after the open completed (target < 300 ms)\n",
          (bench.first_page - bench.open_done) / 1000.0);
  printf ("peak RSS after first page   %.1f MB\n", status_kb ("VmHWM:") / 1024.0);
  fflush (stdout);

  /* Scroll from the top to the bottom, SCROLL_STEP pixels a frame. */
  g_timeout_add (WATCHDOG_MS, watchdog, &bench);
  bench.scrolling = TRUE;
  bench.scroll_start = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.view), scroll_tick, &bench, NULL);
  g_main_loop_run (bench.loop);

  printf ("scroll to the end           %u frames in %.1f s, %.0f pixels a frame\n", bench.frames,
          (bench.scroll_end - bench.scroll_start) / 1e6, SCROLL_STEP);
  printf ("longest frame               %.1f ms (frame %u; target: no frame over 50 ms)\n",
          bench.longest_frame / 1000.0, bench.longest_frame_index);
  printf ("  its phases                 %.1f ms update+layout, %.1f ms paint (snapshot, GSK "
          "render, swap), %.1f ms after paint (GDK's frame sync with the X server)\n",
          bench.longest_layout / 1000.0, bench.longest_paint / 1000.0,
          (bench.longest_frame - bench.longest_layout - bench.longest_paint) / 1000.0);
  printf ("  its main thread             %.1f ms on a processor, %.1f ms waiting for one "
          "(run queue), the rest asleep\n", bench.longest_frame_cpu / 1000.0,
          bench.longest_frame_wait / 1000.0);
  printf ("longest frame, CPU time     %.1f ms (frame %u; the main thread's own CPU time)\n",
          bench.longest_cpu / 1000.0, bench.longest_cpu_index);
  printf ("frames over 16 / 50 ms CPU  %u / %u\n", bench.cpu_over_16ms, bench.cpu_over_50ms);
  printf ("main thread's run-queue wait %.1f s over the scroll (other threads and processes "
          "holding the processors)\n", bench.total_wait / 1e6);
  printf ("longest page-view snapshot  %.1f ms (the view's own work in a frame)\n",
          bench.longest_snapshot / 1000.0);
  printf ("frames over 16 ms / 50 ms   %u / %u\n", bench.frames_over_16ms,
          bench.frames_over_50ms);
  printf ("longest main-loop stall     %.1f ms (a %d ms watchdog's lateness)\n",
          bench.longest_stall / 1000.0, WATCHDOG_MS);
  printf ("frames with placeholders    %u (pages not yet rendered when drawn)\n",
          bench.frames_with_placeholders);
  printf ("texture cache               %.1f MB (budget %.0f MB)\n",
          inkan_renderer_get_cached_bytes (inkan_renderer_get_default ()) / 1048576.0,
          inkan_renderer_get_budget (inkan_renderer_get_default ()) / 1048576.0);
  printf ("peak RSS                    %.1f MB (target < 400 MB)\n",
          status_kb ("VmHWM:") / 1024.0);
  printf ("RSS now                     %.1f MB: %.1f MB anonymous, %.1f MB mapped files "
          "(libraries)\n", status_kb ("VmRSS:") / 1024.0, status_kb ("RssAnon:") / 1024.0,
          status_kb ("RssFile:") / 1024.0);

  print_thread_times ();
  g_signal_handlers_disconnect_by_data (bench.clock, &bench);
  g_clear_pointer (&bench.log, fclose);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_main_loop_unref (bench.loop);
  return 0;
}
