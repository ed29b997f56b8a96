/*
 * snmp.c - names of the SNMP MIB counters.
 */
#include "core/snmp.h"

static const char *const mib_names[] = {
#define MIB_NAME(n) #n,
	SNMP_MIBS(MIB_NAME)
#undef MIB_NAME
};

const char *snmp_mib_name(enum snmp_mib mib)
{
	if ((unsigned int)mib >= SNMP_MIB_MAX)
		return "?";
	return mib_names[mib];
}
