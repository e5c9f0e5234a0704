#ifndef MLCOST_CSQLITE_SHIM_H
#define MLCOST_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_STATIC / SQLITE_TRANSIENT are cast macros Swift cannot import.
static inline int mlcost_bind_text_transient(sqlite3_stmt *s, int i, const char *p, int n) {
  return sqlite3_bind_text(s, i, p, n, SQLITE_TRANSIENT);
}
static inline int mlcost_bind_text_static(sqlite3_stmt *s, int i, const char *p, int n) {
  return sqlite3_bind_text(s, i, p, n, SQLITE_STATIC);
}
static inline int mlcost_bind_blob_transient(sqlite3_stmt *s, int i, const void *p, int n) {
  return sqlite3_bind_blob(s, i, p, n, SQLITE_TRANSIENT);
}
static inline void mlcost_result_blob_transient(sqlite3_context *c, const void *p, int n) {
  sqlite3_result_blob(c, p, n, SQLITE_TRANSIENT);
}
static inline void mlcost_result_text_transient(sqlite3_context *c, const char *p, int n) {
  sqlite3_result_text(c, p, n, SQLITE_TRANSIENT);
}
#endif
