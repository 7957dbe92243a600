#!/bin/sh
# Build the libFuzzer targets that need the whole handler library
# (fuzz_router) with clang: every library source except the programs'
# mains and the gatewayctl commands, sanitised, into build/fuzz/.
# Usage (from the top of the tree): sh tests/fuzz/build-handlers.sh
set -eu
out=build/fuzz
mkdir -p "$out/obj"
CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -std=c11 -D_GNU_SOURCE \
	$(pkg-config --cflags gammu sqlite3 libconfig jansson libutf8proc)"
objs=""
# a header newer than an object rebuilds it (no dependency files here)
newest_h=$(ls -t common/*.h config/*.h modem/*.h handlers/*.h gateway/*.h | head -1)
for src in common/*.c config/*.c modem/*.c handlers/*.c gateway/*.c; do
	case "$src" in gateway/gatewayd.c|gateway/gatewayctl.c|gateway/ctl_*.c) continue ;; esac
	obj="$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
		clang $CFLAGS -DGW_VERSION='"fuzz"' -DGW_SYSCONFDIR='"/etc"' -c "$src" -o "$obj"
	fi
	objs="$objs $obj"
done
for t in router; do
	clang $CFLAGS -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" $objs -o "$out/fuzz_$t" \
		$(pkg-config --libs gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc) \
		-lsodium -lsystemd -lm
done
echo "built $out/fuzz_router"
