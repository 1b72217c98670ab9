#!/bin/sh
# Pretends to deploy: shows what it was given. wfc masks the password as ***
# in everything it prints and logs.
set -eu
echo "deploying ${IMAGE}"
echo "connecting to the database with password ${DB_PASSWORD}"
echo "deployed"
