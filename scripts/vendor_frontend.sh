#!/usr/bin/env bash
# Vendor the compiled GOV.UK Frontend and MoJ Frontend files into static/vendor/
# so the app needs no Node at runtime. Node/npm are needed only to run this script.
#
#   scripts/vendor_frontend.sh            # pinned versions below
#   GOVUK_FRONTEND_VERSION=6.6.0 MOJ_FRONTEND_VERSION=11.1.0 scripts/vendor_frontend.sh
#
# What it does (idempotent: static/vendor/govuk-frontend and static/vendor/moj-frontend
# are wiped and recreated on every run):
#   * npm pack + extract both packages in a temp dir;
#   * copies the minified CSS, the minified ES-module JS and the images (NOT the fonts:
#     GDS Transport is licensed for GOV.UK only);
#   * strips every @font-face block and the sourceMappingURL comments (maps are not shipped);
#   * rewrites root-absolute url(/assets/...) to paths relative to the CSS file, falling back
#     to ../govuk-frontend/assets/... for MoJ CSS that points at a govuk asset;
#   * checks the result and writes static/vendor/VERSIONS.txt.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
MOJ_FRONTEND_VERSION="${MOJ_FRONTEND_VERSION:-11.1.0}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
GOVUK_OUT="$VENDOR/govuk-frontend"
MOJ_OUT="$VENDOR/moj-frontend"

die() { echo "vendor_frontend: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is required to run this script (not at runtime)"
command -v node >/dev/null || die "node is required to run this script (not at runtime)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# --- fetch -----------------------------------------------------------------
# pack NAME@VERSION DIR -> extracts the tarball to DIR/package, prints "integrity" to DIR/integrity
pack() {
  local spec="$1" dir="$2"
  mkdir -p "$dir"
  npm pack --silent --json --pack-destination "$dir" "$spec" >"$dir/pack.json"
  node -e '
    const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0];
    process.stdout.write(info.filename + "\n" + info.integrity + "\n");
  ' "$dir/pack.json" >"$dir/meta"
  local tgz
  tgz="$(sed -n 1p "$dir/meta")"
  tar -xzf "$dir/$(basename "$tgz")" -C "$dir"
  [ -d "$dir/package" ] || die "unexpected tarball layout for $spec"
}

echo "Packing govuk-frontend@$GOVUK_FRONTEND_VERSION and @ministryofjustice/frontend@$MOJ_FRONTEND_VERSION ..."
pack "govuk-frontend@$GOVUK_FRONTEND_VERSION" "$TMP/govuk"
pack "@ministryofjustice/frontend@$MOJ_FRONTEND_VERSION" "$TMP/moj"

GOVUK_SRC="$TMP/govuk/package/dist/govuk"
MOJ_SRC="$TMP/moj/package/moj"

for f in "$GOVUK_SRC/govuk-frontend.min.css" "$GOVUK_SRC/govuk-frontend.min.js" \
         "$MOJ_SRC/moj-frontend.min.css" "$MOJ_SRC/moj-frontend.min.js"; do
  [ -f "$f" ] || die "missing $f in the package (layout changed?)"
done

# --- copy ------------------------------------------------------------------
rm -rf "$GOVUK_OUT" "$MOJ_OUT"
mkdir -p "$GOVUK_OUT/assets" "$MOJ_OUT"

cp "$GOVUK_SRC/govuk-frontend.min.css" "$GOVUK_OUT/"
cp "$GOVUK_SRC/govuk-frontend.min.js" "$GOVUK_OUT/"
cp -R "$GOVUK_SRC/assets/images" "$GOVUK_OUT/assets/images"
if [ -f "$GOVUK_SRC/assets/manifest.json" ]; then
  cp "$GOVUK_SRC/assets/manifest.json" "$GOVUK_OUT/assets/"
fi
# govuk-frontend 5.x shipped the 2025 brand under assets/rebrand; 6.x made it the default
# and no longer has that folder. Copy it if a version has it (fonts never are).
if [ -d "$GOVUK_SRC/assets/rebrand" ]; then
  cp -R "$GOVUK_SRC/assets/rebrand" "$GOVUK_OUT/assets/rebrand"
fi

cp "$MOJ_SRC/moj-frontend.min.css" "$MOJ_OUT/"
cp "$MOJ_SRC/moj-frontend.min.js" "$MOJ_OUT/"
if [ -d "$MOJ_SRC/assets/images" ]; then
  mkdir -p "$MOJ_OUT/assets"
  cp -R "$MOJ_SRC/assets/images" "$MOJ_OUT/assets/images"
fi

# Never ship font files, wherever they came from.
find "$GOVUK_OUT" "$MOJ_OUT" -type f \( -name '*.woff' -o -name '*.woff2' -o -name '*.ttf' -o -name '*.otf' -o -name '*.eot' \) -delete

# The MoJ JS must be an ES module exporting initAll (static/js/govuk-init.mjs imports it).
if grep -Eq 'export ?\{[^}]*\binitAll\b[^}]*\}' "$MOJ_OUT/moj-frontend.min.js"; then
  MOJ_JS_FORMAT="ES module (export { ..., initAll, ... }); self-contained, no imports"
else
  die "moj-frontend.min.js is not an ES module exporting initAll; update static/js/govuk-init.mjs and this script"
fi
if grep -Eq '(^|[;}])import[ {*]|from ?"govuk-frontend"' "$MOJ_OUT/moj-frontend.min.js"; then
  die "moj-frontend.min.js has import statements; it would need an import map"
fi
grep -Eq 'export ?\{[^}]*\binitAll\b' "$GOVUK_OUT/govuk-frontend.min.js" \
  || die "govuk-frontend.min.js does not export initAll"

# --- rewrite CSS, strip source maps ------------------------------------------
node - "$GOVUK_OUT" "$MOJ_OUT" <<'JS'
const fs = require("fs");
const path = require("path");
const [govukOut, mojOut] = process.argv.slice(2);

function fixCss(cssFile, fallbackDirs) {
  const dir = path.dirname(cssFile);
  let css = fs.readFileSync(cssFile, "utf8");

  // @font-face blocks hold only declarations, so they never nest braces.
  css = css.replace(/@font-face\s*\{[^}]*\}/g, "");
  css = css.replace(/\/\*#\s*sourceMappingURL=[^*]*\*\//g, "");

  const unresolved = [];
  css = css.replace(/url\(\s*(["']?)\/assets\/([^"')\s]+)\1\s*\)/g, (m, q, rest) => {
    const file = rest.split(/[?#]/)[0];
    for (const base of [dir, ...fallbackDirs]) {
      if (fs.existsSync(path.join(base, "assets", file))) {
        const rel = path.posix.join(path.relative(dir, base).split(path.sep).join("/") || ".", "assets", rest);
        return `url(${q}${rel.replace(/^\.\//, "")}${q})`;
      }
    }
    unresolved.push(m);
    return m;
  });
  if (unresolved.length) {
    console.error(`${cssFile}: cannot resolve ${[...new Set(unresolved)].join(", ")}`);
    process.exit(1);
  }
  fs.writeFileSync(cssFile, css);
}

function stripJsMap(jsFile) {
  const js = fs.readFileSync(jsFile, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  fs.writeFileSync(jsFile, js);
}

fixCss(path.join(govukOut, "govuk-frontend.min.css"), []);
fixCss(path.join(mojOut, "moj-frontend.min.css"), [govukOut]);
stripJsMap(path.join(govukOut, "govuk-frontend.min.js"));
stripJsMap(path.join(mojOut, "moj-frontend.min.js"));
JS

# --- verify ------------------------------------------------------------------
if grep -REn "url\(\s*[\"']?/" "$GOVUK_OUT" "$MOJ_OUT" --include='*.css'; then
  die "root-absolute url() left in the CSS"
fi
if grep -Rn '@font-face' "$GOVUK_OUT" "$MOJ_OUT" --include='*.css'; then
  die "@font-face left in the CSS"
fi
if grep -RIlE '\.(woff2?|ttf|otf|eot)\b' "$GOVUK_OUT" "$MOJ_OUT" --include='*.css'; then
  die "font file reference left in the CSS"
fi
if [ -n "$(find "$VENDOR" -type f \( -name '*.woff' -o -name '*.woff2' \))" ]; then
  die "font files found under static/vendor"
fi
if grep -Rl 'sourceMappingURL' "$GOVUK_OUT" "$MOJ_OUT"; then
  die "sourceMappingURL left (maps are not shipped)"
fi
# Every relative url() in the CSS must point at a file that exists.
for css in "$GOVUK_OUT/govuk-frontend.min.css" "$MOJ_OUT/moj-frontend.min.css"; do
  while IFS= read -r ref; do
    [ -f "$(dirname "$css")/${ref%%[?#]*}" ] || die "$css references missing $ref"
  done < <(grep -oE "url\([\"']?[^\"')]+" "$css" | sed -E "s/^url\([\"']?//" | grep -vE '^(data:|https?:|#)' | sort -u)
done

# --- record ------------------------------------------------------------------
{
  echo "Vendored by scripts/vendor_frontend.sh on $(date -u +%Y-%m-%d) (UTC). Do not edit by hand; re-run the script."
  echo
  echo "govuk-frontend $GOVUK_FRONTEND_VERSION  (MIT; $(sed -n 2p "$TMP/govuk/meta"))"
  echo "  govuk-frontend/govuk-frontend.min.css  from dist/govuk/ (font-face rules removed, root-absolute /assets/ URLs made relative)"
  echo "  govuk-frontend/govuk-frontend.min.js   from dist/govuk/ (ES module, exports initAll)"
  echo "  govuk-frontend/assets/images/, assets/manifest.json$([ -d "$GOVUK_OUT/assets/rebrand" ] && echo ', assets/rebrand/')"
  echo "  fonts NOT vendored (GDS Transport is for GOV.UK only); text falls back to Arial/sans-serif"
  echo
  echo "@ministryofjustice/frontend $MOJ_FRONTEND_VERSION  (MIT; $(sed -n 2p "$TMP/moj/meta"))"
  echo "  moj-frontend/moj-frontend.min.css  from moj/ (root-absolute /assets/ URLs made relative)"
  echo "  moj-frontend/moj-frontend.min.js   from moj/: $MOJ_JS_FORMAT"
  if [ -d "$MOJ_OUT/assets/images" ]; then echo "  moj-frontend/assets/images/"; fi
  echo
  echo "Source maps are not vendored (sourceMappingURL comments removed)."
} >"$VENDOR/VERSIONS.txt"

echo "Done: $(du -sh "$VENDOR" | cut -f1) in ${VENDOR#"$ROOT"/}"
