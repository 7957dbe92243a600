#!/bin/sh
# Fail on calls we never use: unbounded string building and unchecked parsing.
banned='\<(sprintf|vsprintf|strcpy|strcat|atoi|strtok|gets)[[:space:]]*\('
hits=$(grep -nE "$banned" $(find common config modem handlers gateway tests -name '*.[ch]' 2>/dev/null) 2>/dev/null \
	| grep -v 'lint: allow')
if [ -n "$hits" ]; then
	echo "banned calls (use common/buf.h, strtol, ...):" >&2
	echo "$hits" >&2
	exit 1
fi
exit 0
