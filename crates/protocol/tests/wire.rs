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
