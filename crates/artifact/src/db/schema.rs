//! The SQL schema of a workshop file, version by version, and the names of its sections.

/// `PRAGMA application_id` of every Stepwise workshop: ASCII `StWp`.
pub const APPLICATION_ID: u32 = 0x5374_5770;

/// The schema version this build writes and reads (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 2;

/// Tables of the definition section (covered by the content digest).
pub const DEFINITION_TABLES: &[&str] = &["workshop", "step", "validation"];

/// Tables of the compiled-artifact section (covered by the content digest).
pub const ARTIFACT_TABLES: &[&str] = &["blob", "artifact", "asset"];

/// Tables of the runtime section (excluded from the content digest; exported as CSV).
/// Listed parents first, so that loading them in this order satisfies foreign keys.
pub const RUNTIME_TABLES: &[&str] =
    &["runtime_blob", "cursor", "progress", "check_result", "snapshot", "step_setup", "learner"];

/// Bookkeeping tables.
pub const META_TABLES: &[&str] = &["meta", "schema_history"];

/// The tables of the version-0 prototype layout, which [`crate::db::migrate`] reads.
pub const V0_TABLES: &[&str] = &["workshop_info", "steps", "progress"];

/// The tables of the version-1 layout, which [`crate::db::migrate`] reads.
pub const V1_TABLES: &[&str] = &[
    "meta",
    "schema_history",
    "workshop",
    "step",
    "validation",
    "blob",
    "artifact",
    "asset",
    "runtime_blob",
    "cursor",
    "progress",
    "check_result",
    "snapshot",
];

/// Every table a workshop of the current version must have.
pub fn required_tables() -> impl Iterator<Item = &'static str> {
    META_TABLES.iter().chain(DEFINITION_TABLES).chain(ARTIFACT_TABLES).chain(RUNTIME_TABLES).copied()
}

/// The pattern every slug and validation id must match, as a GLOB-free description.
pub const SLUG_RULE: &str = "1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit";

/// Whether `s` is a valid slug (see [`SLUG_RULE`]).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Version-1 schema, as files of version 1 hold it (migrated to [`SCHEMA_V2`] when opened).
pub const SCHEMA_V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE schema_history (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE workshop (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    slug     TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*'),
    title    TEXT NOT NULL CHECK (length(title) > 0),
    version  TEXT NOT NULL,
    summary  TEXT NOT NULL DEFAULT '',
    authors  TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL DEFAULT 'en',
    license  TEXT,
    unlock   TEXT NOT NULL DEFAULT 'free' CHECK (unlock IN ('free', 'after_previous'))
) STRICT;

CREATE TABLE step (
    slug     TEXT PRIMARY KEY NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*'),
    position INTEGER NOT NULL UNIQUE CHECK (position >= 1),
    title    TEXT NOT NULL CHECK (length(title) > 0),
    minutes  INTEGER CHECK (minutes > 0),
    unlock   TEXT CHECK (unlock IN ('free', 'after_previous')),
    content  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE validation (
    step     TEXT NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    id       TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^a-z0-9-]*' AND id NOT GLOB '-*'),
    position INTEGER NOT NULL CHECK (position >= 1),
    kind     TEXT NOT NULL CHECK (kind IN ('sql', 'answer', 'manual', 'external')),
    prompt   TEXT NOT NULL,
    hint     TEXT,
    spec     TEXT NOT NULL,
    PRIMARY KEY (step, id),
    UNIQUE (step, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL,
    CHECK (length(data) = size)
) STRICT;

CREATE TABLE artifact (
    step       TEXT NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('manifests', 'files', 'state')),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blob (sha256),
    PRIMARY KEY (step, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX artifact_by_blob ON artifact (sha256);

CREATE TABLE asset (
    path       TEXT PRIMARY KEY NOT NULL CHECK (length(path) > 0),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blob (sha256)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_by_blob ON asset (sha256);

CREATE TABLE runtime_blob (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL,
    CHECK (length(data) = size)
) STRICT;

CREATE TABLE cursor (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    current_step TEXT REFERENCES step (slug) ON DELETE SET NULL,
    workspace    TEXT REFERENCES runtime_blob (sha256),
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE progress (
    step         TEXT PRIMARY KEY NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('started', 'done')),
    verified     INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    started_at   TEXT NOT NULL,
    completed_at TEXT,
    CHECK ((status = 'done') = (completed_at IS NOT NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE check_result (
    step       TEXT NOT NULL,
    validation TEXT NOT NULL,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    input      TEXT,
    message    TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (step, validation),
    FOREIGN KEY (step, validation) REFERENCES validation (step, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshot (
    id        INTEGER PRIMARY KEY CHECK (id >= 1),
    taken_at  TEXT NOT NULL,
    label     TEXT NOT NULL,
    state     TEXT NOT NULL,
    workspace TEXT REFERENCES runtime_blob (sha256)
) STRICT;
CREATE INDEX snapshot_by_blob ON snapshot (workspace);
"#;

/// Version-2 schema, the current one. Executed in one transaction on an empty database.
pub const SCHEMA_V2: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE schema_history (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE workshop (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    slug     TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*'),
    title    TEXT NOT NULL CHECK (length(title) > 0),
    version  TEXT NOT NULL,
    summary  TEXT NOT NULL DEFAULT '',
    authors  TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL DEFAULT 'en',
    license  TEXT,
    unlock   TEXT NOT NULL DEFAULT 'free' CHECK (unlock IN ('free', 'after_previous')),
    solution_after INTEGER NOT NULL DEFAULT 3 CHECK (solution_after >= 0)
) STRICT;

CREATE TABLE step (
    slug     TEXT PRIMARY KEY NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*'),
    position INTEGER NOT NULL UNIQUE CHECK (position >= 1),
    title    TEXT NOT NULL CHECK (length(title) > 0),
    minutes  INTEGER CHECK (minutes > 0),
    unlock   TEXT CHECK (unlock IN ('free', 'after_previous')),
    content  TEXT NOT NULL,
    setup    TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE validation (
    step     TEXT NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    id       TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^a-z0-9-]*' AND id NOT GLOB '-*'),
    position INTEGER NOT NULL CHECK (position >= 1),
    kind     TEXT NOT NULL CHECK (kind IN ('sql', 'answer', 'manual', 'external', 'choice')),
    prompt   TEXT NOT NULL,
    hints    TEXT NOT NULL DEFAULT '[]',
    spec     TEXT NOT NULL,
    solution TEXT,
    feedback TEXT,
    PRIMARY KEY (step, id),
    UNIQUE (step, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL,
    CHECK (length(data) = size)
) STRICT;

CREATE TABLE artifact (
    step       TEXT NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('manifests', 'files', 'state')),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blob (sha256),
    PRIMARY KEY (step, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX artifact_by_blob ON artifact (sha256);

CREATE TABLE asset (
    path       TEXT PRIMARY KEY NOT NULL CHECK (length(path) > 0),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blob (sha256)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_by_blob ON asset (sha256);

CREATE TABLE runtime_blob (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL,
    CHECK (length(data) = size)
) STRICT;

CREATE TABLE cursor (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    current_step TEXT REFERENCES step (slug) ON DELETE SET NULL,
    workspace    TEXT REFERENCES runtime_blob (sha256),
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE progress (
    step         TEXT PRIMARY KEY NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('started', 'done')),
    verified     INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    started_at   TEXT NOT NULL,
    completed_at TEXT,
    CHECK ((status = 'done') = (completed_at IS NOT NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE check_result (
    step       TEXT NOT NULL,
    validation TEXT NOT NULL,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    input      TEXT,
    message    TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    hints_opened   INTEGER NOT NULL DEFAULT 0 CHECK (hints_opened >= 0),
    solution_shown INTEGER NOT NULL DEFAULT 0 CHECK (solution_shown IN (0, 1)),
    PRIMARY KEY (step, validation),
    FOREIGN KEY (step, validation) REFERENCES validation (step, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshot (
    id        INTEGER PRIMARY KEY CHECK (id >= 1),
    taken_at  TEXT NOT NULL,
    label     TEXT NOT NULL,
    state     TEXT NOT NULL,
    workspace TEXT REFERENCES runtime_blob (sha256)
) STRICT;
CREATE INDEX snapshot_by_blob ON snapshot (workspace);

CREATE TABLE step_setup (
    step   TEXT PRIMARY KEY NOT NULL REFERENCES step (slug) ON DELETE CASCADE,
    ran_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE learner (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    named_at TEXT NOT NULL
) STRICT;
"#;
