#ifndef MLCOST_CZLIB_SHIM_H
#define MLCOST_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 / deflateInit2 are macros Swift cannot call.
// 15 + 32: a 32 KiB window, and accept gzip or zlib headers automatically.
static inline int mlcost_inflate_init(z_streamp s) { return inflateInit2(s, 15 + 32); }
// 15 + 16: write a gzip header (tests build their .gz fixtures with this).
static inline int mlcost_deflate_init_gzip(z_streamp s) {
  return deflateInit2(s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
