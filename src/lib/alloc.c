/*
 * alloc.c - the counted allocator behind every object of the stack.
 *
 * Each block carries a small header with its size, so that byte totals
 * stay exact; counters are atomics because any thread may allocate.
 *
 * Blocks of stream-skb size are made one fixed size and kept in a cache
 * when freed: a 64 KiB buffer filled by a writer thread and freed by the
 * reader makes glibc hand the pages back and fault them in again, and
 * that cost five times the copy itself (docs/PERFORMANCE.md).  The cache
 * holds what a TCP connection on loopback keeps in flight at its buffers'
 * ceiling: a 4 MiB send buffer (tcp_wmem[2]) is 64 segments of 64 KiB,
 * and the reader holds others; it keeps at most 9 MiB.
 */
#include "lib/alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/net.h>

struct obj_hdr {
	size_t size;
	size_t kind; /* | HDR_BIG; also keeps the payload 16-byte aligned */
};

#define BIG_MIN	  (16u * 1024)
#define BIG_CAP	  (72u * 1024)
#define BIG_CACHE 128
#define HDR_BIG	  ((size_t)1 << 63)

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct obj_hdr *big_cache[BIG_CACHE];
static int big_count;

static struct obj_hdr *big_get(void)
{
	struct obj_hdr *h = NULL;

	pthread_mutex_lock(&big_lock);
	if (big_count)
		h = big_cache[--big_count];
	pthread_mutex_unlock(&big_lock);
	return h ? h : malloc(sizeof(*h) + BIG_CAP);
}

static void big_put(struct obj_hdr *h)
{
	pthread_mutex_lock(&big_lock);
	if (big_count < BIG_CACHE) {
		big_cache[big_count++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&big_lock);
	free(h);
}

static atomic_long live[OBJ_KINDS];
static atomic_long live_bytes;
static atomic_long live_orphans;

void obj_orphan(long delta)
{
	atomic_fetch_add_explicit(&live_orphans, delta, memory_order_relaxed);
}
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

	bool big = size > BIG_MIN && size <= BIG_CAP;

	if (size > SIZE_MAX - sizeof(*h) || should_fail())
		return NULL;
	h = big ? big_get() : malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	h->kind = kind | (big ? HDR_BIG : 0);
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
	if (h->kind & HDR_BIG) {
		/* A cached-size block: in place while it fits, else move. */
		if (size <= BIG_CAP) {
			atomic_fetch_add_explicit(&live_bytes,
						  (long)size - (long)h->size,
						  memory_order_relaxed);
			h->size = size;
			return p;
		}
		n = obj_alloc_raw(kind, size);
		if (n) {
			memcpy(n, p, h->size);
			obj_free(kind, p);
		}
		return n;
	}
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
	if (h->kind & HDR_BIG)
		big_put(h);
	else
		free(h);
}

void usnet_objects_live(struct usnet_objects *out)
{
	out->sockets = (unsigned long)atomic_load(&live[OBJ_SOCKET]);
	out->socks = (unsigned long)atomic_load(&live[OBJ_SOCK]);
	out->skbs = (unsigned long)atomic_load(&live[OBJ_SKB]);
	out->files = (unsigned long)atomic_load(&live[OBJ_FILE]);
	out->epitems = (unsigned long)atomic_load(&live[OBJ_EPITEM]);
	out->orphans = (unsigned long)atomic_load(&live_orphans);
	out->other = (unsigned long)atomic_load(&live[OBJ_OTHER]);
	out->bytes = (unsigned long)atomic_load(&live_bytes);
}

void usnet_alloc_fail_at(unsigned long n, int sticky)
{
	atomic_store(&fail_sticky, sticky);
	atomic_store(&fail_countdown, n);
}
