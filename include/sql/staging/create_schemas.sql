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
    -- proven by the dump tool trailer, or not provable (no trailer: a --compact dump)
    completeness VARCHAR(64) NULL,
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

-- One row per snapshot date: when snapshot_tenants last wrote it and when silver.tenant_status_history last read it.
-- The history appends only the batch date while every other date is unchanged since it was read.
CREATE TABLE IF NOT EXISTS staging.tenant_snapshot_dates (
    snapshot_date DATE NOT NULL,
    snapshot_rows INT UNSIGNED NOT NULL,
    written_at DATETIME(6) NOT NULL,
    status_history_read_at DATETIME(6) NULL,
    PRIMARY KEY (snapshot_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS staging.movings (
    `id` INT UNSIGNED NOT NULL,
    `tenant_id` INT UNSIGNED NOT NULL,
    `apartment_id` INT UNSIGNED NOT NULL,
    `room_id` INT UNSIGNED NOT NULL,
    `moving_agreement_type` TINYINT UNSIGNED DEFAULT NULL,
    `movein_decided_date` DATETIME DEFAULT NULL,
    `movein_date` DATE DEFAULT NULL,
    `original_movein_date` DATE DEFAULT NULL,
    `rent_start_date` DATE DEFAULT NULL,
    `expiration_date` DATE DEFAULT NULL,
    `moveout_receipt_date` DATE DEFAULT NULL,
    `moveout_date` DATE DEFAULT NULL,
    `moveout_plans_date` DATE DEFAULT NULL,
    `moveout_date_integrated` DATE DEFAULT NULL,
    `move_renew_flag` TINYINT NOT NULL DEFAULT 0,
    `cancel_flag` TINYINT NOT NULL DEFAULT 0,
    `is_moveout` TINYINT NOT NULL DEFAULT 0,
    `rent` DECIMAL(10, 0) DEFAULT NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.tenants (
    `id` INT UNSIGNED NOT NULL,
    `status` INT UNSIGNED NOT NULL,
    `moving_id` INT UNSIGNED DEFAULT NULL,
    `contract_type` INT UNSIGNED NOT NULL DEFAULT 0,
    `full_name` VARCHAR(191) DEFAULT NULL,
    `last_name` VARCHAR(128) DEFAULT NULL,
    `first_name` VARCHAR(128) DEFAULT NULL,
    `gender_type` TINYINT UNSIGNED DEFAULT NULL,
    `birth_date` DATE DEFAULT NULL,
    `age` INT DEFAULT NULL,
    `nationality` VARCHAR(64) DEFAULT NULL,
    `personal_identity` VARCHAR(16) DEFAULT NULL,
    `affiliation` VARCHAR(255) DEFAULT NULL,
    `affiliation_type` TINYINT UNSIGNED DEFAULT NULL,
    `media_id` INT UNSIGNED DEFAULT NULL,
    `reason_moveout` TINYINT UNSIGNED DEFAULT NULL,
    `inquiry_id` INT UNSIGNED DEFAULT NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.apartments (
    `id` INT UNSIGNED NOT NULL,
    `unique_number` VARCHAR(32) DEFAULT NULL,
    `apartment_name` VARCHAR(255) NOT NULL,
    `apartment_name_en` VARCHAR(255) DEFAULT NULL,
    `prefecture` VARCHAR(16) NOT NULL,
    `municipality` VARCHAR(64) DEFAULT NULL,
    `address` VARCHAR(255) DEFAULT NULL,
    `zip_code` VARCHAR(8) DEFAULT NULL,
    `latitude` DECIMAL(8, 6) DEFAULT NULL,
    `longitude` DECIMAL(9, 6) DEFAULT NULL,
    `room_count` INT UNSIGNED DEFAULT NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.rooms (
    `id` INT UNSIGNED NOT NULL,
    `apartment_id` INT UNSIGNED NOT NULL,
    `room_number` VARCHAR(32) NOT NULL,
    `rent` DECIMAL(10, 0) DEFAULT NULL,
    `room_floor` INT DEFAULT NULL,
    `capacity` TINYINT UNSIGNED NOT NULL DEFAULT 1,
    `gender_type` TINYINT UNSIGNED DEFAULT NULL,
    `status` TINYINT UNSIGNED DEFAULT NULL,
    `moving_id` INT UNSIGNED DEFAULT NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';

CREATE TABLE IF NOT EXISTS staging.inquiries (
    `id` INT UNSIGNED NOT NULL,
    `tenant_id` INT UNSIGNED DEFAULT NULL,
    `channel` VARCHAR(32) DEFAULT NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci COMMENT = 'tokyobeta placeholder';
