//! The hostile-input corpus: every kind of bad input Stepwise must refuse, generated
//! by code from the v2-tiny fixture rather than committed as binaries.
//!
//! Used by `tests/hostile.rs` (natively, through `open_path`, `build_file`, `project::rebuild`)
//! and by `examples/hostile_corpus.rs`, which writes the same inputs and a `corpus.json` for
//! `tests/e2e/hostile.test.mjs` (through the worker's import paths). Each input says which
//! import path it is for, and what the message must name: natively (the library's error) and
//! in the app (the worker's sentence).
#![allow(dead_code)]

mod bytes;

use std::path::{Path, PathBuf};

use stepwise_artifact::archive::{FileTree, Limits};

pub use self::bytes::*;

/// Which import path an input goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportPath {
    /// A `.db` file (open / import).
    Db,
    /// A workshop text form as a zip (build / zip import).
    WorkshopZip,
    /// A project zip (project rebuild / zip import / rebuild of a stored database).
    ProjectZip,
}

impl ImportPath {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportPath::Db => "db",
            ImportPath::WorkshopZip => "workshop_zip",
            ImportPath::ProjectZip => "project_zip",
        }
    }
}

/// One hostile input.
#[derive(Debug, Clone)]
pub struct Input {
    /// What it is, for people (`truncated mid-header`).
    pub what: String,
    /// Its file name (`trunc-50.db`); the messages must name it.
    pub file: String,
    pub route: ImportPath,
    pub bytes: Vec<u8>,
    /// Substrings the library's error message must contain (besides the file name).
    pub native: Vec<String>,
    /// A regular expression (JS syntax) the worker's message must match (besides the name).
    pub worker: String,
    /// The worker's error kind.
    pub worker_kind: &'static str,
    /// When the worker refuses it: `import`, or `use` for bytes it checks only when a step
    /// needs them (an artifact's, left in the file until then): the import takes it and the
    /// step's artifacts are refused.
    pub worker_when: &'static str,
}

fn input(
    what: &str,
    file: &str,
    route: ImportPath,
    bytes: Vec<u8>,
    native: &[&str],
    worker: &str,
    kind: &'static str,
) -> Input {
    Input {
        what: what.to_owned(),
        file: file.to_owned(),
        route,
        bytes,
        native: native.iter().map(|s| (*s).to_owned()).collect(),
        worker: worker.to_owned(),
        worker_kind: kind,
        worker_when: "import",
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// The bytes of the v1 fixture workshop.
pub fn tiny() -> Vec<u8> {
    std::fs::read(fixtures().join("v2-tiny.db")).unwrap()
}

/// The v1 fixture's text form.
pub fn tiny_tree() -> FileTree {
    FileTree::from_dir(&fixtures().join("v2-tiny"), &Limits::default()).unwrap()
}

/// A YAML "billion laughs": nine levels of nine aliases each (9^9 nodes once expanded).
pub fn billion_laughs(first: &str) -> String {
    let mut y = format!("{first}\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (prev, next) = (w[0], w[1]);
        y.push_str(&format!(
            "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    y
}

/// A small project (shop: customers and orders) as a tree.
pub fn shop_project() -> FileTree {
    let mut t = FileTree::new();
    t.insert(
        "project.yaml",
        "version: 1\nproject:\n  name: shop\ntables:\n  - name: customers\n    columns:\n      - { name: id, type: INTEGER, primary_key: true }\n      - { name: name, type: TEXT }\n",
    )
    .unwrap();
    t.insert("data/customers.csv", "id,name\n1,Ada\n2,Grace\n").unwrap();
    t
}

/// The v1 fixture's bytes with progress recorded differently: the stored workshop the e2e test
/// starts from is this fixture; these inputs must leave it as it was.
pub fn corpus() -> Vec<Input> {
    use ImportPath::*;
    let tiny = tiny();
    let tree = tiny_tree();
    let len = tiny.len();
    let mut out = Vec::new();

    // --- .db files that are not (whole) databases.
    out.push(input("an empty file", "empty.db", Db, Vec::new(), &["empty"], "not an SQLite database", "not_sqlite"));
    out.push(input(
        "a text file named .db",
        "notes.db",
        Db,
        b"# notes\nnot a database\n".to_vec(),
        &["a text file"],
        "not an SQLite database: it is a text file",
        "not_sqlite",
    ));
    out.push(input(
        "random bytes (an encrypted database)",
        "secret.db",
        Db,
        {
            let mut x: u32 = 0x5eed;
            (0..8192)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 11) as u8
                })
                .collect()
        },
        &["encrypted"],
        "encrypted",
        "not_sqlite",
    ));
    // Truncations: mid-magic, mid-header, at the header's end, mid-first-page, at a page
    // boundary, mid-page, one byte short.
    for cut in [10, 50, 99, 100, 2000, 4096, 4096 + 1234, 8192, len / 2 + 100, len - 4096, len - 1] {
        out.push(input(
            &format!("cut after {cut} of {len} bytes"),
            &format!("trunc-{cut}.db"),
            Db,
            tiny[..cut].to_vec(),
            &["truncated"],
            "cut short",
            "damaged",
        ));
    }
    // Bit flips the sniffer or SQLite notices (the systematic sweep is in tests/hostile.rs).
    let mut flip = |what: &str, file: &str, offset: usize, mask: u8, native: &[&str], worker: &str| {
        let mut b = tiny.clone();
        b[offset] ^= mask;
        out.push(input(what, file, Db, b, native, worker, "damaged"));
    };
    flip("page size in the header flipped", "flip-pagesize.db", 16, 0x04, &["invalid page size"], "damaged");
    let step_page = root_page(&tiny, "step");
    flip(
        "a bit of the step table's b-tree page header flipped",
        "flip-step-btree.db",
        (step_page - 1) * 4096,
        0x40,
        &["damaged database"],
        "damaged",
    );
    let blob = blob_offset(&tiny, "SELECT data FROM blob WHERE sha256 IN (SELECT sha256 FROM asset)");
    flip("a bit of an asset's bytes flipped", "flip-asset.db", blob + 3, 0x01, &["digest mismatch"], "fingerprint");
    let blob = blob_offset(
        &tiny,
        "SELECT data FROM blob WHERE sha256 IN (SELECT sha256 FROM artifact WHERE step = 'first' AND kind = 'manifests')",
    );
    flip(
        "a bit of an artifact's bytes flipped",
        "flip-blob.db",
        blob + 3,
        0x01,
        &["digest mismatch"],
        "the manifest bundle of step “first” no longer matches the fingerprint",
    );
    out.last_mut().expect("just pushed").worker_when = "use";
    let content_at = tiny.windows(6).position(|w| w == b"Hello,").unwrap_or_else(|| {
        // any byte of step content
        tiny.windows(4).position(|w| w == b"step").unwrap()
    });
    let _ = content_at;

    // --- whole databases that are not what they claim.
    out.push(input(
        "another program's application_id",
        "foreign.db",
        Db,
        db_changed(&tiny, "PRAGMA application_id = 1280323888;"),
        &["another program", "0x4c503130"],
        // The app opens any other program's SQLite file as a playground (docs/ARCHITECTURE.md).
        "",
        "",
    ));
    out.push(input(
        "a future format version",
        "future.db",
        Db,
        db_changed(&tiny, "PRAGMA user_version = 99;"),
        &["newer Stepwise", "format version 99"],
        "newer version of Stepwise \\(format 99",
        "too_new",
    ));
    out.push(input(
        "a trigger on a runtime table that writes the definition",
        "trigger.db",
        Db,
        db_changed(&tiny, "CREATE TRIGGER evil AFTER INSERT ON progress BEGIN UPDATE step SET content = 'pwned'; END;"),
        &["trigger \"evil\" on progress", "no triggers"],
        "trigger \"evil\" on progress",
        "invalid",
    ));
    out.push(input(
        "a view that calls a function",
        "view.db",
        Db,
        db_changed(&tiny, "CREATE VIEW loader AS SELECT load_extension('/tmp/evil') AS x;"),
        &["view \"loader\"", "no views"],
        "view \"loader\"",
        "invalid",
    ));
    out.push(input(
        "an index with an expression on a runtime table",
        "index.db",
        Db,
        db_changed(&tiny, "CREATE INDEX evil_index ON progress (abs(verified) + length(step));"),
        &["index \"evil_index\" on progress", "not part of the format"],
        "index \"evil_index\" on progress",
        "invalid",
    ));
    out.push(input(
        "a runtime table redefined with a CHECK of its own",
        "redefined.db",
        Db,
        db_changed(
            &tiny,
            "PRAGMA foreign_keys = OFF; CREATE TABLE p2 AS SELECT * FROM progress; DROP TABLE progress;
             CREATE TABLE progress (step TEXT PRIMARY KEY NOT NULL, status TEXT NOT NULL, verified INTEGER NOT NULL,
               started_at TEXT NOT NULL, completed_at TEXT, CHECK (length(step) < 1000)) STRICT, WITHOUT ROWID;
             INSERT INTO progress SELECT * FROM p2; DROP TABLE p2;",
        ),
        &["table \"progress\"", "defined differently"],
        "table \"progress\" \\(defined differently",
        "invalid",
    ));
    out.push(input(
        "an older workshop carrying a trigger",
        "v0-trigger.db",
        Db,
        db_changed(
            &std::fs::read(fixtures().join("v0-intro.db")).unwrap(),
            "CREATE TRIGGER evil AFTER DELETE ON steps BEGIN SELECT 1; END;",
        ),
        &["trigger \"evil\" on steps"],
        "trigger \"evil\" on steps",
        "invalid",
    ));
    out.push(input(
        "step content changed after the build",
        "edited.db",
        Db,
        db_changed(&tiny, "UPDATE step SET content = content || '<script>x</script>' WHERE slug = 'first';"),
        &["content digest mismatch"],
        "fingerprint",
        "damaged",
    ));
    out.push(input(
        "a table dropped",
        "dropped.db",
        Db,
        db_changed(&tiny, "DROP TABLE snapshot;"),
        &["missing table(s) snapshot"],
        "lacks the table\\(s\\) snapshot",
        "damaged",
    ));

    // --- workshop text forms as zips.
    let zeros = vec![0u8; 4 << 20];
    out.push(input(
        "a zip bomb (4 MiB of zeros in a few KiB)",
        "bomb.zip",
        WorkshopZip,
        zip_of(&tree, &[("assets/zeros.bin", &zeros)]),
        &["assets/zeros.bin", "zip bomb"],
        "bomb\\.zip: assets/zeros\\.bin: too large: .*zip bomb",
        "invalid",
    ));
    out.push(input(
        "a zip entry escaping with ../",
        "dotdot.zip",
        WorkshopZip,
        zip_of(&tree, &[("../evil.txt", b"pwned")]),
        &["\"../evil.txt\"", "'..'"],
        "entry \"\\.\\./evil\\.txt\" refused",
        "invalid",
    ));
    out.push(input(
        "a zip entry with an absolute path",
        "absolute.zip",
        WorkshopZip,
        zip_of(&tree, &[("/etc/cron.d/evil", b"pwned")]),
        &["\"/etc/cron.d/evil\"", "absolute"],
        "entry \"/etc/cron\\.d/evil\" refused",
        "invalid",
    ));
    out.push(input(
        "a zip entry that is a symbolic link",
        "symlink.zip",
        WorkshopZip,
        zip_with_symlink(&tree, "assets/passwd", "/etc/passwd"),
        &["\"assets/passwd\"", "symbolic link"],
        "entry \"assets/passwd\" refused: .*symbolic link",
        "invalid",
    ));
    // files.tar inside a step: the step has no files/ folder in the fixture's second step.
    let tar_cases: [(&str, &str, Vec<u8>, &str, &str); 3] = [
        (
            "a files.tar entry escaping with ../",
            "tar-dotdot.zip",
            raw_tar(&[(b"../../evil", b"x")], None),
            "../../evil",
            "'..'",
        ),
        (
            "a files.tar entry with an absolute path",
            "tar-absolute.zip",
            raw_tar(&[(b"/etc/evil", b"x")], None),
            "/etc/evil",
            "absolute",
        ),
        (
            "a files.tar symbolic link",
            "tar-symlink.zip",
            raw_tar(&[(b"ok.txt", b"x")], Some((b"passwd", b"/etc/passwd"))),
            "passwd",
            "symbolic link",
        ),
    ];
    for (what, file, tar, entry, why) in tar_cases {
        let quoted = format!("{entry:?}");
        out.push(input(
            what,
            file,
            WorkshopZip,
            zip_of(&tree, &[("steps/02-second/files.tar", &tar)]),
            &["steps/02-second/files.tar", &quoted, why],
            &format!("steps/02-second/files\\.tar: entry {} refused", regex_escape(&quoted)),
            "invalid",
        ));
    }
    let bomb = billion_laughs("version: 1");
    out.push(input(
        "workshop.yaml with a billion-laughs alias bomb",
        "laughs.zip",
        WorkshopZip,
        zip_of(&tree, &[("workshop.yaml", bomb.as_bytes())]),
        &["workshop.yaml"],
        "laughs\\.zip.{1,2}workshop\\.yaml",
        "invalid",
    ));
    let wrong = yaml_edit(&tree, "minutes: 3", "minutes: three");
    let line = line_of(&wrong, "minutes: three");
    out.push(input(
        "workshop.yaml with a word where a number goes",
        "wrong-type.zip",
        WorkshopZip,
        zip_of(&tree, &[("workshop.yaml", &wrong)]),
        &[&format!("workshop.yaml:{line}"), "minutes"],
        &format!("workshop\\.yaml:{line}: .*minutes"),
        "invalid",
    ));
    let wrong = yaml_edit(&tree, "  title: A tiny workshop that uses every feature", "  title: [a, list]");
    let line = line_of(&wrong, "title: [a, list]");
    out.push(input(
        "workshop.yaml with a list where text goes",
        "wrong-list.zip",
        WorkshopZip,
        zip_of(&tree, &[("workshop.yaml", &wrong)]),
        &[&format!("workshop.yaml:{line}"), "title"],
        &format!("workshop\\.yaml:{line}: .*title"),
        "invalid",
    ));
    let progress =
        "step,status,verified,started_at,completed_at\nfirst,done,1,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z,extra\n";
    out.push(input(
        "a runtime CSV with a ragged row",
        "ragged.zip",
        WorkshopZip,
        zip_of(&tree, &[("data/progress.csv", progress.as_bytes())]),
        &["data/progress.csv:2", "6 field(s), but the header has 5"],
        "data/progress\\.csv:2: ",
        "invalid",
    ));
    let progress = "step,status,verified,started_at,completed_at\nfirst,\"done,1,2026-01-01T00:00:00Z,\n";
    out.push(input(
        "a runtime CSV with a quote never closed",
        "quote.zip",
        WorkshopZip,
        zip_of(&tree, &[("data/progress.csv", progress.as_bytes())]),
        &["data/progress.csv:2", "quote"],
        "data/progress\\.csv:2: .*quote",
        "invalid",
    ));

    // --- project zips.
    let shop = shop_project();
    out.push(input(
        "a project CSV with a ragged row",
        "shop-ragged.zip",
        ProjectZip,
        zip_of(&shop, &[("data/customers.csv", b"id,name\n1,Ada\n2,Grace,extra\n")]),
        &["data/customers.csv:3", "3 field(s), but the header has 2"],
        "data/customers\\.csv:3: ",
        "invalid",
    ));
    out.push(input(
        "a project CSV with broken quoting",
        "shop-quote.zip",
        ProjectZip,
        zip_of(&shop, &[("data/customers.csv", b"id,name\n1,\"Ada\n2,Grace\n")]),
        &["data/customers.csv:2", "quote"],
        "data/customers\\.csv:2: .*quote",
        "invalid",
    ));
    let bomb = billion_laughs("version: 1\nproject: {name: shop}\ntables: []");
    out.push(input(
        "project.yaml with a billion-laughs alias bomb",
        "shop-laughs.zip",
        ProjectZip,
        zip_of(&shop, &[("project.yaml", bomb.as_bytes())]),
        &["project.yaml"],
        "shop-laughs\\.zip.{1,2}project\\.yaml: repetition limit exceeded",
        "invalid",
    ));
    let wrong = String::from_utf8(shop.get("project.yaml").unwrap().to_vec())
        .unwrap()
        .replace("primary_key: true", "primary_key: maybe");
    let line = line_of(wrong.as_bytes(), "primary_key: maybe");
    out.push(input(
        "project.yaml with a word where a boolean goes",
        "shop-wrong-type.zip",
        ProjectZip,
        zip_of(&shop, &[("project.yaml", wrong.as_bytes())]),
        &[&format!("project.yaml:{line}"), "primary_key"],
        &format!("project\\.yaml:{line}: "),
        "invalid",
    ));
    out.push(input(
        "a project zip entry escaping with ../",
        "shop-dotdot.zip",
        ProjectZip,
        zip_of(&shop, &[("../../data/evil.csv", b"x\n1\n")]),
        &["\"../../data/evil.csv\"", "'..'"],
        "entry \"\\.\\./\\.\\./data/evil\\.csv\" refused",
        "invalid",
    ));
    out
}

fn regex_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut o, c| {
        if "\\^$.|?*+()[]{}/".contains(c) {
            o.push('\\');
        }
        o.push(c);
        o
    })
}

/// Markdown with the XSS tricks a sanitiser must defuse; none of the `forbidden` strings may
/// appear in the rendered HTML (lower-cased).
pub const XSS_MARKDOWN: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
    "<form action=\"https://evil.example\"><input name=x></form>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>x</details>",
    "![x](javascript:alert(1))",
    "<img src=\"https://evil.example/track.png\">",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<textarea><script>alert(1)</script></textarea>",
    "[x](  javascript:alert(1)  )",
    "<a href=\"java\tscript:alert(1)\">x</a>",
];

/// What must never appear in rendered HTML (compared lower-cased).
pub const XSS_FORBIDDEN: &[&str] = &[
    "<script",
    "onerror",
    "onload",
    "onclick",
    "ontoggle",
    "javascript:",
    "vbscript:",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<base",
    "<meta",
    "<style",
    "style=",
    "<svg",
    "<math",
    "<link",
    "evil.example/track",
    "data:text/html",
];
