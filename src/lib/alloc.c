/*
 * alloc.c - the counted allocator behind every object of the stack.
 *
 * Each block carries a small header with its size, so that byte totals
 * stay exact; counters are atomics because any thread may allocate.
 */
#include "lib/alloc.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/net.h>

struct obj_hdr {
	size_t size;
	size_t kind; /* keeps the payload 16-byte aligned */
};

static atomic_long live[OBJ_KINDS];
static atomic_long live_bytes;
static atomic_ulong fail_countdown;
static atomic_int fail_sticky;

/* Count down to the armed failure with one compare-and-swap per step, so
 * that with many threads allocating exactly one allocation is the Nth. */
static bool should_fail(void)
{
	unsigned long n =
		atomic_load_explicit(&fail_countdown, memory_order_relaxed);

	for (;;) {
		if (n == 0)
			return false;
		if (n == 1 && atomic_load(&fail_sticky))
			return true;
		if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1))
			return n == 1;
	}
}

void *obj_alloc_raw(enum obj_kind kind, size_t size)
{
	struct obj_hdr *h;

	if (size > SIZE_MAX - sizeof(*h) || should_fail())
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	h->kind = kind;
	atomic_fetch_add_explicit(&live[kind], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&live_bytes, (long)size,
				  memory_order_relaxed);
	return h + 1;
}

void *obj_alloc(enum obj_kind kind, size_t size)
{
	void *p = obj_alloc_raw(kind, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *obj_realloc(enum obj_kind kind, void *p, size_t size)
{
	struct obj_hdr *h, *n;

	if (!p)
		return obj_alloc_raw(kind, size);
	if (size > SIZE_MAX - sizeof(struct obj_hdr) || should_fail())
		return NULL;
	h = (struct obj_hdr *)p - 1;
	n = realloc(h, sizeof(*n) + size);
	if (!n)
		return NULL;
	atomic_fetch_add_explicit(&live_bytes, (long)size - (long)n->size,
				  memory_order_relaxed);
	n->size = size;
	return n + 1;
}

void obj_free(enum obj_kind kind, void *p)
{
	struct obj_hdr *h;

	if (!p)
		return;
	h = (struct obj_hdr *)p - 1;
	atomic_fetch_sub_explicit(&live[kind], 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&live_bytes, (long)h->size,
				  memory_order_relaxed);
	free(h);
}

void usnet_objects_live(struct usnet_objects *out)
{
	out->sockets = (unsigned long)atomic_load(&live[OBJ_SOCKET]);
	out->socks = (unsigned long)atomic_load(&live[OBJ_SOCK]);
	out->skbs = (unsigned long)atomic_load(&live[OBJ_SKB]);
	out->files = (unsigned long)atomic_load(&live[OBJ_FILE]);
	out->epitems = (unsigned long)atomic_load(&live[OBJ_EPITEM]);
	out->other = (unsigned long)atomic_load(&live[OBJ_OTHER]);
	out->bytes = (unsigned long)atomic_load(&live_bytes);
}

void usnet_alloc_fail_at(unsigned long n, int sticky)
{
	atomic_store(&fail_sticky, sticky);
	atomic_store(&fail_countdown, n);
}
