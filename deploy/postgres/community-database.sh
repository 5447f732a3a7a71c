#!/bin/sh
# The community's own database and role, beside the CMS's on the same PostgreSQL server: the store its replicas
# share (rate limits, webhook deliveries, the channel that tells every replica to drop its caches).
#
# docker-compose.yml mounts this into /docker-entrypoint-initdb.d, which the postgres image runs once, when it
# initialises an empty data directory. It can be run again at any time, and does only what is missing (and sets the
# role's password anew): for a volume initialised before it existed,
#   docker compose exec postgres /docker-entrypoint-initdb.d/20-community-database.sh
# With a PostgreSQL of your own, run it with psql's PG* variables pointing at the server as a superuser.
#
# Reads POSTGRES_USER and POSTGRES_DB (the superuser and the CMS's database, as the image does) and
# COMMUNITY_DATABASE_NAME, COMMUNITY_DATABASE_USER, COMMUNITY_DATABASE_PASSWORD.
# Not `set -u`: the image sources scripts that are not executable, and this must not change its shell.
set -e

: "${POSTGRES_USER:?POSTGRES_USER is not set: the superuser to connect as}"
: "${POSTGRES_DB:?POSTGRES_DB is not set: the CMS database, which the community role must not enter}"
: "${COMMUNITY_DATABASE_NAME:?COMMUNITY_DATABASE_NAME is not set: the database to create for the community}"
: "${COMMUNITY_DATABASE_USER:?COMMUNITY_DATABASE_USER is not set: the role to create for the community}"
: "${COMMUNITY_DATABASE_PASSWORD:?COMMUNITY_DATABASE_PASSWORD is not set: the community role password}"

# psql quotes the values itself (:'literal', :"identifier"), so no password or name can change the statements.
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set role="$COMMUNITY_DATABASE_USER" \
  --set password="$COMMUNITY_DATABASE_PASSWORD" \
  --set database="$COMMUNITY_DATABASE_NAME" \
  --set cms_database="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
-- A login and nothing more: no superuser, no new databases or roles, no replication, no bypassing row security.
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"role";
-- Its owner's alone: nobody else connects to it or makes temporary tables in it.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;

-- The CMS's database is its owner's alone too (PostgreSQL lets every role connect to a new database): the community
-- role cannot even connect to it, let alone read it. The CMS and Temporal connect as POSTGRES_USER, the owner.
REVOKE ALL ON DATABASE :"cms_database" FROM PUBLIC;
SQL
