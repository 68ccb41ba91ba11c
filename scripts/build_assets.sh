#!/usr/bin/env bash
# Build the vendored front-end assets into static/vendor/ (run `make assets`).
#
#   static/vendor/nhsuk/nhsuk.min.css          <- static/src/nhsuk.scss (Sass, from nhsuk-frontend's sources)
#   static/vendor/nhsuk/nhsuk-frontend.min.js  <- nhsuk-frontend's ES-module bundle
#   static/vendor/nhsuk/assets/...             <- only the images/manifest the CSS or templates use
#   static/vendor/plotly/plotly-basic.min.js   <- plotly.js's "basic" bundle (scatter, bar, pie)
#   static/vendor/README.md                    <- what each file is, version, licence
#
# Run from anywhere; paths are relative to the project root. Needs node/npm
# (npm ci runs only when node_modules/ is missing) and .venv with plotly (whose
# plotly.js version the bundle must match).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
NHSUK_PKG="node_modules/nhsuk-frontend"
NHSUK_DIST="$NHSUK_PKG/dist/nhsuk"
PLOTLY_PKG="node_modules/plotly.js-basic-dist-min"
OUT="static/vendor"
NHSUK_OUT="$OUT/nhsuk"
PLOTLY_OUT="$OUT/plotly"

if [ ! -d node_modules ] || [ ! -d "$NHSUK_PKG" ] || [ ! -d "$PLOTLY_PKG" ] \
   || [ ! -x node_modules/.bin/sass ]; then
  echo "build_assets: node_modules missing, running npm ci" >&2
  npm ci --no-audit --no-fund
fi

NHSUK_VERSION="$(node -p "require('./$NHSUK_PKG/package.json').version")"
SASS_VERSION="$(node -p "require('./node_modules/sass/package.json').version")"

# Start from a clean slate so files no longer needed do not linger.
rm -rf "$NHSUK_OUT" "$PLOTLY_OUT"
mkdir -p "$NHSUK_OUT/assets/images" "$PLOTLY_OUT"

# --- CSS ------------------------------------------------------------------
node_modules/.bin/sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  static/src/nhsuk.scss "$NHSUK_OUT/nhsuk.min.css"

# --- JS (ES module bundle; load with <script type="module">) ---------------
# Strip the sourceMappingURL comment: the .map file is not vendored.
sed -e 's|//# sourceMappingURL=[^[:space:]]*$||' \
  "$NHSUK_DIST/nhsuk-frontend.min.js" > "$NHSUK_OUT/nhsuk-frontend.min.js"

# --- Assets ---------------------------------------------------------------
# Favicons / touch icons / web app manifest used by the base template
# (same set as nhsuk-frontend's own template.njk), plus every image the
# compiled CSS references.
cp "$NHSUK_DIST/assets/manifest.json" "$NHSUK_OUT/assets/manifest.json"
for f in favicon.ico favicon.svg nhsuk-icon-mask.svg \
         nhsuk-icon-180.png nhsuk-icon-192.png nhsuk-icon-512.png; do
  cp "$NHSUK_DIST/assets/images/$f" "$NHSUK_OUT/assets/images/$f"
done

# url(...) references in the compiled CSS, minus data: URIs and fragments.
css_urls() {
  grep -o 'url([^)]*)' "$NHSUK_OUT/nhsuk.min.css" \
    | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" \
    | grep -v '^data:' | grep -v '^#' | sort -u || true
}

while IFS= read -r url; do
  [ -n "$url" ] || continue
  case "$url" in
    assets/images/*)
      name="${url#assets/images/}"
      cp "$NHSUK_DIST/assets/images/$name" "$NHSUK_OUT/assets/images/$name"
      ;;
    *)
      echo "build_assets: unexpected url() in CSS: $url" >&2
      exit 1
      ;;
  esac
done < <(css_urls)

# --- Checks ---------------------------------------------------------------
# No remote URLs (XML namespace URIs inside inline SVGs are fine) and no web font.
remote="$(grep -Eoi 'https?://[^"'"'"' )]*|//assets\.nhs\.uk|@font-face|Frutiger' "$NHSUK_OUT/nhsuk.min.css" \
  | grep -v '^http://www\.w3\.org/' || true)"
if [ -n "$remote" ]; then
  echo "build_assets: compiled CSS refers to a remote host or a web font:" >&2
  echo "$remote" >&2
  exit 1
fi
while IFS= read -r url; do
  [ -n "$url" ] || continue
  if [ ! -f "$NHSUK_OUT/$url" ]; then
    echo "build_assets: CSS url($url) does not resolve to a copied file" >&2
    exit 1
  fi
done < <(css_urls)
for export_name in initAll createAll; do
  grep -q "$export_name" "$NHSUK_OUT/nhsuk-frontend.min.js" || {
    echo "build_assets: $export_name not exported by nhsuk-frontend.min.js" >&2
    exit 1
  }
done

# --- plotly.js, basic bundle ----------------------------------------------
# The charts (reporting/charts.py, okrs/charts.py) are scatter traces only, so
# the basic bundle (scatter, bar, pie: about a quarter of the full bundle) is
# enough. Its version must be the plotly.js version the Python plotly package
# writes figures for.
PLOTLY_JS_VERSION="$(node -p "require('./$PLOTLY_PKG/package.json').version")"
PLOTLY_PY_VERSION="$("$PYTHON" -c "import importlib.metadata as m; print(m.version('plotly'))")"
PLOTLY_PY_JS_VERSION="$("$PYTHON" -c "from plotly.offline import get_plotlyjs_version as v; print(v())")"
if [ "$PLOTLY_JS_VERSION" != "$PLOTLY_PY_JS_VERSION" ]; then
  echo "build_assets: $PLOTLY_PKG is plotly.js $PLOTLY_JS_VERSION but Python plotly" \
       "$PLOTLY_PY_VERSION writes figures for plotly.js $PLOTLY_PY_JS_VERSION:" \
       "pin $PLOTLY_PY_JS_VERSION in package.json" >&2
  exit 1
fi
cp "$PLOTLY_PKG/plotly-basic.min.js" "$PLOTLY_OUT/plotly-basic.min.js"
head -c 200 "$PLOTLY_OUT/plotly-basic.min.js" | grep -q "plotly.js (basic - minified) v$PLOTLY_JS_VERSION" || {
  echo "build_assets: plotly-basic.min.js does not say it is the basic bundle v$PLOTLY_JS_VERSION" >&2
  exit 1
}

# --- README ---------------------------------------------------------------
{
  cat <<EOF
# Vendored front-end assets

Generated by \`scripts/build_assets.sh\` — do not edit by hand. Rebuild with
\`make assets\` (after changing \`package.json\` or \`static/src/nhsuk.scss\`; the
plotly.js version pinned in \`package.json\` is the one the Python \`plotly\`
package writes figures for). Everything here is served locally: no CDN and no
web font download.

| File | What it is | Version | Licence |
| --- | --- | --- | --- |
| \`nhsuk/nhsuk.min.css\` | NHS.UK frontend styles, compiled with Dart Sass ${SASS_VERSION} from \`static/src/nhsuk.scss\` (nhsuk-frontend Sass sources; Frutiger web font off, Arial, sans-serif; asset URLs relative to this file) | nhsuk-frontend ${NHSUK_VERSION} | MIT |
| \`nhsuk/nhsuk-frontend.min.js\` | NHS.UK frontend JavaScript, ES-module bundle (\`dist/nhsuk/nhsuk-frontend.min.js\`); load with \`<script type="module">\`, e.g. via \`static/js/init-nhsuk.js\` which calls \`initAll()\` | nhsuk-frontend ${NHSUK_VERSION} | MIT |
| \`nhsuk/assets/manifest.json\` | Web app manifest listing the NHS icons | nhsuk-frontend ${NHSUK_VERSION} | MIT |
EOF
  for f in $(cd "$NHSUK_OUT/assets/images" && ls); do
    case "$f" in
      favicon.*) what="Favicon" ;;
      nhsuk-icon-mask.svg) what="Safari pinned-tab mask icon" ;;
      nhsuk-icon-1*.png|nhsuk-icon-5*.png) what="Touch / web app icon" ;;
      *) what="Icon referenced by the compiled CSS" ;;
    esac
    echo "| \`nhsuk/assets/images/$f\` | $what | nhsuk-frontend ${NHSUK_VERSION} | MIT |"
  done
  cat <<EOF
| \`plotly/plotly-basic.min.js\` | plotly.js "basic" partial bundle (trace types scatter, bar and pie; the charts draw scatter traces only), from npm's \`plotly.js-basic-dist-min\` | plotly.js ${PLOTLY_JS_VERSION} (as Python plotly ${PLOTLY_PY_VERSION}) | MIT |

nhsuk-frontend: "released under the MIT Licence, unless stated otherwise" (its
README); the NHS logo itself is governed by the NHS identity guidelines.
plotly.js: MIT, Copyright Plotly, Inc. (see the header of \`plotly-basic.min.js\`).
EOF
} > "$OUT/README.md"

echo "build_assets: nhsuk-frontend ${NHSUK_VERSION}, plotly.js ${PLOTLY_JS_VERSION} -> $OUT/"
du -sh "$NHSUK_OUT" "$PLOTLY_OUT" | sed 's/^/  /'
