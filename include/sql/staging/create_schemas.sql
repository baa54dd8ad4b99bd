-- Schemas and the pipeline's own tables. Idempotent: safe on every run.
-- The five published staging tables start as empty placeholders (contract DDL) so the first publish can use the
-- same atomic RENAME as every later one; a load replaces each with the dump's own table definition.

CREATE DATABASE IF NOT EXISTS staging CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS staging_load CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS staging_prev CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS silver CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS gold CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS ops CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- One row per batch date and source table; rewritten by every attempt. Times are UTC.
CREATE TABLE IF NOT EXISTS ops.load_audit (
    batch_date DATE NOT NULL,
    table_name VARCHAR(64) NOT NULL,
    dump_key VARCHAR(1024) NOT NULL,
    dump_bytes BIGINT UNSIGNED NULL,
    dump_sha256 CHAR(64) NULL,
    rows_loaded BIGINT UNSIGNED NULL,
    started_at DATETIME(3) NOT NULL,
    finished_at DATETIME(3) NULL,
    seconds DECIMAL(10, 3) NULL,
    outcome VARCHAR(16) NOT NULL,
    error_message TEXT NULL,
    run_id VARCHAR(250) NULL,
    try_number INT NULL,
    PRIMARY KEY (batch_date, table_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per tenant per batch date, kept forever (CONTRACT.md section 3).
CREATE TABLE IF NOT EXISTS staging.tenant_daily_snapshots (
    tenant_id INT UNSIGNED NOT NULL,
    snapshot_date DATE NOT NULL,
    status INT UNSIGNED NOT NULL,
    contract_type INT UNSIGNED NULL,
    moving_id INT UNSIGNED NULL,
    PRIMARY KEY (snapshot_date, tenant_id),
    KEY ix_tenant_daily_snapshots_tenant (tenant_id, snapshot_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS staging.movings (
  `id` int unsigned NOT NULL,
  `tenant_id` int unsigned NOT NULL,
  `apartment_id` int unsigned NOT NULL,
  `room_id` int unsigned NOT NULL,
  `moving_agreement_type` tinyint unsigned DEFAULT NULL,
  `movein_decided_date` datetime DEFAULT NULL,
  `movein_date` date DEFAULT NULL,
  `original_movein_date` date DEFAULT NULL,
  `rent_start_date` date DEFAULT NULL,
  `expiration_date` date DEFAULT NULL,
  `moveout_receipt_date` date DEFAULT NULL,
  `moveout_date` date DEFAULT NULL,
  `moveout_plans_date` date DEFAULT NULL,
  `moveout_date_integrated` date DEFAULT NULL,
  `move_renew_flag` tinyint NOT NULL DEFAULT 0,
  `cancel_flag` tinyint NOT NULL DEFAULT 0,
  `is_moveout` tinyint NOT NULL DEFAULT 0,
  `rent` decimal(10,0) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.tenants (
  `id` int unsigned NOT NULL,
  `status` int unsigned NOT NULL,
  `moving_id` int unsigned DEFAULT NULL,
  `contract_type` int unsigned NOT NULL DEFAULT 0,
  `full_name` varchar(191) DEFAULT NULL,
  `last_name` varchar(128) DEFAULT NULL,
  `first_name` varchar(128) DEFAULT NULL,
  `gender_type` tinyint unsigned DEFAULT NULL,
  `birth_date` date DEFAULT NULL,
  `age` int DEFAULT NULL,
  `nationality` varchar(64) DEFAULT NULL,
  `personal_identity` varchar(16) DEFAULT NULL,
  `affiliation` varchar(255) DEFAULT NULL,
  `affiliation_type` tinyint unsigned DEFAULT NULL,
  `media_id` int unsigned DEFAULT NULL,
  `reason_moveout` tinyint unsigned DEFAULT NULL,
  `inquiry_id` int unsigned DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.apartments (
  `id` int unsigned NOT NULL,
  `unique_number` varchar(32) DEFAULT NULL,
  `apartment_name` varchar(255) NOT NULL,
  `apartment_name_en` varchar(255) DEFAULT NULL,
  `prefecture` varchar(16) NOT NULL,
  `municipality` varchar(64) DEFAULT NULL,
  `address` varchar(255) DEFAULT NULL,
  `zip_code` varchar(8) DEFAULT NULL,
  `latitude` decimal(8,6) DEFAULT NULL,
  `longitude` decimal(9,6) DEFAULT NULL,
  `room_count` int unsigned DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.rooms (
  `id` int unsigned NOT NULL,
  `apartment_id` int unsigned NOT NULL,
  `room_number` varchar(32) NOT NULL,
  `rent` decimal(10,0) DEFAULT NULL,
  `room_floor` int DEFAULT NULL,
  `capacity` tinyint unsigned NOT NULL DEFAULT 1,
  `gender_type` tinyint unsigned DEFAULT NULL,
  `status` tinyint unsigned DEFAULT NULL,
  `moving_id` int unsigned DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.inquiries (
  `id` int unsigned NOT NULL,
  `tenant_id` int unsigned DEFAULT NULL,
  `channel` varchar(32) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';
