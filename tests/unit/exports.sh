#!/bin/sh
# exports.sh LIB - the shared library exports usnet_* and nothing else, so
# that a preloaded program never sees the stack's internal symbols.
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' |
	grep -v '^usnet_')
count=$(nm -D --defined-only "$lib" | awk '$2 == "T"' | grep -c ' usnet_')
if [ -n "$bad" ]; then
	echo "not usnet_*: $bad"
	exit 1
fi
if [ "$count" -lt 40 ]; then
	echo "only $count usnet_* functions exported"
	exit 1
fi
echo "$count usnet_* functions exported, nothing else"
