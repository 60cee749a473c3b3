"""Merge binder/jupyter_server_config.json into <sys.prefix>/etc/jupyter/jupyter_server_config.json.

jupyter_server reads that file for every user of the environment (its .d folder is read
only for extensions). Sections already there are kept; ours are updated key by key.
"""
import json
import sys
from pathlib import Path

ours = json.loads((Path(__file__).parent / "jupyter_server_config.json").read_text())
target = Path(sys.argv[1] if len(sys.argv) > 1 else sys.prefix) / "etc" / "jupyter"
target.mkdir(parents=True, exist_ok=True)
path = target / "jupyter_server_config.json"
config = json.loads(path.read_text()) if path.exists() else {}
for section, values in ours.items():
    config.setdefault(section, {}).update(values)
path.write_text(json.dumps(config, indent=2) + "\n")
print(f"kernel culling configured in {path}")
