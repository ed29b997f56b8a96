/*
 * iov.c - copying to and from a caller's scattered buffers.
 */
#include "lib/iov.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int iov_iter_init(struct iov_iter *it, const struct iovec *iov,
		  unsigned long nr_segs)
{
	size_t total = 0;

	for (unsigned long i = 0; i < nr_segs; i++) {
		/* Linux: a negative length, or a total over SSIZE_MAX. */
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	it->iov = iov;
	it->nr_segs = nr_segs;
	it->iov_offset = 0;
	it->count = total;
	return 0;
}

static size_t iter_step(struct iov_iter *it, void *buf, size_t n, bool to)
{
	size_t done = 0;

	if (n > it->count)
		n = it->count;
	while (done < n) {
		size_t room = it->iov->iov_len - it->iov_offset;
		size_t chunk = n - done < room ? n - done : room;
		char *base = (char *)it->iov->iov_base + it->iov_offset;

		if (buf && chunk) {
			if (to)
				memcpy(base, (char *)buf + done, chunk);
			else
				memcpy((char *)buf + done, base, chunk);
		}
		done += chunk;
		it->iov_offset += chunk;
		it->count -= chunk;
		if (it->iov_offset == it->iov->iov_len && it->nr_segs > 0) {
			it->iov++;
			it->nr_segs--;
			it->iov_offset = 0;
		}
	}
	/* Skip empty segments so that iov always points at data. */
	while (it->nr_segs > 0 && it->iov_offset == it->iov->iov_len &&
	       it->count > 0) {
		it->iov++;
		it->nr_segs--;
		it->iov_offset = 0;
	}
	return done;
}

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it)
{
	return iter_step(it, (void *)src, n, true);
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it)
{
	return iter_step(it, dst, n, false);
}

void iov_iter_advance(struct iov_iter *it, size_t n)
{
	iter_step(it, NULL, n, false);
}
