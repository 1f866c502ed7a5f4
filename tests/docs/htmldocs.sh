#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# htmldocs.sh - the rendered documentation is complete and warning-free:
#   - Documentation/ renders with scripts/htmldocs.sh (what `make htmldocs`
#     runs) without a single warning: Sphinx's own, a broken reference
#     (nitpicky) or one of kernel-doc's;
#   - every page (Documentation/**/*.rst) is reachable from index.html by
#     following links, and its text shows no reStructuredText markup that
#     docutils left as text without a warning (``literal`` or **strong**
#     next to other markup or after "..", a :role:`...`), one test each
#     per page;
#   - every fragment (Documentation/**/*.inc, e.g. a generated table) is
#     pulled into a page by an `.. include::` directive (one test each);
#   - every header with kernel-doc comments (uapi/heki/*.h,
#     vtl1/include/*.h) is pulled in by a `.. kernel-doc::` directive, and
#     every identifier kernel-doc documents in it has its anchor in the
#     HTML (one test per header);
#   - the build does fail: a tree with a broken reference, one with an
#     undocumented struct member and one with a page outside every toctree
#     are each refused (so the first test can fail).
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

OUT=build/check-htmldocs
HTML=$OUT/html
rm -rf "$OUT"
mkdir -p "$OUT"

# Every page, as a path relative to Documentation/ without .rst.
PAGES=$(cd Documentation && find . -name '*.rst' | sed 's|^\./||; s|\.rst$||' | sort)
# Fragments a page includes (Sphinx reads only .rst files as pages).
FRAGMENTS=$(cd Documentation && find . -name '*.inc' | sed 's|^\./||' | sort)
# Headers whose kernel-doc comments belong in the documentation.
HEADERS=$(grep -l '^/\*\*$' uapi/heki/*.h vtl1/include/*.h | sort)
ktap_plan $((1 + 2 * $(wc -w <<<"$PAGES") + $(wc -w <<<"$FRAGMENTS") + $(wc -w <<<"$HEADERS") + 3))

# 1. The real tree.
ok=1
bash scripts/htmldocs.sh "$HTML" >"$OUT/build.log" 2>&1 || ok=0
[ ! -s "$OUT/build.log" ] || ok=0
[ -f "$HTML/index.html" ] || ok=0
[ "$ok" = 1 ] || sed 's/^/#   /' "$OUT/build.log" | head -n 40
result $ok "Documentation/ renders without a warning"

# 2. Pages reachable from index.html (links followed, fragments dropped).
python3 - "$HTML" >"$OUT/reached" <<'EOF'
import html.parser, os, sys, urllib.parse
root = sys.argv[1]
class Links(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get('href') if tag == 'a' else None
        if href and '://' not in href and not href.startswith(('#', 'mailto:')):
            self.found.append(href)
seen, todo = set(), ['index.html']
while todo:
    page = todo.pop()
    if page in seen or not os.path.isfile(os.path.join(root, page)):
        continue
    seen.add(page)
    parser = Links()
    parser.found = []
    with open(os.path.join(root, page), encoding='utf-8') as f:
        parser.feed(f.read())
    for href in parser.found:
        path = urllib.parse.urlsplit(href).path
        if path.endswith('.html'):
            todo.append(os.path.normpath(os.path.join(os.path.dirname(page), path)))
print('\n'.join(sorted(seen)))
EOF
for p in $PAGES; do
	ok=0
	grep -qx "$p.html" "$OUT/reached" && ok=1
	result $ok "Documentation/$p.rst is reachable from index.html"
done

# Markup left as text: in the text of a page outside code and literals.
python3 - "$HTML" >"$OUT/markup" <<'EOF'
import glob, html.parser, os, re, sys
LEFT = re.compile(r'``|\*\*|:[a-z]+(:[a-z]+)?:`')
class Text(html.parser.HTMLParser):
    CODE = ('pre', 'code', 'tt', 'script', 'style')
    def __init__(self, page):
        super().__init__()
        self.page, self.depth = page, 0
    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.CODE
    def handle_endtag(self, tag):
        self.depth -= tag in self.CODE
    def handle_data(self, data):
        if self.depth == 0 and LEFT.search(data):
            print(self.page, ' '.join(data.split())[:100])
for path in sorted(glob.glob(os.path.join(sys.argv[1], '**', '*.html'), recursive=True)):
    page = os.path.relpath(path, sys.argv[1])
    with open(path, encoding='utf-8') as f:
        Text(page).feed(f.read())
EOF
for p in $PAGES; do
	ok=1
	if grep -q "^$p\.html " "$OUT/markup"; then
		ok=0
		grep "^$p\.html " "$OUT/markup" | head -n 5 | sed 's/^/#   /'
	fi
	result $ok "Documentation/$p.rst: no markup left as text"
done

# Fragments: included by the page in their own folder, by that name.
for f in $FRAGMENTS; do
	ok=0
	dir=$(dirname "$f")
	grep -qx "\.\. include:: $(basename "$f")" Documentation/"$dir"/*.rst 2>/dev/null && ok=1
	result $ok "Documentation/$f is included by a page"
done

# 3. Headers: pulled in, every kernel-doc identifier rendered.
KDOC=$(scripts/kernel-source.sh scripts/kernel-doc)/scripts/kernel-doc
cat "$HTML"/*.html 2>/dev/null | grep -o 'id="c\.[A-Za-z_0-9]*"' | sort -u >"$OUT/anchors"
for h in $HEADERS; do
	ok=1
	if ! grep -rqx "\.\. kernel-doc:: $h" Documentation; then
		ok=0
		echo "# no '.. kernel-doc:: $h' in Documentation/"
	fi
	names=$([ -n "$KDOC" ] && "$KDOC" -rst "$h" 2>/dev/null |
		sed -n 's/^\.\. c:\(struct\|union\|enum\|type\|macro\):: \([A-Za-z_0-9]*\).*/\2/p
			s/^\.\. c:function:: [^(]*[ *]\([A-Za-z_][A-Za-z_0-9]*\) *(.*/\1/p')
	[ -n "$names" ] || { ok=0; echo "# kernel-doc found no identifier in $h"; }
	missing=0
	for name in $names; do
		grep -qx "id=\"c\.$name\"" "$OUT/anchors" && continue
		missing=$((missing + 1))
		echo "# $h: $name is not rendered"
	done
	[ "$missing" = 0 ] || ok=0
	result $ok "$h: all $(wc -w <<<"$names") kernel-doc identifiers rendered"
done

# 4. Broken trees are refused. Each is a tiny Documentation-like tree under
# build/ (kernel-doc paths are relative to the repository root).
refused() { # NAME INDEX_RST HEADER_TEXT LOG_PATTERN
	local dir=$OUT/neg-$1
	mkdir -p "$dir/src"
	printf '%s\n' "$2" >"$dir/src/index.rst"
	[ -z "${3:-}" ] || printf '%s\n' "$3" >"$dir/bad.h"
	! bash scripts/htmldocs.sh "$dir/html" "$dir/src" >"$dir/log" 2>&1 &&
		grep -q "$4" "$dir/log"
}
ok=0
refused xref $'Title\n=====\n\nSee :c:func:`heki_no_such_function`.\n' '' \
	'reference target not found: heki_no_such_function' && ok=1
result $ok "a broken C cross-reference fails the build"

ok=0
refused member $'Title\n=====\n\n.. kernel-doc:: '"$OUT"$'/neg-member/bad.h\n' \
	$'/**\n * struct heki_bad - a struct\n * @a: documented\n */\nstruct heki_bad {\n\tint a;\n\tint b;\n};' \
	"member 'b' not described" && ok=1
result $ok "an undocumented struct member fails the build"

ok=0
mkdir -p "$OUT/neg-orphan/src"
printf 'Other\n=====\n' >"$OUT/neg-orphan/src/other.rst"
refused orphan $'Title\n=====\n' '' "document isn't included in any toctree" && ok=1
result $ok "a page outside every toctree fails the build"

ktap_done
