/*
 * rbtree.h - intrusive red-black trees (Linux's lib/rbtree.c, with its
 * names), and a root that caches both ends.
 *
 * The tree keeps no key: rb_add_cached() walks down with the user's
 * comparison, places the new node with rb_link_node(), then lets
 * rb_insert_color_cached() rebalance.  Insertion, erasure and the walk down are
 * O(log n); rb_first()/rb_last() of a cached root are O(1).  No memory is
 * allocated, so neither can fail.
 */
#ifndef USNET_LIB_RBTREE_H
#define USNET_LIB_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/compiler.h"

enum {
	RB_LEFT,
	RB_RIGHT
};

struct rb_node {
	struct rb_node *parent;
	struct rb_node *child[2]; /* RB_LEFT, RB_RIGHT */
	bool red;
};

/* A tree with its leftmost and rightmost nodes cached (Linux's
 * rb_root_cached caches the leftmost only). */
struct rb_root_cached {
	struct rb_node *root;
	struct rb_node *leftmost, *rightmost;
};

#define RB_ROOT_CACHED ((struct rb_root_cached){ NULL, NULL, NULL })

/* A node in no tree points at itself (Linux's RB_CLEAR_NODE()). */
static inline void RB_CLEAR_NODE(struct rb_node *n)
{
	n->parent = n;
}

static inline bool RB_EMPTY_NODE(const struct rb_node *n)
{
	return n->parent == n;
}

/* Place @n at *@link, the empty child slot of @parent (NULL: the root)
 * where the walk down ended; rb_insert_color_cached() must follow.
 * rb_add_cached() below does both. */
static inline void rb_link_node(struct rb_node *n, struct rb_node *parent,
				struct rb_node **link)
{
	n->parent = parent;
	n->child[RB_LEFT] = n->child[RB_RIGHT] = NULL;
	n->red = true;
	*link = n;
}

/* Rebalance after rb_link_node() placed @n; @leftmost and @rightmost say
 * whether it went in at an end (the walk down never turned right, or never
 * left). */
void rb_insert_color_cached(struct rb_node *n, struct rb_root_cached *root,
			    bool leftmost, bool rightmost);
/* Take @n out of the tree; it is left cleared (RB_EMPTY_NODE()). */
void rb_erase_cached(struct rb_node *n, struct rb_root_cached *root);

/* The next node in order (@dir RB_RIGHT) or the previous (RB_LEFT);
 * NULL at the end. */
struct rb_node *rb_step(const struct rb_node *n, int dir);

static inline struct rb_node *rb_first_cached(const struct rb_root_cached *r)
{
	return r->leftmost;
}

static inline struct rb_node *rb_last_cached(const struct rb_root_cached *r)
{
	return r->rightmost;
}

#define rb_entry(ptr, type, member) container_of(ptr, type, member)

/*
 * Insert @n in order (Linux's rb_add_cached()): @less(a, b) says whether a
 * goes before b.  A node goes after those it is not less than, so equal
 * ones stay in the order they were added.  O(1) when @n goes at either
 * end, O(log n) elsewhere.
 */
static inline void rb_add_cached(struct rb_node *n, struct rb_root_cached *root,
				 bool (*less)(const struct rb_node *,
					      const struct rb_node *))
{
	struct rb_node **link = &root->root, *parent = NULL;
	bool leftmost = true, rightmost = true;

	if (root->rightmost && !less(n, root->rightmost)) {
		parent = root->rightmost;
		link = &parent->child[RB_RIGHT];
		leftmost = false;
	} else if (root->leftmost && less(n, root->leftmost)) {
		parent = root->leftmost;
		link = &parent->child[RB_LEFT];
		rightmost = false;
	} else {
		while (*link) {
			int dir;

			parent = *link;
			dir = !less(n, parent);
			if (dir == RB_RIGHT)
				leftmost = false;
			else
				rightmost = false;
			link = &parent->child[dir];
		}
	}
	rb_link_node(n, parent, link);
	rb_insert_color_cached(n, root, leftmost, rightmost);
}

#endif
