/*
 * dropreason.c - names of the drop reasons.
 */
#include "core/dropreason.h"

static const char *const drop_names[] = {
#define DROP_NAME(n) #n,
	SKB_DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

const char *drop_reason_name(enum skb_drop_reason reason)
{
	if ((unsigned int)reason >= SKB_DROP_REASON_MAX)
		return "?";
	return drop_names[reason];
}
