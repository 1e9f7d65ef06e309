#!/usr/bin/env python3
"""
places_gen.py: makes data/places.tsv, chiron's table of US ZIP codes and
cities (core/places.c), from the npm package `zipcodes` (BSD licence;
its coordinates are GeoNames' postal codes, CC-BY 4.0). See data/places.md.

    scripts/places_gen.py [VERSION]     # default 8.0.0; writes data/places.tsv

It fetches the package with `npm pack` into a temporary folder, reads
lib/codes.js with node, and writes one row per ZIP code, sorted by ZIP:
zip, city, ISO 3166-2 state code, latitude, longitude (4 decimals).
Rows naming a company's own ZIP (digits, "&" or "/" in the
name) are left out, and so are rows outside chiron's jurisdictions (military APO/FPO "states" AA, AE,
AP) and rows without a usable point (0, 0) are left out.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

VERSION = sys.argv[1] if len(sys.argv) > 1 else "8.0.0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    tax = json.load(open(os.path.join(ROOT, "data", "taxonomy.json")))
    known = {j["code"] for j in tax["jurisdictions"] if j["code"].startswith("US-")}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", "zipcodes@" + VERSION], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
        subprocess.run(["tar", "xzf", tgz], cwd=tmp, check=True)
        codes = json.loads(subprocess.run(
            ["node", "-e", "process.stdout.write(JSON.stringify(require('./package/lib/codes.js').codes))"],
            cwd=tmp, check=True, capture_output=True).stdout)
    rows = []
    for z, c in codes.items():
        state = "US-" + c["state"]
        lat, lon = float(c["latitude"]), float(c["longitude"])
        city = " ".join(c["city"].split())
        # "Blairsden-graeagle": the package lower-cases after the first letter.
        city = re.sub(r"-([a-z])", lambda m: "-" + m.group(1).upper(), city)
        # Unique ZIPs of companies ("Shell Oil Box 150", "At&t") are no city.
        if re.search(r"[0-9&/]", city):
            continue
        if state not in known or (lat == 0 and lon == 0) or not city:
            continue
        if len(z) != 5 or not z.isdigit() or "\t" in city or len(city) > 60:
            continue
        rows.append((z, city, state, lat, lon))
    rows.sort()
    with open(os.path.join(ROOT, "data", "places.tsv"), "w") as f:
        for z, city, state, lat, lon in rows:
            f.write("%s\t%s\t%s\t%.4f\t%.4f\n" % (z, city, state, lat, lon))
    print("data/places.tsv: %d rows from zipcodes@%s" % (len(rows), VERSION))


if __name__ == "__main__":
    main()
