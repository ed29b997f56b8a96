/*
 * wire.c - names of the parse results shared by all of src/wire.
 */
#include "wire/wire.h"

#include "lib/compiler.h"

static const char *const wire_err_names[WIRE_ERR_MAX] = {
	[WIRE_OK] = "OK",
	[WIRE_ERR_TRUNCATED] = "TRUNCATED",
	[WIRE_ERR_VERSION] = "VERSION",
	[WIRE_ERR_HDR_LEN] = "HDR_LEN",
	[WIRE_ERR_TOTAL_LEN] = "TOTAL_LEN",
	[WIRE_ERR_CHECKSUM] = "CHECKSUM",
	[WIRE_ERR_DATA_OFFSET] = "DATA_OFFSET",
	[WIRE_ERR_OPTION] = "OPTION",
	[WIRE_ERR_UNSUPPORTED] = "UNSUPPORTED",
};

const char *wire_err_name(int err)
{
	if (err < 0 || err >= WIRE_ERR_MAX || !wire_err_names[err])
		return "?";
	return wire_err_names[err];
}
