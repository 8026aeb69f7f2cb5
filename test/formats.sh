#!/bin/sh
# SPDX-License-Identifier: MIT
# formats.sh - the machine formats hold up against what reads them, and JSON
# round-trips as a baseline.
#
#   SARIF   valid against the official OASIS SARIF 2.1.0 schema
#           (test/schemas/sarif-2.1.0.json, with python3-jsonschema), and
#           against Microsoft's SARIF multitool when it is installed
#           (SARIF_MULTITOOL=path, or Sarif.Multitool on PATH); regions and
#           columns agree with the bytes; its fixes, applied, give exactly
#           what `hook-run fix` writes; one rule per rule id with the text
#           of `hook-run explain` as help.
#   JUnit   valid against Jenkins' JUnit schema (test/schemas/junit-10.xsd,
#           with xmllint from libxml2-utils), whatever bytes the input holds.
#   GitLab  the fields GitLab requires, lines >= 1, unique fingerprints that
#           survive moved lines (the same as SARIF's).
#   GitHub  well-formed workflow commands whose escaping undoes to the input.
#   JSON    as a baseline: check -> json -> --baseline json is clean; a new
#           finding shows alone; moved lines stay hidden; duplicates count.
#   text    colour only when asked, or on a terminal without NO_COLOR.
#
# The validators come from Debian packages (test/run.sh installs them):
# python3-jsonschema and libxml2-utils. Missing, they fail the test under
# CI (CI=true) and are skipped, visibly, elsewhere.
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/test/lib.sh"

schemas=$TOP_SRCDIR/test/schemas

# a python3 that has jsonschema: Debian's first (python3-jsonschema)
PYTHON=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PYTHON=$p
		break
	fi
done
MULTITOOL=${SARIF_MULTITOOL:-$(command -v Sarif.Multitool 2>/dev/null || true)}

# needs WHAT TOOL: true when TOOL is there; otherwise a failing test under
# CI, a skipped one elsewhere
needs() {
	if [ -n "$2" ]; then
		return 0
	fi
	if [ "${CI:-}" = true ]; then
		test_expect_success "$1" 'echo "missing: $1 (see the top of test/formats.sh)" >&2; false'
	else
		test_skip "$1" "not installed (see the top of test/formats.sh)"
	fi
	return 1
}

# a Dockerfile with something for every part of the formats: a BOM, a
# multi-byte character before a column, a suppression with a reason, a safe
# fix, a finding without a fix, an information-level finding
write_sample() {
	printf '\357\273\277# syntax=docker/dockerfile:1\nFROM alpine AS b\303\244se\n' >"$1"
	printf 'COPY --from=b\303\244se --link=yes /a /b\n' >>"$1"
	printf '# check=skip=LinkChownByName // ids come from the base image\n' >>"$1"
	printf 'COPY --from=b\303\244se --link --chown=app /a /c\n' >>"$1"
	printf 'COPY --from=b\303\244se --link --chmod=755 /a /d\n' >>"$1"
	printf 'COPY --from=b\303\244se /a /e\n' >>"$1"
	printf 'COPY --chown=app x /tmp/\n' >>"$1"
}

# files that stress escaping: odd names (spaces, commas, colons, percent
# signs, invalid UTF-8) and control characters in the content
write_odd() {
	mkdir -p odd
	printf 'FROM alpine\nCOPY --chown="a<b>&\047c\047\001%%:," x /y\n' >"odd/a b,c:d%.Dockerfile"
	printf 'FROM alpine\nCOPY a /b\n' >"$(printf 'odd/bad\377name.Dockerfile')"
	printf '# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --link a /b\n' >odd/clean.Dockerfile
}

# hr COMMAND ARGS...: hook-run without configuration files
hr() {
	cmd=$1
	shift
	"$HOOK_RUN" "$cmd" --no-config "$@"
}

# ---- SARIF -------------------------------------------------------------

sarif_valid() {
	"$PYTHON" "$schemas/validate.py" "$schemas/sarif-2.1.0.json" "$1"
}

if needs "sarif: valid against the SARIF 2.1.0 schema (python3-jsonschema)" "$PYTHON"; then
	test_expect_success 'sarif: the schema validator rejects a broken log' '
		write_sample Dockerfile &&
		test_expect_code 1 hr check --format sarif Dockerfile >log.sarif &&
		sed "s/\"level\": \"note\"/\"level\": \"notice\"/" log.sarif >broken.sarif &&
		! cmp -s log.sarif broken.sarif &&
		test_expect_code 1 sarif_valid broken.sarif >errors &&
		grep -q "notice" errors
	'
	test_expect_success 'sarif: check output is schema-valid' '
		write_sample Dockerfile &&
		test_expect_code 1 hr check --format sarif Dockerfile >log.sarif &&
		sarif_valid log.sarif
	'
	test_expect_success 'sarif: fix output is schema-valid' '
		write_sample Dockerfile &&
		test_expect_code 1 hr fix --format sarif Dockerfile >log.sarif &&
		sarif_valid log.sarif
	'
	test_expect_success 'sarif: odd file names, files not judged, no findings, no files' '
		write_odd &&
		printf "FROM alpine\nCOPY a /b\n" >big.Dockerfile &&
		test_expect_code 1 hr check --format sarif odd >odd.sarif && sarif_valid odd.sarif &&
		test_expect_code 1 hr check --max-size 10 --format sarif big.Dockerfile >big.sarif &&
		sarif_valid big.sarif &&
		hr check --format sarif odd/clean.Dockerfile >clean.sarif && sarif_valid clean.sarif &&
		mkdir empty && hr check --format sarif empty >empty.sarif && sarif_valid empty.sarif &&
		grep -q "a%20b%2Cc%3Ad%25.Dockerfile" odd.sarif &&
		grep -q "bad%FFname.Dockerfile" odd.sarif
	'
fi

if [ -n "$MULTITOOL" ]; then
	test_expect_success 'sarif: the SARIF multitool finds no error' '
		write_sample Dockerfile && write_odd &&
		test_expect_code 1 hr check --format sarif Dockerfile odd >log.sarif &&
		"$MULTITOOL" validate -o result.sarif log.sarif >mt.out 2>&1 &&
		cat mt.out &&
		grep -q "Analysis completed successfully" mt.out &&
		! grep ": error " mt.out
	'
else
	test_skip "sarif: the SARIF multitool finds no error" \
		"no Sarif.Multitool (npm @microsoft/sarif-multitool-linux; set SARIF_MULTITOOL)"
fi

# sarif_check.py LOG DOCKERFILE: every region's line/column (code points, no
# BOM) and byte range name the same text
cat >"$TEST_TMP/sarif_regions.py" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
text = data.decode("utf-8", "replace")
bom = 1 if text.startswith("\ufeff") else 0
lines = text[bom:].split("\n")
checked = 0
for res in log["runs"][0]["results"]:
    reg = res["locations"][0]["physicalLocation"].get("region")
    if not reg or "startColumn" not in reg:
        continue
    line = lines[reg["startLine"] - 1]
    by_cols = line[reg["startColumn"] - 1:reg["endColumn"] - 1]
    by_bytes = data[reg["byteOffset"]:reg["byteOffset"] + reg["byteLength"]].decode("utf-8", "replace")
    if by_cols != by_bytes.lstrip("\ufeff"):
        sys.exit("%s: columns say %r, bytes say %r" % (res["ruleId"], by_cols, by_bytes))
    checked += 1
if checked < 3:
    sys.exit("only %d regions checked" % checked)
print("%d regions agree" % checked)
EOF

# sarif_fixes.py LOG IN OUT: apply the fixes that apply, write OUT
cat >"$TEST_TMP/sarif_fixes.py" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
edits = []
for res in log["runs"][0]["results"]:
    for fix in res.get("fixes", []):
        if not fix["properties"]["applies"]:
            continue
        for change in fix["artifactChanges"]:
            for r in change["replacements"]:
                d = r["deletedRegion"]
                edits.append((d["byteOffset"], d["byteLength"], r["insertedContent"]["text"].encode()))
for off, length, new in sorted(edits, reverse=True):
    data = data[:off] + new + data[off + length:]
open(sys.argv[3], "wb").write(data)
print("%d edits" % len(edits))
EOF

test_expect_success 'sarif: columns count code points and agree with the byte range' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format sarif Dockerfile >log.sarif &&
	python3 "$TEST_TMP/sarif_regions.py" log.sarif Dockerfile &&
	grep -q "\"columnKind\": \"unicodeCodePoints\"" log.sarif &&
	grep -q "\"startColumn\": 18" log.sarif
'

test_expect_success 'sarif: its fixes, applied, give what hook-run fix writes' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format sarif Dockerfile >log.sarif &&
	python3 "$TEST_TMP/sarif_fixes.py" log.sarif Dockerfile expected >edits &&
	grep -q "^2 edits" edits &&
	test_expect_code 1 hr fix -q Dockerfile >/dev/null &&
	cmp expected Dockerfile
'

test_expect_success 'sarif: one rule per rule id, help is hook-run explain' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format sarif Dockerfile >log.sarif &&
	"$HOOK_RUN" explain --list | awk "{ print \$1 }" >ids &&
	python3 -c "
import json, sys
rules = json.load(open(\"log.sarif\"))[\"runs\"][0][\"tool\"][\"driver\"][\"rules\"]
for i, r in enumerate(rules):
    print(r[\"id\"])
    open(\"help.%d\" % i, \"w\").write(r[\"help\"][\"text\"])
" >sarif-ids &&
	test_cmp ids sarif-ids &&
	i=0 && for id in $(cat ids); do
		"$HOOK_RUN" explain "$id" >explain.txt &&
		test_cmp explain.txt help.$i || return 1
		i=$((i + 1))
	done &&
	python3 -c "
import json
log = json.load(open(\"log.sarif\"))
rules = log[\"runs\"][0][\"tool\"][\"driver\"][\"rules\"]
for res in log[\"runs\"][0][\"results\"]:
    assert rules[res[\"ruleIndex\"]][\"id\"] == res[\"ruleId\"], res
"
'

# ---- fingerprints ------------------------------------------------------

# fingerprints.py FORMAT LOG: the fingerprints, sorted
cat >"$TEST_TMP/fingerprints.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[2]))
if sys.argv[1] == "sarif":
    fps = [r["partialFingerprints"]["hookRun/v1"] for r in doc["runs"][0]["results"]
           if not r.get("suppressions")]
else:
    fps = [i["fingerprint"] for i in doc]
for f in sorted(fps):
    print(f)
EOF

test_expect_success 'fingerprints: stable across moved lines, unique, the same in SARIF and GitLab' '
	printf "FROM alpine\nCOPY a /b\nCOPY a /b\nCOPY --chown=app c /d\n" >Dockerfile &&
	test_expect_code 1 hr check --format gitlab Dockerfile >before.json &&
	test_expect_code 1 hr check --format sarif Dockerfile >before.sarif &&
	printf "FROM alpine\nRUN true\n\nCOPY --chown=app c /d\nCOPY a /b\nRUN x\nCOPY a /b\n" >Dockerfile &&
	test_expect_code 1 hr check --format gitlab Dockerfile >after.json &&
	python3 "$TEST_TMP/fingerprints.py" gitlab before.json >fp.before &&
	python3 "$TEST_TMP/fingerprints.py" gitlab after.json >fp.after &&
	python3 "$TEST_TMP/fingerprints.py" sarif before.sarif >fp.sarif &&
	test $(wc -l <fp.before) = 4 &&
	test $(sort -u fp.before | wc -l) = 4 &&
	test_cmp fp.before fp.after &&
	test_cmp fp.before fp.sarif
'

# ---- GitLab ------------------------------------------------------------

test_expect_success 'gitlab: the fields GitLab requires, for every finding' '
	write_sample Dockerfile && write_odd &&
	printf "FROM alpine\nCOPY a /b\n" >big.Dockerfile &&
	test_expect_code 1 hr check --max-size 300 --format gitlab Dockerfile odd big.Dockerfile >cq.json &&
	test_expect_code 1 hr check --max-size 10 --format gitlab big.Dockerfile >big.json &&
	python3 -c "
import json
for name in (\"cq.json\", \"big.json\"):
    issues = json.load(open(name))
    assert isinstance(issues, list) and issues, name
    fps = set()
    for i in issues:
        for key in (\"description\", \"check_name\", \"fingerprint\", \"severity\"):
            assert isinstance(i[key], str) and i[key], (key, i)
        assert i[\"severity\"] in (\"info\", \"minor\", \"major\", \"critical\", \"blocker\"), i
        assert isinstance(i[\"location\"][\"path\"], str) and i[\"location\"][\"path\"], i
        assert not i[\"location\"][\"path\"].startswith(\"./\"), i
        assert isinstance(i[\"location\"][\"lines\"][\"begin\"], int), i
        assert i[\"location\"][\"lines\"][\"begin\"] >= 1, i
        assert i[\"fingerprint\"] not in fps, i
        fps.add(i[\"fingerprint\"])
    print(name, len(issues), \"issues\")
" &&
	grep -q "\"check_name\": \"UncheckableFile\"" big.json &&
	! grep -q LinkChownByName cq.json
'

# ---- JUnit -------------------------------------------------------------

junit_valid() {
	xmllint --noout --schema "$schemas/junit-10.xsd" "$1"
}

if needs "junit: valid against the JUnit schema (xmllint)" "$(command -v xmllint 2>/dev/null)"; then
	test_expect_success 'junit: the schema validator rejects a broken report' '
		write_sample Dockerfile &&
		test_expect_code 1 hr check --format junit Dockerfile >report.xml &&
		sed "s/ tests=\"1\"//" report.xml >broken.xml &&
		! cmp -s report.xml broken.xml &&
		! junit_valid broken.xml 2>/dev/null
	'
	test_expect_success 'junit: check and fix reports are valid, whatever the bytes' '
		write_sample Dockerfile && write_odd &&
		test_expect_code 1 hr check --format junit Dockerfile odd >check.xml &&
		junit_valid check.xml &&
		test_expect_code 1 hr fix --format junit Dockerfile odd >fix.xml &&
		junit_valid fix.xml &&
		grep -q "tests=\"4\" failures=\"3\"" check.xml &&
		grep -q "name=\"odd/a b,c:d%.Dockerfile\"" check.xml &&
		grep -q "&lt;b&gt;&amp;" check.xml
	'
fi

# ---- GitHub ------------------------------------------------------------

test_expect_success 'github: well-formed commands whose escaping undoes to the input' '
	write_sample Dockerfile && write_odd &&
	test_expect_code 1 hr check --format github Dockerfile odd >gh.out &&
	python3 -c "
import re
def undo(s):
    return s.replace(\"%0A\", \"\n\").replace(\"%0D\", \"\r\").replace(\"%3A\", \":\").replace(\"%2C\", \",\").replace(\"%25\", \"%\")
n = 0
files = set()
for line in open(\"gh.out\", encoding=\"utf-8\", errors=\"replace\"):
    line = line.rstrip(\"\n\")
    if not line.startswith(\"::\"):
        assert line.startswith(\"hook-run: \"), line
        continue
    m = re.fullmatch(r\"::(error|warning|notice) ([^:]*)::(.*)\", line)
    assert m, line
    props = dict(p.split(\"=\", 1) for p in m.group(2).split(\",\"))
    assert set(props) <= {\"file\", \"line\", \"endLine\", \"col\", \"endColumn\", \"title\"}, props
    for k in (\"line\", \"endLine\", \"col\", \"endColumn\"):
        if k in props:
            assert int(props[k]) >= 1, props
    if \"col\" in props:
        assert props[\"line\"] == props[\"endLine\"], props
        assert int(props[\"endColumn\"]) >= int(props[\"col\"]), props
    assert \"\r\" not in m.group(3)
    files.add(undo(props[\"file\"]))
    n += 1
assert \"odd/a b,c:d%.Dockerfile\" in files, files
assert \"Dockerfile\" in files, files
print(n, \"annotations\")
" &&
	grep -q "^::notice file=Dockerfile,line=6,endLine=6,col=18,endColumn=23,title=LinkIneffectiveWithChmod::" gh.out &&
	grep -q "^::error file=odd/a b%2Cc%3Ad%25.Dockerfile," gh.out &&
	grep -q "%0Ahint: " gh.out &&
	! grep -q "title=LinkChownByName" gh.out
'

# ---- JSON as a baseline ------------------------------------------------

test_expect_success 'baseline: check -> json -> --baseline json is clean' '
	write_sample Dockerfile &&
	printf "FROM alpine\nCOPY a /b\n" >other.Dockerfile &&
	test_expect_code 1 hr check --format json . >baseline.json &&
	hr check --baseline baseline.json . >out &&
	grep "hidden by the baseline" out &&
	grep -q "^hook-run: 2 files checked, 0 findings, 1 suppressed, 7 hidden by the baseline in 0.00s$" out &&
	test $(wc -l <out) = 1
'

test_expect_success 'baseline: a new finding shows alone' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format json Dockerfile >baseline.json &&
	printf "COPY --from=b\303\244se /new /f\n" >>Dockerfile &&
	test_expect_code 1 hr check -q --baseline baseline.json Dockerfile >out &&
	cat out &&
	test $(wc -l <out) = 1 &&
	grep -q "^Dockerfile:9:1: error: COPY without --link" out
'

test_expect_success 'baseline: moved lines stay hidden, paths match with or without ./' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format json Dockerfile >baseline.json &&
	printf "\357\273\277# syntax=docker/dockerfile:1\n# a comment\nFROM alpine AS b\303\244se\nCOPY --chown=app x /tmp/\n\nCOPY --from=b\303\244se /a /e\nCOPY --from=b\303\244se --link=yes /a /b\nRUN true\nCOPY --from=b\303\244se --link --chmod=755 /a /d\n" >Dockerfile &&
	hr check --baseline baseline.json ./Dockerfile >out &&
	cat out &&
	grep -q "0 findings, 5 hidden by the baseline" out
'

test_expect_success 'baseline: two recorded duplicates hide two, not three' '
	printf "FROM alpine\nCOPY a /b\nCOPY a /b\n" >Dockerfile &&
	test_expect_code 1 hr check --format json Dockerfile >baseline.json &&
	printf "FROM alpine\nCOPY a /b\nCOPY a /b\nCOPY a /b\n" >Dockerfile &&
	test_expect_code 1 hr check -q --baseline baseline.json Dockerfile >out &&
	cat out &&
	test $(wc -l <out) = 1 &&
	grep -q "^Dockerfile:4:1: error: COPY without --link: " out
'

test_expect_success 'baseline: a suppressed finding is not accepted debt' '
	printf "# syntax=docker/dockerfile:1\nFROM alpine\n# check=skip=CopyLinkMissing\nCOPY a /b\n" >Dockerfile &&
	hr check --format json Dockerfile >baseline.json &&
	printf "# syntax=docker/dockerfile:1\nFROM alpine\nCOPY a /b\n" >Dockerfile &&
	test_expect_code 1 hr check -q --baseline baseline.json Dockerfile >out &&
	grep -q "CopyLinkMissing" out
'

test_expect_success 'baseline: every format and fix honour it' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check --format json Dockerfile >baseline.json &&
	for f in text json sarif junit gitlab github; do
		hr check --baseline baseline.json --format $f Dockerfile >out.$f || return 1
	done &&
	grep -q "\"baselined\": 5" out.json &&
	python3 -c "
import json
results = json.load(open(\"out.sarif\"))[\"runs\"][0][\"results\"]
assert [r[\"ruleId\"] for r in results] == [\"LinkChownByName\"], results
assert results[0][\"suppressions\"][0][\"kind\"] == \"inSource\"
" &&
	grep -q "failures=\"0\"" out.junit &&
	test "$(cat out.gitlab)" = "[]" &&
	! grep -q "^::" out.github &&
	grep -q "5 hidden by the baseline" out.github &&
	cp Dockerfile before &&
	hr fix --baseline baseline.json Dockerfile >out.fix &&
	grep -q "fixed 2 findings" out.fix &&
	! cmp -s before Dockerfile
'

test_expect_success 'baseline: an unreadable or foreign file is a usage error' '
	printf "FROM alpine\n" >Dockerfile &&
	test_expect_code 2 hr check --baseline missing.json Dockerfile 2>err &&
	grep -q "^hook-run: --baseline: " err &&
	echo "[]" >foreign.json &&
	test_expect_code 2 hr check --baseline foreign.json Dockerfile 2>err &&
	grep -q "not a hook-run JSON report" err &&
	echo "{\"version\": 2, \"files\": []}" >v2.json &&
	test_expect_code 2 hr check --baseline v2.json Dockerfile 2>err &&
	grep -q "version 2 is not supported" err
'

# ---- text --------------------------------------------------------------

test_expect_success 'text: no colour in a pipe, colour with --color, none with --no-color' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check Dockerfile >plain &&
	! grep -q "$(printf "\033")" plain &&
	test_expect_code 1 hr check --color Dockerfile >colour &&
	grep -q "$(printf "\033")\[31merror" colour &&
	test_expect_code 1 hr check --color --no-color Dockerfile >none &&
	test_cmp plain none
'

if ! command -v script >/dev/null 2>&1; then
	test_skip "text: colour on a terminal, none there with NO_COLOR or TERM=dumb" "no script(1)"
elif ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	test_skip "text: colour on a terminal, none there with NO_COLOR or TERM=dumb" "script(1) cannot get a pty here"
else
	test_expect_success 'text: colour on a terminal, none there with NO_COLOR or TERM=dumb' '
		write_sample Dockerfile &&
		cmd="\"$HOOK_RUN\" check --no-config" &&
		TERM=xterm script -qc "$cmd Dockerfile" /dev/null >tty.out &&
		grep -q "$(printf "\033")\[31merror" tty.out &&
		NO_COLOR=1 TERM=xterm script -qc "$cmd Dockerfile" /dev/null >nocolor.out &&
		grep -q "error" nocolor.out &&
		! grep -q "$(printf "\033")\[" nocolor.out &&
		TERM=dumb script -qc "$cmd Dockerfile" /dev/null >dumb.out &&
		grep -q "error" dumb.out &&
		! grep -q "$(printf "\033")\[" dumb.out &&
		NO_COLOR=1 TERM=xterm script -qc "$cmd --color Dockerfile" /dev/null >forced.out &&
		grep -q "$(printf "\033")\[31merror" forced.out
	'
fi

test_expect_success 'text: -q prints findings only, for check and fix' '
	write_sample Dockerfile &&
	test_expect_code 1 hr check -q Dockerfile >out &&
	test $(wc -l <out) = 5 &&
	! grep -v "^Dockerfile:[0-9]*:[0-9]*: " out &&
	test_expect_code 1 hr fix -q Dockerfile >out &&
	test $(wc -l <out) = 3 &&
	! grep -v "^Dockerfile:[0-9]*:[0-9]*: " out
'

# ---- the git commands, through the same reporter -----------------------

# like test_expect_success, but a failure is expected (TAP TODO); a pass is
# reported as unexpected, so the marker gets removed
test_expect_todo() {
	test_count=$((test_count + 1))
	dir="$TEST_TMP/t$test_count"
	mkdir -p "$dir"
	if (cd "$dir" && set -e && eval "$2") >"$TEST_TMP/out" 2>&1; then
		echo "ok $test_count - $1 # TODO now passes? remove the marker: $3"
	else
		echo "not ok $test_count - $1 # TODO $3"
		sed 's/^/# /' "$TEST_TMP/out"
	fi
}

# a repository whose main has a Dockerfile with findings staged, and a
# commit with it that no ref reaches yet (what a push brings)
git_fixture() {
	git init -q -b main repo && cd repo &&
	git commit -q --allow-empty -m root &&
	printf "FROM alpine\nCOPY a /b\n" >Dockerfile &&
	git add Dockerfile &&
	git commit -q -m add &&
	new=$(git rev-parse HEAD) && old=$(git rev-parse HEAD~1) &&
	git update-ref refs/heads/main "$old" &&
	git read-tree "$new"
}

# check_format FORMAT FILE: the report is one of FORMAT with findings
check_format() {
	case $1 in
	sarif)
		if [ -n "$PYTHON" ]; then sarif_valid "$2" || return 1; fi
		grep -q "\"ruleId\": \"CopyLinkMissing\"" "$2" ;;
	junit)
		if command -v xmllint >/dev/null 2>&1; then junit_valid "$2" || return 1; fi
		grep -q "<failure type=" "$2" ;;
	gitlab) grep -q "\"check_name\": \"CopyLinkMissing\"" "$2" ;;
	github) grep -q "^::error file=Dockerfile,line=2," "$2" ;;
	json) grep -q "\"version\": 1" "$2" && grep -q "\"rule\": \"CopyLinkMissing\"" "$2" ;;
	text) grep -q "Dockerfile:2:1: error: " "$2" ;;   # pre-receive: COMMIT:PATH
	esac
}

if command -v git >/dev/null 2>&1 && "$HOOK_RUN" pre-receive --help >/dev/null 2>&1; then
	test_expect_success 'git commands: audit, pre-commit and pre-receive in every format' '
		git_fixture &&
		for f in text json sarif junit gitlab github; do
			test_expect_code 1 hr audit --format $f "$new" >audit.$f &&
			check_format $f audit.$f &&
			test_expect_code 1 hr pre-commit --format $f >pre-commit.$f &&
			check_format $f pre-commit.$f &&
			echo "$old $new refs/heads/main" >updates &&
			test_expect_code 1 hr pre-receive --format $f <updates >pre-receive.$f &&
			check_format $f pre-receive.$f || return 1
		done &&
		grep -q "\"ref\": \"refs/heads/main\"" pre-receive.sarif &&
		grep -q "name=\"Dockerfile (refs/heads/main, " pre-receive.junit &&
		grep -q "::in commit " pre-receive.github
	'
	test_expect_success 'git commands: --baseline hides what the baseline records' '
		git_fixture &&
		test_expect_code 1 hr audit --format json "$new" >baseline.json &&
		hr audit --baseline baseline.json "$new" >out &&
		hr pre-commit --baseline baseline.json >out &&
		echo "$old $new refs/heads/main" | hr pre-receive --baseline baseline.json >out
	'
else
	test_skip "git commands: audit, pre-commit and pre-receive in every format" "no git or no git commands"
fi

# ---- memory ------------------------------------------------------------

if [ -n "${VALGRIND:-}" ]; then
	test_expect_success 'valgrind: every format, with a baseline, for check and fix' '
		write_sample Dockerfile && write_odd &&
		printf "FROM alpine\nCOPY a /b\n" >big.Dockerfile &&
		test_expect_code 1 hr check --format json Dockerfile >baseline.json &&
		for f in text json sarif junit gitlab github; do
			for cmd in check fix; do
				"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
					--errors-for-leak-kinds=definite "$HOOK_RUN" $cmd --no-config \
					--max-size 200 --baseline baseline.json --format $f . >out 2>vg.err
				code=$?
				if [ $code -ge 2 ]; then
					echo "$cmd --format $f: exit $code" >&2
					cat vg.err >&2
					return 1
				fi
			done
		done
	'
else
	test_skip "valgrind: every format, with a baseline, for check and fix" "VALGRIND is empty"
fi

test_done
