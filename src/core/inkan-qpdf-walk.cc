/* qpdf's parse of every object a PDF lists, reading the file by pread through a small cache. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define POINTERHOLDER_TRANSITION 4
#include "config.h"

#include "inkan-qpdf-private.h"
#include "inkan-qpdf-walk-private.h"

#include <qpdf/Constants.h>
#include <qpdf/InputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

/* qpdf's C API reads a document from a file (stdio: two hundred thousand lseek and forty
 * thousand read calls for a 100 MB one) or from memory. A mapped file costs a page fault for
 * every 64 KB that qpdf touches, and the walk touches nearly all of them: a stream's dictionary
 * is at its start and its "endstream" at its end. Under a hypervisor that fills the guest's page
 * tables itself a fault costs 15 to 30 µs, which made the mapping half the walk's time. Here the
 * file is read by pread into a few reused blocks, a thousand or so calls for the same document,
 * and the walk uses qpdf's C++ API, the only one that takes an input of the caller's. */

namespace
{

class PreadSource : public InputSource
{
public:
  PreadSource (int fd, qpdf_offset_t size, const char *name) : fd_ (fd), size_ (size), name_ (name)
  {
  }

  qpdf_offset_t
  findAndSkipNextEOL () override;

  std::string const &
  getName () const override
  {
    return name_;
  }

  qpdf_offset_t
  tell () override
  {
    return pos_;
  }

  void
  seek (qpdf_offset_t offset, int whence) override;

  void
  rewind () override
  {
    pos_ = 0;
  }

  size_t
  read (char *buffer, size_t length) override;

  void
  unreadCh (char) override
  {
    if (pos_ > 0)
      pos_--;
  }

private:
  /* The file is read in blocks of this size, a few of them kept; a read of a block or more (a
   * stream's data) goes straight to the caller's buffer. */
  static constexpr qpdf_offset_t BLOCK = 4096;
  static constexpr int N_BLOCKS = 4;

  struct Block
  {
    qpdf_offset_t start = -1;
    qpdf_offset_t len = 0;
    char data[BLOCK];
  };

  size_t
  read_at (char *buffer, size_t length, qpdf_offset_t offset);
  const Block &
  block_at (qpdf_offset_t offset);

  int fd_;
  qpdf_offset_t size_;
  std::string name_;
  qpdf_offset_t pos_ = 0;
  std::array<Block, N_BLOCKS> blocks_;
  int next_ = 0;
};

/* Up to `length` bytes at `offset`, fewer only where the file ends. */
size_t
PreadSource::read_at (char *buffer, size_t length, qpdf_offset_t offset)
{
  size_t done = 0;

  while (done < length)
    {
      ssize_t n = pread (fd_, buffer + done, length - done, offset + (qpdf_offset_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          throw std::runtime_error (name_ + ": " + g_strerror (saved));
        }
      if (n == 0)
        break;
      done += (size_t) n;
    }
  return done;
}

/* The block holding `offset` (< size_), read if it is not at hand; it holds less than asked
 * for only when the file has shrunk. */
const PreadSource::Block &
PreadSource::block_at (qpdf_offset_t offset)
{
  for (const Block &b : blocks_)
    if (b.start >= 0 && offset >= b.start && offset < b.start + b.len)
      return b;

  Block &b = blocks_[(size_t) next_];
  next_ = (next_ + 1) % N_BLOCKS;
  b.start = offset / BLOCK * BLOCK;
  b.len = 0;
  b.len = (qpdf_offset_t) read_at (b.data, (size_t) std::min (BLOCK, size_ - b.start), b.start);
  return b;
}

size_t
PreadSource::read (char *buffer, size_t length)
{
  size_t done = 0;

  last_offset = pos_;
  if (pos_ >= size_)
    return 0;
  if ((guint64) length > (guint64) (size_ - pos_))
    length = (size_t) (size_ - pos_);
  if ((qpdf_offset_t) length >= BLOCK)
    done = read_at (buffer, length, pos_);
  else
    while (done < length)
      {
        qpdf_offset_t at = pos_ + (qpdf_offset_t) done;
        const Block &b = block_at (at);
        size_t n;

        if (at >= b.start + b.len)
          break;
        n = std::min (length - done, (size_t) (b.start + b.len - at));
        memcpy (buffer + done, b.data + (at - b.start), n);
        done += n;
      }
  pos_ += (qpdf_offset_t) done;
  return done;
}

void
PreadSource::seek (qpdf_offset_t offset, int whence)
{
  qpdf_offset_t base, to;

  switch (whence)
    {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = pos_;
      break;
    case SEEK_END:
      base = size_;
      break;
    default:
      throw std::logic_error ("invalid whence in seek");
    }
  if (__builtin_add_overflow (base, offset, &to) || to < 0)
    throw std::runtime_error (name_ + ": seek outside the file");
  pos_ = to;
}

/* Finds the next end of line from the current position and moves past it and any that follow;
 * returns where it starts, or the file's size when there is none. */
qpdf_offset_t
PreadSource::findAndSkipNextEOL ()
{
  qpdf_offset_t at = pos_, eol = -1;

  if (pos_ >= size_)
    {
      last_offset = pos_ = size_;
      return size_;
    }
  while (at < size_)
    {
      const Block &b = block_at (at);
      qpdf_offset_t i = at - b.start;

      if (i >= b.len)
        break;
      for (; i < b.len; i++)
        {
          char ch = b.data[i];

          if (ch == '\r' || ch == '\n')
            {
              if (eol < 0)
                eol = b.start + i;
            }
          else if (eol >= 0)
            break;
        }
      at = b.start + i;
      if (i < b.len)
        break;
    }
  pos_ = at;
  return eol >= 0 ? eol : size_;
}

gboolean
fail (InkanQpdfWalkResult *result, InkanQpdfWalkStatus status, guint64 id, const char *text)
{
  result->status = status;
  result->id = id;
  g_free (result->text);
  result->text = g_strdup (text);
  return FALSE;
}

/* qpdf warns when it had to guess. */
gboolean
check_warnings (QPDF &q, const InkanQpdfWalk *walk, InkanQpdfWalkResult *result)
{
  for (QPDFExc &w : q.getWarnings ())
    if (!_inkan_qpdf_warning_is_harmless (w.what ())
        && (walk->tolerate == nullptr || !walk->tolerate (w.what ())))
      return fail (result, INKAN_QPDF_WALK_DAMAGED, 0, w.what ());
  return TRUE;
}

void
note_node (QPDFObjectHandle &oh, const InkanListedObject &o, const InkanQpdfWalk *walk,
           std::vector<int> &kids)
{
  QPDFObjectHandle type = oh.getKey ("/Type"), list;
  int kind = type.isNameAndEquals ("/Page")    ? INKAN_QPDF_NODE_PAGE
             : type.isNameAndEquals ("/Pages") ? INKAN_QPDF_NODE_PAGES
                                               : INKAN_QPDF_NODE_OTHER;
  bool has_kids = oh.hasKey ("/Kids");
  int n = -1;

  if (kind == INKAN_QPDF_NODE_OTHER && !has_kids)
    return;
  kids.clear ();
  list = oh.getKey ("/Kids");
  if (list.isArray ())
    {
      n = list.getArrayNItems ();
      for (int i = 0; i < n; i++)
        {
          QPDFObjectHandle kid = list.getArrayItem (i);
          bool indirect = kid.isIndirect ();

          kids.push_back (indirect ? kid.getObjectID () : 0);
          kids.push_back (indirect ? kid.getGeneration () : 0);
        }
    }
  walk->note ((int) o.id, o.gen, kind, has_kids, kids.data (), n, walk->data);
}

/* File order: objects at an offset first, by offset, then compressed ones by object stream. */
bool
before (const InkanListedObject *x, const InkanListedObject *y)
{
  if (x->compressed != y->compressed)
    return !x->compressed;
  if (x->offset != y->offset)
    return x->offset < y->offset;
  return x->id < y->id;
}

gboolean
walk_all (int fd, const guint8 *data, guint64 size, const char *name, const InkanQpdfWalk *walk,
          InkanQpdfWalkResult *result)
{
  std::vector<const InkanListedObject *> order;
  std::unordered_set<guint64> streams;
  std::vector<int> kids;
  QPDF q;

  q.setSuppressWarnings (true);
  q.setAttemptRecovery (false);
  if (fd >= 0)
    q.processInputSource (std::make_shared<PreadSource> (fd, (qpdf_offset_t) size, name));
  else
    q.processMemoryFile (name, (const char *) data, (size_t) size);
  if (!check_warnings (q, walk, result))
    return FALSE;
  order.reserve (walk->n_objects);
  for (guint i = 0; i < walk->n_objects; i++)
    {
      order.push_back (&walk->objects[i]);
      if (walk->objects[i].compressed)
        streams.insert (walk->objects[i].offset);
    }
  std::sort (order.begin (), order.end (), before);

  for (const InkanListedObject *listed : order)
    {
      const InkanListedObject &o = *listed;
      qpdf_object_type_e type;

      if (walk->trailer_size > 0 && o.id >= (guint64) walk->trailer_size)
        return fail (result, INKAN_QPDF_WALK_BEYOND_SIZE, o.id, nullptr);
      {
        QPDFObjectHandle oh = q.getObjectByID ((int) o.id, o.gen);

        /* Asking the type makes qpdf parse the object. */
        type = oh.getTypeCode ();
        if (type == ot_null && o.compressed)
          return fail (result, INKAN_QPDF_WALK_MISSING, o.id, nullptr);
        if (type == ot_dictionary && walk->note != nullptr)
          note_node (oh, o, walk, kids);
      }
      if (!check_warnings (q, walk, result))
        return FALSE;
      /* Dropping what was parsed keeps the reading the size of its cross-reference table (a
       * kept one grows by about 13 KB a page), as _inkan_qpdf_forget does for the C API and for
       * the same reasons. Object streams stay until their objects are parsed. */
      if ((o.compressed || streams.count (o.id) == 0) && type != ot_integer && type != ot_real)
        q.replaceObject ((int) o.id, o.gen, QPDFObjectHandle::newInteger (0));
    }
  if (!check_warnings (q, walk, result))
    return FALSE;

  /* Every reference qpdf met counts towards its highest object number; one beyond /Size would
   * collide with the objects an increment adds. */
  if (walk->trailer_size > 0)
    {
      int next = q.makeIndirectObject (QPDFObjectHandle::newNull ()).getObjectID ();

      if (next > walk->trailer_size)
        return fail (result, INKAN_QPDF_WALK_REFERENCE_BEYOND, (guint64) (next - 1), nullptr);
    }
  return TRUE;
}

} // namespace

gboolean
_inkan_qpdf_walk (int fd, const guint8 *data, guint64 size, const char *name,
                  const InkanQpdfWalk *walk, InkanQpdfWalkResult *result)
{
  *result = InkanQpdfWalkResult{ INKAN_QPDF_WALK_OK, 0, nullptr };
  try
    {
      return walk_all (fd, data, size, name, walk, result);
    }
  catch (const std::exception &e)
    {
      return fail (result, INKAN_QPDF_WALK_DAMAGED, 0, e.what ());
    }
  catch (...)
    {
      return fail (result, INKAN_QPDF_WALK_DAMAGED, 0, "unknown error");
    }
}
