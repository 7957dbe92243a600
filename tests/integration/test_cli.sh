#!/bin/bash
# The binaries' command lines, configuration checking, database set-up and
# all-or-nothing imports, run for real against SQLite files.
. "$(dirname "$0")/lib.sh"
CONF="$WORK/gw.conf"
write_conf "$CONF"

check "gatewayd --help" sh -c "'$GATEWAYD' --help | grep -q -- '--check'"
check "gatewayd --version" sh -c "'$GATEWAYD' --version | grep -q '^gatewayd [0-9]'"
check "gatewayctl --help" sh -c "'$GATEWAYCTL' --help | grep -q simulate"
check "gatewayctl --version" sh -c "'$GATEWAYCTL' --version | grep -q '^gatewayctl [0-9]'"
check "gatewayd rejects stray arguments" sh -c "! '$GATEWAYD' bogus 2>/dev/null"
check "gatewayctl unknown command" sh -c "'$GATEWAYCTL' -c '$CONF' frobnicate 2>&1; test \$? -eq 2"

check "gatewayd -n accepts the embedded default" "$GATEWAYD" -n -c "$TOP/config/gateway.conf"
check "gatewayd -n accepts the example" "$GATEWAYD" -n -c "$TOP/config/gateway.conf.example"

bad() { # bad NAME TEXT EXPECTED-IN-ERROR
	printf '%b' "$2" >"$WORK/bad.conf"
	out=$("$GATEWAYD" -n -c "$WORK/bad.conf" 2>&1); rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q -- "$3"; then pass "$1"; else fail "$1" "rc=$rc out=$out"; fi
}
bad "unknown key named with file and line" 'modem = {\n  model = "dummy";\n  colour = "red";\n};\n' "bad.conf:3: modem.colour: unknown setting"
bad "wrong type named" 'sms = { max_parts = "3"; };\n' "bad.conf:1: sms.max_parts: must be an integer"
bad "out of range named" 'log = { level = "info"; };\nsms = { max_parts = 99; };\n' "bad.conf:2: sms.max_parts: 99 is out of range"
bad "bad choice named" 'log = { level = "chatty"; };\n' "log.level: must be one of"
bad "syntax error named" 'modem = { model = ;\n' "bad.conf:1: syntax error"
check "missing config file" sh -c "! '$GATEWAYD' -n -c '$WORK/none.conf' 2>/dev/null"

check "init creates the database" "$GATEWAYCTL" -c "$CONF" init
check "init is idempotent" "$GATEWAYCTL" -c "$CONF" init
check "schema is WAL" sh -c "sqlite3 '$WORK/gw.db' 'PRAGMA journal_mode' | grep -q wal"
check "import sample programs" sh -c "'$GATEWAYCTL' -c '$CONF' import programs '$TOP/data/programs.json' | grep -q '30 added'"
check "import sample jobs" sh -c "'$GATEWAYCTL' -c '$CONF' import jobs '$TOP/data/jobs.json' | grep -q '15 added'"
check "re-import changes nothing" sh -c "'$GATEWAYCTL' -c '$CONF' import programs '$TOP/data/programs.json' | grep -q '30 unchanged'"

dump() { sqlite3 "$WORK/gw.db" .dump | grep -v '^INSERT INTO audit\|sqlite_stat' | md5sum; }
before=$(dump)
printf '[{"code": "BHYT", "title_vi": "Bị sửa", "summary_vi": "x"}, {"code": "X-1", "summary_vi": "no title"}]' >"$WORK/broken.json"
out=$("$GATEWAYCTL" -c "$CONF" import programs "$WORK/broken.json" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q 'record 2 (X-1): title_vi: missing'; then pass "broken import names record and field"; else fail "broken import names record and field" "$out"; fi
printf '{"programs": [ {"code": "BHYT",' >"$WORK/truncated.json"
check "truncated JSON refused" sh -c "! '$GATEWAYCTL' -c '$CONF' import programs '$WORK/truncated.json' 2>/dev/null"
printf '\xff\xfe{"jobs":[]}' >"$WORK/badenc.json"
check "bad encoding refused" sh -c "! '$GATEWAYCTL' -c '$CONF' import jobs '$WORK/badenc.json' 2>/dev/null"
after=$(dump)
if [ "$before" = "$after" ]; then pass "broken imports left the database exactly as it was"; else fail "database unchanged" "dump differs"; fi

check "keyword add" "$GATEWAYCTL" -c "$CONF" keyword add CS 'bao hiem xa hoi'
check "colliding keyword refused" sh -c "'$GATEWAYCTL' -c '$CONF' keyword add CS huy 2>&1 | grep -q 'belongs to STOP'"
check "keyword list" sh -c "'$GATEWAYCTL' -c '$CONF' keyword list | grep -q 'bao hiem xa hoi'"
# init loads the shipped lexicon again (an upgrade's new words) and keeps
# what the administrator did: their alias, and a shipped one they removed
check "keyword remove" "$GATEWAYCTL" -c "$CONF" keyword remove 'chinhsach'
check "init again keeps the administrator's keyword changes" sh -c "'$GATEWAYCTL' -c '$CONF' init | grep -q 'kept as the administrator set them' && '$GATEWAYCTL' -c '$CONF' keyword list | grep -q 'bao hiem xa hoi' && ! '$GATEWAYCTL' -c '$CONF' keyword list | grep -q 'chinhsach'"

json=$("$GATEWAYCTL" -c "$CONF" simulate --json --from 0912345678 'CS BHYT')
if echo "$json" | python3 -c '
import json,sys
o=json.load(sys.stdin)
assert o["intent"]=="policy", o
assert o["ref"]=="BHYT", o
assert len(o["replies"])==1 and o["parts"]>=1 and o["encoding"] in ("gsm7","ucs2"), o
'; then pass "simulate --json CS BHYT"; else fail "simulate --json CS BHYT" "$json"; fi
check "simulate plain text" sh -c "'$GATEWAYCTL' -c '$CONF' simulate 'HELP' | grep -q 'CS'"
check "simulate --at validated" sh -c "! '$GATEWAYCTL' -c '$CONF' simulate --at 'tomorrow' 'HEN' 2>/dev/null"
check "simulate rejects invalid UTF-8" sh -c "! '$GATEWAYCTL' -c '$CONF' simulate \"\$(printf 'CS \\377')\" 2>/dev/null"
check "simulate rejects a bad phone" sh -c "! '$GATEWAYCTL' -c '$CONF' simulate --from 'abc' HELP 2>/dev/null"
check "SQL metacharacters are just text" sh -c "'$GATEWAYCTL' -c '$CONF' simulate \"CS '; DROP TABLE programs; --\" >/dev/null && sqlite3 '$WORK/gw.db' 'SELECT count(*) FROM programs' | grep -q 30"
check "status prints modem and queues" sh -c "'$GATEWAYCTL' -c '$CONF' status | grep -q 'Queues'"
check "ussd rejects a non-code" sh -c "'$GATEWAYCTL' -c '$CONF' ussd 'rm -rf' 2>/dev/null; test \$? -eq 2"
finish
