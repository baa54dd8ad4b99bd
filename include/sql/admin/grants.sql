-- The pipeline's least-privilege database user. Run once as an administrator (the Aurora master user), e.g.
--   ETL_DB_PASSWORD=... python -m tokyobeta_etl.admin grants --template include/sql/admin/grants.sql \
--     | mysql -h <writer endpoint> -u admin -p
-- Placeholders {{ etl_user }}, {{ etl_host }}, {{ etl_password }} are filled by tokyobeta_etl.admin.render_grants.
-- Rights: data and DDL on the pipeline's own schemas only, plus PROCESS and reading performance_schema (below; no
-- other global privilege, no GRANT OPTION, no FILE, no SUPER). RENAME TABLE needs ALTER+DROP on the source and
-- CREATE+INSERT on the target schema; dbt needs CREATE VIEW and temporary tables. Underscores are escaped because
-- they are wildcards in GRANT ... ON `db`.*.
-- MySQL has no grant for DROP TABLE without DROP DATABASE at schema level: the pipeline never issues the latter,
-- and the dump reader refuses it in any dump.

CREATE DATABASE IF NOT EXISTS `staging` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `staging_load` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `staging_prev` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `silver` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `gold` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `ops` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE USER IF NOT EXISTS '{{ etl_user }}'@'{{ etl_host }}' IDENTIFIED BY '{{ etl_password }}';
ALTER USER '{{ etl_user }}'@'{{ etl_host }}' IDENTIFIED BY '{{ etl_password }}';

GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `staging`.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `staging\_load`.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `staging\_prev`.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `silver`.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `gold`.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW, CREATE TEMPORARY TABLES
  ON `ops`.* TO '{{ etl_user }}'@'{{ etl_host }}';

-- PROCESS and performance_schema: to name the session that blocks a statement waiting for a lock (on-call
-- `show-locks`, tokyobeta_etl.locks; MySQL 8 / Aurora keep metadata locks in performance_schema.metadata_locks).
-- They show other sessions' statements and the lock views; they grant no data and no KILL of others' sessions.
GRANT PROCESS ON *.* TO '{{ etl_user }}'@'{{ etl_host }}';
GRANT SELECT ON `performance\_schema`.* TO '{{ etl_user }}'@'{{ etl_host }}';
