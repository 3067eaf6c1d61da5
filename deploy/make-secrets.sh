#!/bin/sh
# Make the files docker-compose.yml reads as secrets (run once, from the repository root).
# Nothing here is ever copied into the image (see .dockerignore) or written into the compose file.
set -eu
umask 077
dir=./secrets
mkdir -p "$dir/tls" "$dir/kek" "$dir/web" "$dir/anchors"

random() { openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-48; }
for name in postgres_password identity_db_password agenda_db_password minutes_db_password \
            agenda_client_secret minutes_client_secret; do
  [ -s "$dir/$name" ] || random > "$dir/$name"
done

# A self-signed certificate for a first trial; replace with the municipality's own.
if [ ! -s "$dir/tls/cert.pem" ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days 365 -subj "/CN=${KASANE_HOSTNAME:-localhost}" \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
fi

# The KEK file is created by identity on first start (mode 0600) in this directory;
# the containers run as uid 10001.
# Likewise the web pages' CSRF key, shared by every web replica, in secrets/web, and the
# audit anchors identity appends to in secrets/anchors (copy that file elsewhere too).
chown -R 10001:10001 "$dir/kek" "$dir/web" "$dir/anchors" 2>/dev/null || echo "note: run 'sudo chown -R 10001:10001 $dir/kek $dir/web $dir/anchors'" >&2
chmod 0700 "$dir/kek" "$dir/web" "$dir/anchors"
# Secrets are bind-mounted with the host file's owner and mode; the services (uid 10001),
# nginx (uid 101) and PostgreSQL (uid 999) must be able to read theirs.
chmod 0644 "$dir"/*_password "$dir"/*_secret "$dir/tls/cert.pem" "$dir/tls/key.pem"
echo "secrets written to $dir"
