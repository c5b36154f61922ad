//! The importers on fixtures written here: a Killercoda scenario (intro, steps with verify,
//! background and foreground scripts, host assets, exec/copy markers, an image, a port link)
//! and a Codelab (header, durations, info boxes of every form, a button, a survey, a video, an
//! image), each built into a workshop that `verify` accepts, the same digest every time; and
//! hostile sources refused with one line.
#![cfg(not(target_arch = "wasm32"))]

use stepwise_artifact::archive::{FileTree, Limits};
use stepwise_artifact::import::{SourceKind, detect, import};
use stepwise_artifact::{Opened, Rule, open_checked, text};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba,
    0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn killercoda() -> FileTree {
    let mut t = FileTree::new();
    let mut add = |p: &str, d: &[u8]| t.insert(&format!("sqlite-first-steps/{p}"), d.to_vec()).unwrap();
    add(
        "index.json",
        br#"{
  "title": "SQLite first steps",
  "description": "Create a database, load rows and query them with the sqlite3 shell.",
  "details": {
    "intro": { "text": "intro.md", "background": "background.sh" },
    "steps": [
      { "title": "Create the database", "text": "step1/text.md", "verify": "step1/verify.sh" },
      { "title": "Load the customers", "text": "step2/text.md", "verify": "step2/verify.sh", "foreground": "step2/fg.sh" },
      { "text": "step3/text.md", "verify": "step3/verify.sh" }
    ],
    "finish": { "text": "finish.md" },
    "assets": { "host01": [ { "file": "shop.sql", "target": "/root" }, { "file": "nothing-*.txt", "target": "/tmp" } ] }
  },
  "backend": { "imageid": "ubuntu" },
  "interface": { "layout": "ide" }
}"#,
    );
    add("intro.md", b"Welcome! In a few minutes you will build a small shop database.\n");
    add("background.sh", b"apt-get install -y sqlite3 >/dev/null 2>&1\necho done > /tmp/ready\n");
    add("finish.md", b"Well done: the shop now has a paris view.\n");
    add(
        "step1/text.md",
        b"The schema we will build:\n\n![Tables of the shop](./schema.png)\n\nCreate the database file:\n\n`sqlite3 /root/shop.db \"VACUUM;\"`{{exec}}\n\n```plain\nls -l /root/shop.db\n```{{exec}}\n",
    );
    add("step1/schema.png", PNG);
    add("step1/verify.sh", b"#!/bin/bash\ntest -s /root/shop.db\n");
    add(
        "step2/text.md",
        b"Load the rows:\n\n```\nsqlite3 /root/shop.db < /root/shop.sql\n```{{exec interrupt}}\n\nCount them with `SELECT count(*) FROM customers;`{{copy}} inside `sqlite3 /root/shop.db`{{exec}}.\n\n<details><summary>Solution</summary>\n\n```sql\nSELECT count(*) FROM customers;\n```{{copy}}\n\n</details>\n",
    );
    add("step2/verify.sh", b"#!/bin/bash\n[ \"$(sqlite3 /root/shop.db 'SELECT count(*) FROM customers')\" = 3 ]\n");
    add("step2/fg.sh", b"sqlite3 /root/shop.db\n");
    add(
        "step3/text.md",
        b"# Keep the Paris customers\n\n```sql{1}\nCREATE VIEW paris AS SELECT * FROM customers WHERE city = 'Paris';\n```{{copy}}\n\nThen open [the report]({{TRAFFIC_HOST1_8080}}/paris).\n",
    );
    add("step3/verify.sh", b"#!/bin/bash\nsqlite3 /root/shop.db 'SELECT 1 FROM paris' >/dev/null\n");
    add("assets/shop.sql", b"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);\n");
    t
}

fn codelab() -> FileTree {
    let mut t = FileTree::new();
    t.insert(
        "joins-codelab.md",
        r#"summary: Combine two tables with INNER and LEFT joins.
id: sql_joins_codelab
categories: sql,beginner
environments: Web
status: Published
feedback link: https://example.org/issues
authors: Ada Lovelace, Grace Hopper

# Joins in three steps

<!-- ------------------------ -->
## Overview
Duration: 2

You will join `customers` and `orders`.

![Venn diagram of an inner join](img/venn.png)

Positive
: Every query here runs on the sample database; press **Run**.

<button>
  [Download the data](https://example.org/shop.zip)
</button>

<!-- ------------------------ -->
## Inner join
Duration: 5:30

```sql
SELECT c.name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id;
```

Negative
: Customers without orders are missing from this result.

<!-- ------------------------ -->
## Left join
Duration: 0:04:00

> aside positive
> `LEFT JOIN` keeps every row of the left table.

<aside class="negative">
Filtering the right table in <code>WHERE</code> turns it back into an inner join.
</aside>

<video id="KmeiFXrZucE"></video>

<form>
  <name>Which join did you use most before?</name>
  <input type="radio" value="INNER">
  <input type="radio" value="LEFT">
</form>
"#,
    )
    .unwrap();
    t.insert("img/venn.png", PNG.to_vec()).unwrap();
    t
}

/// Builds the imported workshop as `stepwise import` does and opens it through the pipeline.
fn built(tree: &FileTree) -> (stepwise_artifact::import::Imported, String, stepwise_artifact::Workshop) {
    let imported = import(tree, "src").expect("imports");
    let mut form = FileTree::new();
    text::write_workshop(&imported.workshop, &mut form).unwrap();
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    let digest = text::build(&form, "src", &mut conn).expect("builds");
    let Opened::Workshop(w) = open_checked(conn, "x.db", "2026-01-01T00:00:00Z").unwrap().1 else { panic!() };
    (imported, digest, w.workshop)
}

#[test]
fn a_killercoda_scenario_becomes_a_workshop() {
    let tree = killercoda();
    assert_eq!(detect(&tree).map(|d| d.0), Some(SourceKind::Killercoda));
    let (imported, digest, w) = built(&tree);
    assert_eq!(built(&tree).1, digest, "the same source, the same digest");
    assert_eq!((w.meta.slug.as_str(), w.meta.title.as_str()), ("sqlite-first-steps", "SQLite first steps"));
    assert!(w.meta.summary.starts_with("Create a database"));
    let slugs: Vec<&str> = w.steps.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(slugs, ["intro", "create-the-database", "load-the-customers", "keep-the-paris-customers", "finish"]);
    assert_eq!(w.steps[3].title, "Keep the Paris customers");
    assert!(!w.steps[3].content.contains("# Keep"), "the heading became the title");
    // Markers become plain code: a fenced block for a command alone on its line.
    let step1 = &w.steps[1].content;
    assert!(step1.contains("```\nsqlite3 /root/shop.db \"VACUUM;\"\n```"), "{step1}");
    assert!(step1.contains("```plain\nls -l /root/shop.db\n```\n"), "{step1}");
    assert!(step1.contains("![Tables of the shop](../../assets/step1/schema.png)"), "{step1}");
    assert!(!step1.contains("{{"), "{step1}");
    let step2 = &w.steps[2].content;
    assert!(
        step2.contains("Count them with `SELECT count(*) FROM customers;` inside `sqlite3 /root/shop.db`."),
        "{step2}"
    );
    assert!(step2.contains("```sql\nSELECT count(*) FROM customers;\n```\n\n</details>"), "{step2}");
    assert!(w.steps[3].content.contains("```sql\nCREATE VIEW"), "highlighted lines dropped");
    assert!(w.steps[3].content.contains("(http://localhost:8080/paris)"));
    // verify → an external check with the script; scripts and host assets in the step's files.
    match &w.steps[1].validations[0].rule {
        Rule::External { runner, spec } => {
            assert_eq!((runner.as_str(), spec.as_str()), ("bash", "#!/bin/bash\ntest -s /root/shop.db\n"))
        }
        other => panic!("{other:?}"),
    }
    let files = |i: usize| {
        let tar = &w.steps[i].artifacts.iter().find(|a| a.kind == stepwise_artifact::ArtifactKind::Files).unwrap().data;
        FileTree::from_tar("files", tar, &Limits::default()).unwrap()
    };
    assert!(files(0).contains("killercoda/background.sh") && files(0).contains("host01/root/shop.sql"));
    assert!(files(2).contains("killercoda/foreground.sh") && files(2).contains("killercoda/verify.sh"));
    assert_eq!(w.assets.len(), 1);
    // What could not be carried is said, one line each.
    let report = imported.report.join("\n");
    for said in [
        "lab machine (\"ubuntu\")",
        "`interface`",
        "background script",
        "foreground script",
        "\"nothing-*.txt\" matches no file",
        "port",
    ] {
        assert!(report.contains(said), "{said}:\n{report}");
    }
    assert!(stepwise_artifact::prove::without_solution(&w).is_empty(), "external checks need no solution");
}

#[test]
fn a_codelab_becomes_a_workshop() {
    let tree = codelab();
    assert_eq!(detect(&tree).map(|d| d.0), Some(SourceKind::Codelab));
    let (imported, digest, w) = built(&tree);
    assert_eq!(built(&tree).1, digest);
    assert_eq!((w.meta.slug.as_str(), w.meta.title.as_str()), ("sql-joins-codelab", "Joins in three steps"));
    assert_eq!(w.meta.authors, ["Ada Lovelace", "Grace Hopper"]);
    assert_eq!(w.meta.unlock, stepwise_artifact::Unlock::Free);
    let steps: Vec<(&str, Option<u32>)> = w.steps.iter().map(|s| (s.slug.as_str(), s.minutes)).collect();
    assert_eq!(steps, [("overview", Some(2)), ("inner-join", Some(6)), ("left-join", Some(4))]);
    let overview = &w.steps[0].content;
    assert!(
        overview.contains("> [!TIP]\n> Every query here runs on the sample database; press **Run**."),
        "{overview}"
    );
    assert!(overview.contains("![Venn diagram of an inner join](../../assets/img/venn.png)"), "{overview}");
    assert!(overview.contains("[Download the data](https://example.org/shop.zip)") && !overview.contains("<button>"));
    assert!(!overview.contains("Duration"), "{overview}");
    assert!(w.steps[1].content.contains("> [!WARNING]\n> Customers without orders"), "{}", w.steps[1].content);
    let left = &w.steps[2].content;
    assert!(left.contains("> [!TIP]\n> `LEFT JOIN` keeps every row"), "{left}");
    assert!(left.contains("> [!WARNING]\n> Filtering the right table"), "{left}");
    assert!(left.contains("[Video on YouTube](https://www.youtube.com/watch?v=KmeiFXrZucE)"), "{left}");
    assert!(left.contains("**Which join did you use most before?**\n\n- INNER\n- LEFT"), "{left}");
    let rendered = stepwise_artifact::markdown::render(left, &w.assets);
    assert!(rendered.contains("admonition-warning"), "{rendered}");
    let report = imported.report.join("\n");
    for said in ["categories", "environments", "feedback link", "survey", "video"] {
        assert!(report.contains(said), "{said}:\n{report}");
    }
}

#[test]
fn hostile_and_broken_sources_get_one_line() {
    let one = |tree: &FileTree| {
        let e = import(tree, "src.zip").expect_err("refused").to_string();
        assert!(!e.contains('\n') && e.len() < 400, "{e}");
        e
    };
    let mut t = FileTree::new();
    t.insert("notes.txt", "hello").unwrap();
    assert!(one(&t).contains("neither a Killercoda scenario"));
    let mut t = FileTree::new();
    t.insert("index.json", "{ not json").unwrap();
    assert!(one(&t).starts_with("index.json: is not a Killercoda index.json"));
    let mut t = FileTree::new();
    t.insert("index.json", format!(r#"{{"details": {{"steps": [{{"text": "{}"}}]}}}}"#, "x".repeat(100_000))).unwrap();
    let e = one(&t);
    assert!(e.contains("which is not there") && e.contains("(100000 bytes)"), "{e}");
    let mut t = FileTree::new();
    t.insert("index.json", r#"{"details": {"steps": [{"text": "../../etc/passwd"}]}}"#).unwrap();
    assert!(one(&t).contains("which is not there"));
    // Script tags in a step stay out of the page: the Markdown is sanitised as any step's.
    let mut t = killercoda();
    t.insert("sqlite-first-steps/intro.md", "<script>alert(1)</script><img src=x onerror=alert(1)>Hi").unwrap();
    let (_, _, w) = built(&t);
    let html = stepwise_artifact::markdown::render(&w.steps[0].content, &w.assets);
    assert!(!html.contains("<script") && !html.contains("onerror"), "{html}");
}
