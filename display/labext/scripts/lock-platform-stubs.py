# Adds lock entries for @rspack/binding's optional platform packages that this
# registry mirror does not serve, so `npm ci` accepts the lock file; npm skips
# them on linux-x64 by their os/cpu fields.
import json, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock["packages"]
binding = pk["node_modules/@rspack/binding"]
plat = {"darwin": "darwin", "linux": "linux", "win32": "win32", "wasm32": None}
for name, ver in binding["optionalDependencies"].items():
    key = "node_modules/" + name
    if key in pk:
        continue
    parts = name.split("/")[1].split("-")  # binding-<os>-<cpu>[-libc]
    entry = {"version": ver, "dev": True, "optional": True}
    if parts[1] == "wasm32":
        entry["cpu"] = ["wasm32"]
    else:
        entry["os"] = [parts[1]]
        entry["cpu"] = [parts[2]]
    pk[key] = entry
json.dump(lock, open(p, "w"), indent=2)
open(p, "a").write("\n")
