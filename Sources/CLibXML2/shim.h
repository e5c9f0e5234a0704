#ifndef MLCOST_CLIBXML2_SHIM_H
#define MLCOST_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU; Foundation bundles its own ICU and the two
// UErrorCode definitions clash. The ICU members are trailing fields of a struct
// we never allocate, so hiding them is safe.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/HTMLtree.h>

static inline void mlcost_xml_free(void *p) { xmlFree(p); }
static inline const char *mlcost_xml_parser_version(void) { return xmlParserVersion; }
#endif
