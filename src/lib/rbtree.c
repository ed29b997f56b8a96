/*
 * rbtree.c - rebalancing of red-black trees (Cormen et al., "Introduction
 * to Algorithms", chapter 13, with the mirror cases folded into one by
 * indexing the children by direction).
 *
 * The rules kept: the root is black, a red node has no red child, and every
 * path from a node down to an empty child slot meets as many black nodes.
 * So no path is more than twice as long as another: depth O(log n).
 */
#include "lib/rbtree.h"

/* Put @to (maybe NULL) where @from hangs: under @from's parent, or as the
 * root. */
static void rb_replace(struct rb_root_cached *root, struct rb_node *from,
		       struct rb_node *to)
{
	struct rb_node *parent = from->parent;

	if (!parent)
		root->root = to;
	else
		parent->child[parent->child[RB_RIGHT] == from] = to;
	if (to)
		to->parent = parent;
}

/* Rotate @x down towards @dir: its child on the other side takes its
 * place, and @x becomes that child's @dir child. */
static void rb_rotate(struct rb_root_cached *root, struct rb_node *x, int dir)
{
	struct rb_node *y = x->child[!dir];

	x->child[!dir] = y->child[dir];
	if (y->child[dir])
		y->child[dir]->parent = x;
	rb_replace(root, x, y);
	y->child[dir] = x;
	x->parent = y;
}

static bool rb_is_red(const struct rb_node *n)
{
	return n && n->red;
}

void rb_insert_color_cached(struct rb_node *n, struct rb_root_cached *root,
			    bool leftmost, bool rightmost)
{
	struct rb_node *parent;

	if (leftmost)
		root->leftmost = n;
	if (rightmost)
		root->rightmost = n;
	/* @n is red: only a red parent breaks a rule. */
	while ((parent = n->parent) && parent->red) {
		/* A red parent is not the root: the grandparent exists. */
		struct rb_node *gparent = parent->parent;
		int dir = gparent->child[RB_RIGHT] == parent;
		struct rb_node *uncle = gparent->child[!dir];

		if (rb_is_red(uncle)) {
			/* Push the grandparent's black down a level; the
			 * grandparent may now break the rule above it. */
			parent->red = uncle->red = false;
			gparent->red = true;
			n = gparent;
			continue;
		}
		if (parent->child[!dir] == n) {
			/* Bring @n to the outside first. */
			rb_rotate(root, parent, dir);
			n = parent;
			parent = n->parent;
		}
		parent->red = false;
		gparent->red = true;
		rb_rotate(root, gparent, !dir);
		break;
	}
	root->root->red = false;
}

/* @n (maybe NULL), under @parent, lacks one black on its paths since a
 * black node above it was taken out: restore the count. */
static void rb_erase_color(struct rb_root_cached *root, struct rb_node *n,
			   struct rb_node *parent)
{
	while (n != root->root && !rb_is_red(n)) {
		int dir = parent->child[RB_RIGHT] == n;
		/* The sibling's side has a black more than @n's: it exists. */
		struct rb_node *sib = parent->child[!dir];

		if (sib->red) {
			/* Make the sibling black (the parent red). */
			sib->red = false;
			parent->red = true;
			rb_rotate(root, parent, dir);
			sib = parent->child[!dir];
		}
		if (!rb_is_red(sib->child[RB_LEFT]) &&
		    !rb_is_red(sib->child[RB_RIGHT])) {
			/* Take a black off the sibling's side too: the
			 * parent's subtree lacks one now. */
			sib->red = true;
			n = parent;
			parent = n->parent;
			continue;
		}
		if (!rb_is_red(sib->child[!dir])) {
			/* Its red child to the outside. */
			sib->child[dir]->red = false;
			sib->red = true;
			rb_rotate(root, sib, !dir);
			sib = parent->child[!dir];
		}
		/* The sibling's red outer child pays the missing black. */
		sib->red = parent->red;
		parent->red = false;
		sib->child[!dir]->red = false;
		rb_rotate(root, parent, dir);
		n = root->root;
		break;
	}
	if (n)
		n->red = false;
}

void rb_erase_cached(struct rb_node *n, struct rb_root_cached *root)
{
	struct rb_node *child, *parent;
	bool black;

	if (root->leftmost == n)
		root->leftmost = rb_step(n, RB_RIGHT);
	if (root->rightmost == n)
		root->rightmost = rb_step(n, RB_LEFT);
	if (!n->child[RB_LEFT] || !n->child[RB_RIGHT]) {
		/* At most one child: it takes @n's place. */
		child = n->child[!n->child[RB_LEFT]];
		parent = n->parent;
		black = !n->red;
		rb_replace(root, n, child);
	} else {
		/* Two children: the next node in order, which has no left
		 * child, takes @n's place and colour; the hole is where it
		 * was. */
		struct rb_node *next = n->child[RB_RIGHT];

		while (next->child[RB_LEFT])
			next = next->child[RB_LEFT];
		child = next->child[RB_RIGHT];
		black = !next->red;
		if (next->parent == n) {
			parent = next;
		} else {
			parent = next->parent;
			rb_replace(root, next, child);
			next->child[RB_RIGHT] = n->child[RB_RIGHT];
			next->child[RB_RIGHT]->parent = next;
		}
		rb_replace(root, n, next);
		next->child[RB_LEFT] = n->child[RB_LEFT];
		next->child[RB_LEFT]->parent = next;
		next->red = n->red;
	}
	if (black)
		rb_erase_color(root, child, parent);
	RB_CLEAR_NODE(n);
}

struct rb_node *rb_step(const struct rb_node *n, int dir)
{
	const struct rb_node *parent;

	if (n->child[dir]) {
		n = n->child[dir];
		while (n->child[!dir])
			n = n->child[!dir];
		return (struct rb_node *)n;
	}
	while ((parent = n->parent) && parent->child[dir] == n)
		n = parent;
	return (struct rb_node *)parent;
}
