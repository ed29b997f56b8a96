/*
 * iov.h - walking a caller's iovec array (Linux's iov_iter).
 */
#ifndef USNET_LIB_IOV_H
#define USNET_LIB_IOV_H

#include <stddef.h>
#include <sys/uio.h>

struct iov_iter {
	const struct iovec *iov;
	unsigned long nr_segs;
	size_t iov_offset; /* into iov[0] */
	size_t count;	   /* bytes left in all segments */
};

/* Set up @it over @iov; -EINVAL when the total overflows ssize_t. */
int iov_iter_init(struct iov_iter *it, const struct iovec *iov,
		  unsigned long nr_segs);
size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it);
size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it);
void iov_iter_advance(struct iov_iter *it, size_t n);

static inline size_t iov_iter_count(const struct iov_iter *it)
{
	return it->count;
}

#endif
