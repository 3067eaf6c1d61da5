#!/bin/sh
# First start of the PostgreSQL container: one database and one role per service, each
# role owning only its own database. Passwords come from Docker secrets, never from here.
set -eu

for service in identity agenda minutes; do
  password=$(cat "/run/secrets/${service}_db_password")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="kasane_${service}" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
