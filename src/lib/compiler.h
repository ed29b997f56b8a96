/*
 * compiler.h - the handful of kernel idioms the rest of usnet is written in.
 */
#ifndef USNET_LIB_COMPILER_H
#define USNET_LIB_COMPILER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))

#define READ_ONCE(x)                                        \
	atomic_load_explicit((_Atomic __typeof__(x) *)&(x), \
			     memory_order_relaxed)
#define WRITE_ONCE(x, v)                                          \
	atomic_store_explicit((_Atomic __typeof__(x) *)&(x), (v), \
			      memory_order_relaxed)

/* Defensive checks that should never trigger (SQLite's NEVER()). */
#define NEVER(x) unlikely(x)

/* Linux's poll mask type. */
typedef unsigned int __poll_t;

#endif
