#!/usr/bin/env bash
# Set up an installed The Littlest JupyterHub for the celearn course (run as root from a
# clone of the repository): the pinned course environment, kernel culling, the notebooks
# copied into each new learner's home, 1 GB per learner, servers idle for an hour culled.
set -euo pipefail
cd "$(dirname "$0")/../.."
user_env=/opt/tljh/user
"$user_env/bin/pip" install -r binder/requirements.txt
"$user_env/bin/pip" install --no-deps .
"$user_env/bin/python" binder/install_server_config.py "$user_env"
mkdir -p /etc/skel/celearn
cp notebooks/*.ipynb /etc/skel/celearn/
tljh-config set limits.memory 1G
tljh-config set services.cull.timeout 3600
tljh-config set user_environment.default_app jupyterlab
tljh-config reload
echo "celearn is set up: learners find the course in ~/celearn/00-index.ipynb"
