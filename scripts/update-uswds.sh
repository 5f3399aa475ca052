#!/bin/sh
# scripts/update-uswds.sh [VERSION]: refresh the U.S. Web Design System files
# the site ships (templates/core/uswds/) from the npm package @uswds/uswds:
# its compiled CSS and exactly the fonts and images that CSS refers to. The
# installed site serves these files itself (/account/assets/uswds/...) and
# never needs npm or the network; only this script does. Public domain
# (CC0), see templates/core/uswds/LICENSE.md.
set -eu
version=${1:-$(cat "$(dirname "$0")/../templates/core/uswds/VERSION")}
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=$repo/templates/core/uswds
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work" --ignore-scripts --no-audit --no-fund --no-save \
    "@uswds/uswds@$version" >/dev/null
dist=$work/node_modules/@uswds/uswds/dist
rm -rf "$dest"
mkdir -p "$dest/css"
cp "$dist/css/uswds.min.css" "$dest/css/"
cp "$work/node_modules/@uswds/uswds/LICENSE.md" "$dest/"
# Every file the CSS names (url(../fonts/...), url(../img/...)), and only those.
grep -o 'url([^)]*)' "$dist/css/uswds.min.css" |
    sed -e 's/^url(//' -e 's/)$//' -e 's/["'\'']//g' -e 's/[?#].*//' |
    grep '^\.\./' | sort -u |
    while read -r ref; do
        rel=${ref#../}
        mkdir -p "$dest/$(dirname "$rel")"
        cp "$dist/$rel" "$dest/$rel"
    done
echo "$version" > "$dest/VERSION"
echo "templates/core/uswds: @uswds/uswds $version, $(find "$dest" -type f | wc -l) files, $(du -sh "$dest" | cut -f1)"
