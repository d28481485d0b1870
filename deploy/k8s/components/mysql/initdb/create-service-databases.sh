#!/bin/bash
# Creates each service's schema and its least-privileged user: ALL PRIVILEGES on its own schema
# (migrations need DDL) and nothing else. The one list of schemas and users is
# tools/db/databases.mjs; tools/deploy/mysql-init.spec.ts fails when this file drifts from it.
#
# The official mysql image runs this once, on an empty data directory, from
# /docker-entrypoint-initdb.d. It is sourced (not executable on purpose), so the entrypoint's
# docker_process_sql is available. Used by docker-compose.yml and by the in-cluster MySQL component.
# Passwords come from the environment (compose: deploy/compose/env/mysql.env; Kubernetes: the
# mysql-credentials Secret), never from this file.

: "${AUTH_DB_PASSWORD:?AUTH_DB_PASSWORD is required}"
: "${CATALOG_DB_PASSWORD:?CATALOG_DB_PASSWORD is required}"
: "${ORDER_DB_PASSWORD:?ORDER_DB_PASSWORD is required}"

# SQL string literal: a single quote is doubled.
sql_string() { printf "'%s'" "${1//\'/\'\'}"; }

mysql_note 'creating the service schemas and users'
docker_process_sql <<SQL
CREATE DATABASE IF NOT EXISTS \`auth\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'auth_svc'@'%' IDENTIFIED BY $(sql_string "$AUTH_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`auth\`.* TO 'auth_svc'@'%';

CREATE DATABASE IF NOT EXISTS \`catalog\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'catalog_svc'@'%' IDENTIFIED BY $(sql_string "$CATALOG_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`catalog\`.* TO 'catalog_svc'@'%';

CREATE DATABASE IF NOT EXISTS \`orders\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'order_svc'@'%' IDENTIFIED BY $(sql_string "$ORDER_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`orders\`.* TO 'order_svc'@'%';
SQL
