/*
 * alloc.h - the one counted, failable allocator.
 *
 * Every object of the stack comes from here, tagged with its kind, so that
 * a test can ask how many of each are alive (usnet_objects_live()) and can
 * make the Nth allocation fail (usnet_alloc_fail_at()), as SQLite's test
 * allocator does.
 */
#ifndef USNET_LIB_ALLOC_H
#define USNET_LIB_ALLOC_H

#include <stddef.h>

enum obj_kind {
	OBJ_SOCKET, /* struct socket */
	OBJ_SOCK,   /* struct sock and its protocol extension */
	OBJ_SKB,    /* struct sk_buff with its data */
	OBJ_FILE,   /* struct file */
	OBJ_EPITEM, /* an epoll registration */
	OBJ_OTHER,  /* everything else: tables, addresses, namespaces */
	OBJ_KINDS
};

/* Zeroed memory of @size bytes counted under @kind; NULL on failure. */
void *obj_alloc(enum obj_kind kind, size_t size);
/* Uninitialised variant, for data buffers. */
void *obj_alloc_raw(enum obj_kind kind, size_t size);
/* Resize memory from obj_alloc*() of @kind (sizes tracked internally). */
void *obj_realloc(enum obj_kind kind, void *p, size_t size);
/* Count a sock as an orphan (+1) or no longer one (-1). */
void obj_orphan(long delta);
/* Free memory from obj_alloc*() of @kind; NULL is allowed. */
void obj_free(enum obj_kind kind, void *p);

#endif
