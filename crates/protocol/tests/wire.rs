//! The JSON form of requests and answers: stable, and read back as what was sent.

use stepwise_protocol::wire::{FromWorker, Request, Response};
use stepwise_protocol::*;

fn entry() -> Entry {
    Entry {
        id: "w1".into(),
        kind: EntryKind::Workshop,
        title: "SQL joins".into(),
        slug: Some("sql-joins".into()),
        version: Some("1.0.0".into()),
        steps: 8,
        done: 2,
        bytes: 155_648,
        file_name: "sql-joins.db".into(),
        added_at: "2026-11-21T10:00:00Z".into(),
        last_opened: None,
        source: None,
    }
}

fn request<C: Call>(id: u32, call: C) -> Request {
    Request { id, body: call.into() }
}

/// Encodes `answer` as the worker does and decodes it as the page does.
fn through_the_wire<C: Call>(answer: C::Answer) -> C::Answer {
    let text = serde_json::to_string(&FromWorker::Response(Response::new::<C>(4, Ok(answer)))).unwrap();
    let FromWorker::Response(response) = serde_json::from_str(&text).unwrap() else { panic!("{text}") };
    response.decode::<C>().unwrap()
}

#[test]
fn requests_have_a_stable_json_form() {
    let cases = [
        (request(7, Ping {}), r#"{"id":7,"body":{"kind":"ping"}}"#),
        (
            request(8, Import { source: ImportSource::File { name: "a.db".into(), bytes: 3 } }),
            r#"{"id":8,"body":{"kind":"import","source":{"kind":"file","name":"a.db","bytes":3}}}"#,
        ),
        (
            request(9, Artifacts { entry: "w1".into(), step: "pod".into() }),
            r#"{"id":9,"body":{"kind":"artifacts","entry":"w1","step":"pod"}}"#,
        ),
        (
            request(9, ExportText { entry: "w1".into(), form: TextForm::Decompiled }),
            r#"{"id":9,"body":{"kind":"export_text","entry":"w1","form":"decompiled"}}"#,
        ),
        (
            request(10, Query { entry: "w1".into(), sql: "SELECT 1".into(), write: false }),
            r#"{"id":10,"body":{"kind":"query","entry":"w1","sql":"SELECT 1","write":false}}"#,
        ),
    ];
    for (request, json) in cases {
        assert_eq!(serde_json::to_string(&request).unwrap(), json);
        assert_eq!(serde_json::from_str::<Request>(json).unwrap(), request);
    }
}

#[test]
fn answers_round_trip_as_their_own_type() {
    let stored = Stored::Imported(Imported { entry: entry(), carried: Some((3, 1)) });
    assert_eq!(through_the_wire::<Import>(stored.clone()), stored);
    let dup = Stored::Duplicate(Duplicate { pending: "p1".into(), existing: entry(), incoming: entry() });
    assert_eq!(through_the_wire::<Import>(dup.clone()), dup);
    assert_eq!(
        through_the_wire::<Init>(Storage::Memory { reason: "private".into() }),
        Storage::Memory { reason: "private".into() }
    );
    assert_eq!(through_the_wire::<Remove>(()), ());
    assert_eq!(through_the_wire::<ResolveDuplicate>(Resolved::Cancelled), Resolved::Cancelled);
    let sql: SqlOutcome = Err("no such table: t".into());
    assert_eq!(through_the_wire::<RunSql>(sql.clone()), sql);
    let view = ArtifactsView {
        manifests: vec![ManifestDoc { kind: "Pod".into(), name: "hello".into(), text: "kind: Pod\n".into() }],
        files: vec![FileItem { path: "logo.png".into(), bytes: 900, text: None }],
        state: Some("concepts: [Pod]\n".into()),
    };
    assert_eq!(through_the_wire::<Artifacts>(view.clone()), view);
    let opened = OpenedEntry { entry: entry(), view: OpenedView::Playground { tables: vec![("t".into(), Some(3))] } };
    assert_eq!(through_the_wire::<Open>(opened.clone()), opened);
}

#[test]
fn imported_answers_are_tagged_for_scripts() {
    let stored = Stored::Imported(Imported { entry: entry(), carried: None });
    let response = Response::new::<Import>(1, Ok(stored));
    let json: serde_json::Value = serde_json::from_str(response.ok.as_deref().unwrap()).unwrap();
    assert_eq!(json["kind"], "imported");
    assert_eq!(json["entry"]["id"], "w1");
}

#[test]
fn an_answer_of_another_shape_is_an_error_not_a_panic() {
    let response = Response::new::<List>(3, Ok(vec![entry()]));
    let error = response.decode::<Play>().unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert!(error.message.contains("reload the page"), "{}", error.message);
}

#[test]
fn refusals_travel_as_errors() {
    let refused = Response::new::<Open>(5, Err(WorkerError::new(ErrorKind::NotFound, "gone")));
    let text = serde_json::to_string(&FromWorker::Response(refused)).unwrap();
    assert_eq!(text, r#"{"kind":"response","id":5,"error":{"kind":"not_found","message":"gone"}}"#);
    let FromWorker::Response(back) = serde_json::from_str(&text).unwrap() else { panic!() };
    assert_eq!(back.decode::<Open>().unwrap_err(), WorkerError::new(ErrorKind::NotFound, "gone"));
}

#[test]
fn the_loaders_failure_message_is_understood() {
    // Written by hand in static/worker-loader.js: keep the two in step.
    let text = r#"{"kind":"failed_to_start","reason":"TypeError: x"}"#;
    assert_eq!(
        serde_json::from_str::<FromWorker>(text).unwrap(),
        FromWorker::FailedToStart { reason: "TypeError: x".into() }
    );
    let progress = FromWorker::Progress(ByteProgress { id: 2, stage: "Checking".into(), done: 1, total: Some(2) });
    let text = serde_json::to_string(&progress).unwrap();
    assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), progress);
}

/// One request of every kind, each with its fields set (a kind added to [`RequestBody`] without
/// a line here does not compile: see `index`).
fn one_of_each() -> Vec<RequestBody> {
    let e = || "w1".to_owned();
    let s = |x: &str| x.to_owned();
    let options = DataOptions { delimiter: Some(';'), header: Some(true) };
    vec![
        Ping {}.into(),
        Init { after_stop: true }.into(),
        List {}.into(),
        Import { source: ImportSource::Url { url: s("https://example.org/a.db") } }.into(),
        ResolveDuplicate { pending: s("p1"), choice: DuplicateChoice::ReplaceKeepProgress }.into(),
        Open { entry: e() }.into(),
        Download { entry: e() }.into(),
        Remove { entry: e() }.into(),
        ExportText { entry: e(), form: TextForm::Project }.into(),
        PreviewZip { name: s("a.zip") }.into(),
        ImportZip { name: s("a.zip") }.into(),
        NewDatabase { name: s("new.db") }.into(),
        PreviewData { name: s("a.csv"), options, pending: Some(s("p2")) }.into(),
        ImportData {
            name: s("a.csv"),
            entry: Some(e()),
            table: s("t"),
            append: true,
            options,
            types: vec![ColumnType::Integer, ColumnType::Text],
            pending: None,
        }
        .into(),
        RebuildProject { entry: e(), name: s("p.zip") }.into(),
        Tables { entry: e() }.into(),
        BrowseTable { entry: e(), table: s("t"), offset: 40, limit: 20, order_by: Some(s("name")), descending: true }
            .into(),
        TableStructure { entry: e(), table: s("t") }.into(),
        Query { entry: e(), sql: s("SELECT 1"), write: true }.into(),
        TableCsv { entry: e(), table: s("t") }.into(),
        Play { entry: e(), step: Some(s("joins")) }.into(),
        Artifacts { entry: e(), step: s("joins") }.into(),
        RunSql { entry: e(), sql: s("SELECT 2"), seconds: Some(3) }.into(),
        Check { entry: e(), step: s("joins"), validation: s("v1"), input: Some(s("x")) }.into(),
        OpenHint { entry: e(), step: s("joins"), validation: s("v1") }.into(),
        ShowSolution { entry: e(), step: s("joins"), validation: s("v1") }.into(),
        Completion { entry: e() }.into(),
        SetLearner { entry: e(), name: s("Ada") }.into(),
        ResetWorkspace { entry: e(), step: s("joins") }.into(),
        ResetProgress { entry: e() }.into(),
        RestoreSnapshot { entry: e(), snapshot: 7 }.into(),
        ReadHandIn { name: s("ada.db") }.into(),
        ClassSummary {}.into(),
        ClassCsv {}.into(),
        ClearClass {}.into(),
    ]
}

/// Each kind's place in [`one_of_each`]; the match has no catch-all, so a new kind must be
/// added there.
fn index(body: &RequestBody) -> usize {
    use RequestBody as R;
    match body {
        R::Ping(_) => 0,
        R::Init(_) => 1,
        R::List(_) => 2,
        R::Import(_) => 3,
        R::ResolveDuplicate(_) => 4,
        R::Open(_) => 5,
        R::Download(_) => 6,
        R::Remove(_) => 7,
        R::ExportText(_) => 8,
        R::PreviewZip(_) => 9,
        R::ImportZip(_) => 10,
        R::NewDatabase(_) => 11,
        R::PreviewData(_) => 12,
        R::ImportData(_) => 13,
        R::RebuildProject(_) => 14,
        R::Tables(_) => 15,
        R::BrowseTable(_) => 16,
        R::TableStructure(_) => 17,
        R::Query(_) => 18,
        R::TableCsv(_) => 19,
        R::Play(_) => 20,
        R::Artifacts(_) => 21,
        R::RunSql(_) => 22,
        R::Check(_) => 23,
        R::OpenHint(_) => 24,
        R::ShowSolution(_) => 25,
        R::Completion(_) => 26,
        R::SetLearner(_) => 27,
        R::ResetWorkspace(_) => 28,
        R::ResetProgress(_) => 29,
        R::RestoreSnapshot(_) => 30,
        R::ReadHandIn(_) => 31,
        R::ClassSummary(_) => 32,
        R::ClassCsv(_) => 33,
        R::ClearClass(_) => 34,
    }
}

/// The worker reads every kind of request the page writes back as it was, its kind spelled as
/// serde spells it (`browse_table`, `read_hand_in`), straight from the JSON.
#[test]
fn every_kind_of_request_is_read_back_as_written() {
    let all = one_of_each();
    let places: Vec<usize> = all.iter().map(index).collect();
    assert_eq!(places, (0..all.len()).collect::<Vec<_>>(), "one of each kind, in order");
    for body in all {
        let json = serde_json::to_string(&Request { id: 3, body: body.clone() }).unwrap();
        assert!(json.starts_with(r#"{"id":3,"body":{"kind":""#), "{json}");
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap().body, body, "{json}");
    }
}

/// What the worker says of requests it cannot read: an unknown kind (quoted in part), a kind
/// that does not come first, a field of the wrong type.
#[test]
fn requests_it_cannot_read_are_named() {
    let read = |json: &str| serde_json::from_str::<Request>(json).unwrap_err().to_string();
    assert!(read(r#"{"id":1,"body":{"kind":"fly"}}"#).contains(r#"a request with an unknown kind "fly""#));
    let long = format!(r#"{{"id":1,"body":{{"kind":"{}"}}}}"#, "x".repeat(5000));
    assert!(read(&long).len() < 200, "a long kind is quoted in part");
    assert!(
        read(r#"{"id":1,"body":{"entry":"w1","kind":"open"}}"#)
            .contains("the first field of a request must be its `kind`")
    );
    assert!(read(r#"{"id":1,"body":{}}"#).contains("the first field of a request must be its `kind`"));
    assert!(read(r#"{"id":1,"body":{"kind":"open","entry":4}}"#).contains("invalid type"));
    assert!(read(r#"{"id":1,"body":{"kind":"open"}}"#).contains("missing field `entry`"));
    assert!(read(r#"{"id":1,"body":"open"}"#).contains("a request"));
    // The names are whole: a kind that only begins like one, or runs on, is not it.
    assert!(read(r#"{"id":1,"body":{"kind":"ope"}}"#).contains("with an unknown kind"));
    assert!(read(r#"{"id":1,"body":{"kind":"open_"}}"#).contains("with an unknown kind"));
    assert!(read(r#"{"id":1,"body":{"kind":"browsetable"}}"#).contains("with an unknown kind"));
    assert!(read(r#"{"id":1,"body":{"kind":"Open"}}"#).contains("with an unknown kind"));
}

/// Writes `value` as the worker or the page does and reads it back; the tag comes first.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(tag: &str, value: T) {
    let json = serde_json::to_string(&value).unwrap();
    assert!(json.starts_with(&format!(r#"{{"{tag}":""#)), "{json}");
    assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value, "{json}");
}

/// Every variant of every tagged enum that travels is read back as written, straight from the
/// JSON, tag first (tagged.rs).
#[test]
fn every_tagged_enum_is_read_back_as_written() {
    let imported = Imported { entry: entry(), carried: Some((3, 1)) };
    let duplicate = Duplicate { pending: "p1".into(), existing: entry(), incoming: entry() };
    let zip = ZipContents {
        name: "w.zip".into(),
        form: TextForm::Workshop,
        title: "SQL joins".into(),
        items: vec![("workshop.yaml".into(), 120)],
        counts: "8 steps".into(),
        source: None,
        not_carried: Vec::new(),
    };
    let preview = DataPreview {
        name: "a.csv".into(),
        format: DataFormat::Delimited,
        delimiter: Some(','),
        header: true,
        columns: vec![DataColumn { name: "id".into(), column_type: ColumnType::Integer, empty: 0 }],
        rows: vec![vec![Some("1".into()), None]],
        total: 1,
        table: "a".into(),
        notes: vec!["2 empty cells".into()],
        problem: None,
        pending: Some("p2".into()),
    };
    round_trip("kind", Storage::Opfs);
    round_trip("kind", Storage::Memory { reason: "private window".into() });
    round_trip("kind", ImportSource::File { name: "a.db".into(), bytes: 3 });
    round_trip("kind", ImportSource::Url { url: "https://example.org/a.db".into() });
    round_trip("kind", Stored::Imported(imported.clone()));
    round_trip("kind", Stored::Duplicate(duplicate.clone()));
    round_trip("kind", Stored::ZipFound(zip));
    round_trip("kind", Stored::DataFound(preview));
    round_trip("kind", Added::Imported(imported.clone()));
    round_trip("kind", Added::Duplicate(duplicate));
    round_trip("kind", Resolved::Imported(imported));
    round_trip("kind", Resolved::Cancelled);
    round_trip("kind", OpenedView::Workshop);
    round_trip("kind", OpenedView::Playground { tables: vec![("t".into(), Some(3)), ("v".into(), None)] });
    round_trip("state", SetupNote::Ran { at: "2026-01-01T00:00:00Z".into() });
    round_trip("state", SetupNote::Failed { message: "no such table".into() });
    round_trip("state", SetupNote::FilesUnreadable { message: "x.db is damaged".into() });
    round_trip("flag", Flag::Edited);
    round_trip("flag", Flag::OtherVersion { version: "2.0.0".into() });
    round_trip("flag", Flag::OtherWorkshop { title: "Other".into() });
    round_trip("kind", FromWorker::Started);
    round_trip("kind", FromWorker::FailedToStart { reason: "no wasm".into() });
    round_trip("kind", FromWorker::Loading(LoadProgress { done: 65_536, total: Some(623_108) }));
    round_trip("kind", FromWorker::Loading(LoadProgress { done: 65_536, total: None }));
    round_trip("kind", FromWorker::Progress(ByteProgress { id: 4, stage: "Copying".into(), done: 1, total: Some(2) }));
    round_trip("kind", FromWorker::Response(Response::new::<Remove>(4, Ok(()))));
}

/// A tagged answer whose tag is not first, or names no variant, is an error that says so.
#[test]
fn a_tagged_answer_read_otherwise_is_refused_with_its_reason() {
    let err = |json: &str| serde_json::from_str::<Storage>(json).unwrap_err().to_string();
    assert!(err(r#"{"reason":"x","kind":"memory"}"#).contains("the first field of a storage must be its `kind`"));
    assert!(err(r#"{"kind":"disk"}"#).contains(r#"a storage with an unknown kind "disk""#));
    assert!(err(r#"{"kind":"memory"}"#).contains("missing field `reason`"));
    let flag = serde_json::from_str::<Flag>(r#"{"flag":"edited","extra":[1,{"a":2}]}"#).unwrap();
    assert_eq!(flag, Flag::Edited, "a unit variant passes over other fields");
}
