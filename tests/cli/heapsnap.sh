#!/usr/bin/env bash
# heapsnap.sh - CLI tests for heapsnap: exact exit codes and outputs.
# Usage: heapsnap.sh PATH/TO/heapsnap PATH/TO/tests/fixtures
set -u
HS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- usage ----
run help 0 "$HS" --help && has help "$T/out" "Usage: heapsnap COMMAND"
run version 0 "$HS" --version && same version "$T/out" "heapsnap (v8a) $("$HS" --version | awk '{print $3}')"
run no-args 2 "$HS"
run unknown-command 2 "$HS" bogus &&
    same unknown-command "$T/err" "heapsnap: unknown command 'bogus'
Try 'heapsnap --help'."
run unknown-option 2 "$HS" import --bogus x &&
    same unknown-option "$T/err" "heapsnap import: unknown option '--bogus'
Try 'heapsnap import --help'."
run import-help 0 "$HS" import --help && has import-help "$T/out" "Usage: heapsnap import"
run help-command 0 "$HS" help sql && has help-command "$T/out" "Usage: heapsnap sql"
run missing-operand 2 "$HS" import &&
    same missing-operand "$T/err" "heapsnap import: missing SNAPSHOT
Try 'heapsnap import --help'."
run bad-format 2 "$HS" info -f yaml "$FX/hand/six-fields.heapsnapshot"
run bad-size 2 "$HS" import --max-string lots "$FX/hand/six-fields.heapsnapshot"

# ---- import ----
cd "$FX" || exit 2
run import 0 "$HS" import -q hand/six-fields.heapsnapshot -o "$T/six.v8adb" &&
    { [ -s "$T/out" ] || [ -s "$T/err" ]; } && { echo "FAIL import-quiet: printed something"; fails=$((fails + 1)); }
[ -f "$T/six.v8adb" ] || { echo "FAIL import: no database"; fails=$((fails + 1)); }
run import-gz 0 "$HS" import app-before.heapsnapshot.gz -o "$T/before.v8adb" &&
    has import-gz "$T/err" "wrote $T/before.v8adb: 42646 nodes"
run import-stdin 0 sh -c "cat hand/seven-fields.heapsnapshot | '$HS' import -q - -o '$T/stdin.v8adb'"
(cd "$T" && run import-default-name 0 "$HS" import -q "$FX/hand/empty-arrays.heapsnapshot") &&
    [ -f "$T/empty-arrays.v8adb" ] || { echo "FAIL import-default-name"; fails=$((fails + 1)); }

# ---- info ----
run info-raw 0 "$HS" info hand/six-fields.heapsnapshot &&
    same info-raw "$T/out" "file:                 hand/six-fields.heapsnapshot
kind:                 heap snapshot (header only; --full for more)
file_size:            1.5 KiB
compressed:           no
node_fields:          type,name,id,self_size,edge_count,detachedness
edge_fields:          type,name_or_index,to_node
location_fields:      object_index,script_id,line,column
node_types:           15
node_count:           10
edge_count:           17
trace_function_count: 0
extra_native_bytes:   -"
run info-full-json 0 "$HS" info --full -f json hand/seven-fields.heapsnapshot &&
    has info-full-json "$T/out" '"extra_native_bytes": 12345' &&
    has info-full-json "$T/out" '"string_count": 19'
run info-db-csv 0 "$HS" info -f csv "$T/six.v8adb" &&
    has info-db-csv "$T/out" "^node_count,10" && has info-db-csv "$T/out" "^kind,v8a database"
run info-markdown 0 "$HS" info -f markdown hand/six-fields.heapsnapshot &&
    has info-markdown "$T/out" "^| node_count | 10 |"
run info-output 0 "$HS" info -o "$T/info.json" -f json "$T/six.v8adb" &&
    has info-output "$T/info.json" '"node_count": 10'

# ---- sql ----
run sql-csv 0 "$HS" sql "$T/six.v8adb" -f csv "SELECT id, type, name FROM nodes ORDER BY id LIMIT 3" &&
    same sql-csv "$T/out" "$(printf 'id,type,name\r\n1,synthetic,\r\n2,native,Detached HTMLDivElement\r\n3,synthetic,(GC roots)\r')"
run sql-edges 0 "$HS" sql "$T/six.v8adb" "SELECT count(*) AS n FROM edges WHERE from_id = 1" &&
    same sql-edges "$T/out" "n
2"
# a raw file's cache entry is written without the row tables; the first SQL
# on it replaces the entry with one that has them
run sql-raw-summary-first 0 "$HS" summary hand/six-fields.heapsnapshot
run sql-raw-cached 0 "$HS" sql hand/six-fields.heapsnapshot "SELECT count(*) FROM nodes" &&
    same sql-raw-cached "$T/out" "count(*)
10"
ls "$T/cache/v8a/"*.v8adb >/dev/null 2>&1 || { echo "FAIL sql-raw-cached: no cache file"; fails=$((fails + 1)); }
[ "$(ls "$T/cache/v8a/" | wc -l)" = 1 ] || { echo "FAIL sql-raw-cached: not one cache file"; fails=$((fails + 1)); }
run sql-raw-again 0 "$HS" sql hand/six-fields.heapsnapshot "SELECT count(*) AS n FROM strings" &&
    same sql-raw-again "$T/out" "n
21"
# the rows added to the cache entry are the rows an import writes
Q="SELECT * FROM nodes ORDER BY id; SELECT * FROM strings ORDER BY sid"
run sql-rows-import 0 "$HS" sql -f csv "$T/six.v8adb" "$Q" && cp "$T/out" "$T/rows-import"
run sql-rows-added 0 "$HS" sql -f csv hand/six-fields.heapsnapshot "$Q" &&
    cmp -s "$T/out" "$T/rows-import" || { echo "FAIL sql-rows-added: differs from the import's"; fails=$((fails + 1)); }
Q="SELECT id, ordinal, type, name, self_size, edge_count, class, shallow_size, retained_size, distance, dominator_id FROM nodes ORDER BY id"
run sql-nodes-import 0 "$HS" sql -f csv "$T/six.v8adb" "$Q" && cp "$T/out" "$T/nodes-import"
run sql-nodes-added 0 "$HS" sql -f csv hand/six-fields.heapsnapshot "$Q" &&
    cmp -s "$T/out" "$T/nodes-import" || { echo "FAIL sql-nodes-added: differs from the import's"; fails=$((fails + 1)); }
# --no-rows: the analysis commands work, SQL is refused with a way out
run import-no-rows 0 "$HS" import -q --no-rows -o "$T/lean.v8adb" hand/six-fields.heapsnapshot
run lean-summary 0 "$HS" summary -f csv "$T/lean.v8adb" &&
    "$HS" summary -f csv hand/six-fields.heapsnapshot | diff -q - "$T/out" >/dev/null ||
    { echo "FAIL lean-summary: differs from the snapshot's"; fails=$((fails + 1)); }
run lean-sql 2 "$HS" sql "$T/lean.v8adb" "SELECT count(*) FROM nodes" &&
    same lean-sql "$T/err" "heapsnap sql: $T/lean.v8adb: a database imported with --no-rows has no row tables (nodes, strings): query the snapshot itself, or import it again without --no-rows"
run sql-json 0 "$HS" sql -f json "$T/six.v8adb" "SELECT 1 AS one, 'x' AS s, NULL AS z" &&
    same sql-json "$T/out" '[
  {
    "one": 1,
    "s": "x",
    "z": null
  }
]'
run sql-readonly 2 "$HS" sql "$T/six.v8adb" "DELETE FROM strings" &&
    has sql-readonly "$T/err" "readonly"
run sql-syntax 2 "$HS" sql "$T/six.v8adb" "SELEC 1" && has sql-syntax "$T/err" "SQL error"

# ---- summary, stats ----
run summary-text 0 "$HS" summary hand/six-fields.heapsnapshot &&
    same summary-text "$T/out" "class                             count  distance  shallow_size      %  retained_size       %
global                                1         1          72 B  19.6%          368 B  100.0%
Session                               1         3          40 B  10.9%          160 B   43.5%
Detached Detached HTMLDivElement      1         4         120 B  32.6%          120 B   32.6%
(system)                              1         2          48 B  13.0%           80 B   21.7%
Function                              2         2          64 B  17.4%           64 B   17.4%
(string)                              1         2          24 B   6.5%           24 B    6.5%"
run summary-json 0 "$HS" summary -f json --top 1 --sort count hand/six-fields.heapsnapshot &&
    same summary-json "$T/out" '[
  {
    "class": "Function",
    "count": 2,
    "distance": 2,
    "shallow_size": 64,
    "retained_size": 64
  }
]'
run summary-class 0 "$HS" summary -f csv --class '^Leak' app-after.heapsnapshot.gz &&
    same summary-class "$T/out" "$(printf 'class,count,distance,shallow_size,retained_size\r\nLeakRecord,2100,3,100800,2889600\r')"
run summary-raw 0 "$HS" summary --raw-sizes -f csv --top 1 app-after.heapsnapshot.gz &&
    has summary-raw "$T/out" "^global,2,1,72,18979867"
run summary-bad-regex 2 "$HS" summary --class 'Leak(' app-after.heapsnapshot.gz &&
    same summary-bad-regex "$T/err" "heapsnap summary: --class: regex error at offset 5: missing closing parenthesis
Try 'heapsnap summary --help'."
run summary-bad-sort 2 "$HS" summary --sort size app-after.heapsnapshot.gz
run summary-bad-top 2 "$HS" summary --top -3 app-after.heapsnapshot.gz
run stats 0 "$HS" stats -f json app-after.heapsnapshot.gz &&
    has stats "$T/out" '"total": 19536870' && has stats "$T/out" '"typed_arrays": 15321461'

# ---- dominators, retainers, strings ----
run dominators 0 "$HS" dominators -f csv --top 1 --depth 1 --children 2 app-after.heapsnapshot.gz &&
    same dominators "$T/out" "$(printf 'rank,depth,class,id,shallow_size,retained_size\r\n1,0,global,6049,8736,18979867\r\n1.1,1,Map,50981,7240,13156040\r\n1.2,1,Array,50739,23600,2913512\r')"
run retainers-class 0 "$HS" retainers app-after.heapsnapshot.gz --class '^CacheEntry$' -f csv &&
    same retainers-class "$T/out" "$(printf 'count,retained_size,path\r\n500,71200,global.cache > Map<table> > (array)[] > CacheEntry\r')"
run retainers-id 0 "$HS" retainers app-after.heapsnapshot.gz @124591 -f csv &&
    same retainers-id "$T/out" "$(printf 'path,hop,edge,class,id,distance,retained_size\r\n1,0,,(synthetic),1,100000000,19536870\r\n1,1,->2,global,6049,1,18979867\r\n1,2,.cache,Map,50957,2,98136\r\n1,3,<table>,(array),106259,3,83728\r\n1,4,<1160>,CacheEntry,124591,4,144\r')"
run retainers-no-id 2 "$HS" retainers app-after.heapsnapshot.gz @2 &&
    same retainers-no-id "$T/err" "heapsnap retainers: app-after.heapsnapshot.gz: no node @2"
run retainers-both 2 "$HS" retainers app-after.heapsnapshot.gz @3 --class x
run retainers-bad-id 2 "$HS" retainers app-after.heapsnapshot.gz @x12
run strings 0 "$HS" strings -f csv --top 2 app-after.heapsnapshot.gz &&
    same strings "$T/out" "$(printf 'string,count,total_size,wasted_size\r\nget [kIsNodeError],276,11040,11000\r\nget constructor,300,9600,9568\r')"
run dominators-bad-depth 2 "$HS" dominators --depth 99 app-after.heapsnapshot.gz

# ---- bad input: exit 2, one line naming the file, no database left ----
for f in bad/*.heapsnapshot bad/*.gz hand/raw-invalid-utf8.heapsnapshot; do
    out="$T/bad.v8adb"
    if run "bad:$f" 2 "$HS" import -q "$f" -o "$out"; then
        [ "$(wc -l <"$T/err")" = 1 ] || { echo "FAIL bad:$f: not one line"; fails=$((fails + 1)); }
        has "bad:$f" "$T/err" "^heapsnap import: $f: "
        [ -e "$out" ] && { echo "FAIL bad:$f: database left"; fails=$((fails + 1)); }
        ls "$T" | grep -q '\.tmp\.' && { echo "FAIL bad:$f: temporary left"; fails=$((fails + 1)); }
    fi
done
run bad-exact 2 "$HS" import bad/to-node-out-of-range.heapsnapshot -o "$T/x.v8adb" &&
    same bad-exact "$T/err" "heapsnap import: bad/to-node-out-of-range.heapsnapshot: byte 1028: edge 3: to_node 60 points past the last node (10 nodes)"
run bad-truncated 2 "$HS" info --full bad/trunc-strings.heapsnapshot &&
    same bad-truncated "$T/err" "heapsnap info: bad/trunc-strings.heapsnapshot: byte 1364: unexpected end of input in \"strings\" (file truncated?)"
run missing-file 2 "$HS" import nonexistent.heapsnapshot -o "$T/x.v8adb" &&
    same missing-file "$T/err" "heapsnap import: nonexistent.heapsnapshot: No such file or directory"
run bad-db 2 "$HS" sql bad/not-json.heapsnapshot "SELECT 1"

# ---- show: one object ----
# a detached DOM node is detached whether the analysis was just made (a raw
# snapshot's first open) or read back from a database (the state is not
# stored: it is redone on load)
run show-detached-raw 0 "$HS" show --no-cache hand/six-fields.heapsnapshot @2 &&
    has show-detached-raw "$T/out" "^detached:      yes"
run show-detached-db 0 "$HS" show "$T/six.v8adb" @2 && has show-detached-db "$T/out" "^detached:      yes"
run show 0 "$HS" show app-after.heapsnapshot.gz @50981 --limit 2 && same show "$T/out" "id:            50981
class:         Map
type:          object
name:          Map
shallow_size:  7.1 KiB
retained_size: 12.5 MiB
distance:      2
detached:      no
dominator:     global @6049
location:      -
value:         -

Holds (3 edges, by retained size)
depth  edge        class        id  shallow_size  retained_size  value
    1  <table>     (array)  111665           0 B       12.5 MiB  -
    1  .__proto__  Map       43843         144 B          144 B  -

Held by (2 retainers, nearest to the roots first)
edge        class        id  distance  retained_size  weak
.blobCache  global     6049         1       18.1 MiB  
<value>     (system)  51271         3           32 B  

Dominators, up to the root
class          id  retained_size
global       6049       18.1 MiB
(synthetic)     1       18.6 MiB"
run show-tree 0 "$HS" show app-after.heapsnapshot.gz @50981 --limit 3 --depth 2 -f csv &&
    has show-tree "$T/out" '^2,  <132>,Buffer,125433,96,65720,'
run show-cycle 0 "$HS" show app-after.heapsnapshot.gz @77041 --depth 3 --limit 3 -f csv &&
    has show-cycle "$T/out" '^3,    ::LeakRecord (cycle),Function,75193,88,1984,LeakRecord'
run show-record 0 "$HS" show app-after.heapsnapshot.gz @77073 --limit 1 &&
    has show-record "$T/out" "^location:      script 82, line 50, column 14$"
run show-string 0 "$HS" show app-after.heapsnapshot.gz @6215 --limit 1 &&
    has show-string "$T/out" '^value:         "// app-leak.js - fixture generator' && has show-string-name "$T/out" '^name:          -$'
run show-json 0 "$HS" show app-after.heapsnapshot.gz 50981 -f json --limit 1 &&
    has show-json "$T/out" '"dominator_id": 6049' && has show-json-weak "$T/out" '"weak": false'
run show-markdown 0 "$HS" show app-after.heapsnapshot.gz @50981 -f markdown --limit 1 &&
    has show-markdown "$T/out" '^## Map @50981$'
run show-missing 2 "$HS" show app-after.heapsnapshot.gz @999999999 &&
    same show-missing "$T/err" "heapsnap show: app-after.heapsnapshot.gz: no node @999999999"
run show-no-id 2 "$HS" show app-after.heapsnapshot.gz && same show-no-id "$T/err" "heapsnap show: missing @ID
Try 'heapsnap show --help'."
run show-bad-id 2 "$HS" show app-after.heapsnapshot.gz @-1 && same show-bad-id "$T/err" "heapsnap show: '@-1' is not a node id (@123)
Try 'heapsnap show --help'."
run show-bad-depth 2 "$HS" show app-after.heapsnapshot.gz @1 --depth 0

# ---- output failures leave nothing ----
run out-dev-full 2 "$HS" info -o /dev/full hand/six-fields.heapsnapshot && has out-dev-full "$T/err" "write error"
run out-no-dir 2 "$HS" info -o "$T/no/such/dir/x.txt" hand/six-fields.heapsnapshot
run import-no-dir 2 "$HS" import hand/six-fields.heapsnapshot -o "$T/no/such/x.v8adb"

finish
