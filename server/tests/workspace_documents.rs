//! Documents, on SQLite and on PostgreSQL: sharing a file into a workspace's folder, its
//! download as an attachment, the kinds refused by their content, the size limit (announced
//! or not), the room of a workspace and of a person's day, names neutralised, who may share,
//! read and delete, and what an account's deletion leaves.

mod common;

use app::workspace::document::DocumentList;
use app::workspace::document_api::DeleteDocument;
use app::workspace::notice::NoticeKind;
use common::workspaces::{
    accept, create, documents, get, group, link, named, notices, sent_back, stored_files, upload,
};
use common::{on_each_engine, on_each_engine_with, TestApp};
use leptos::server_fn::ServerFn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The tests' limit (`common::config`).
const LIMIT: usize = 2 * 1024 * 1024;

/// A PDF's first bytes, then `len` bytes in all.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b'x');
    bytes
}

/// The workspace lists no document and the storage holds no file.
async fn nothing_kept(app: &TestApp, who: &reqwest::Client, id: &str) {
    assert!(documents(app, who, id).await.unwrap().documents.is_empty());
    assert!(stored_files(app).is_empty(), "{:?}", stored_files(app));
}

async fn people(app: &TestApp) -> [reqwest::Client; 3] {
    [
        named(app, "owner@example.org", "Olga Owner").await,
        named(app, "member@example.org", "Marta Member").await,
        named(app, "observer@example.org", "Oto Observer").await,
    ]
}

#[tokio::test]
async fn a_member_shares_a_pdf_that_readers_download_as_an_attachment_and_members_are_told() {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;
        // Larger than a part of the local storage, so that it is written in several.
        let bytes = pdf(1_500_000);
        assert_eq!(
            upload(app, &member, &id, "Plan Šibenik.pdf", bytes.clone()).await,
            (303, None)
        );

        let seen = documents(app, &observer, &id).await.unwrap();
        assert_eq!(seen.documents.len(), 1);
        let d = &seen.documents[0];
        assert_eq!(d.name, "Plan Šibenik.pdf");
        assert_eq!(d.size_bytes, 1_500_000);
        assert_eq!(d.uploader.as_deref(), Some("Marta Member"));
        assert!(!d.deletable, "an observer deletes nothing");
        assert!(!seen.writes);
        assert!(documents(app, &member, &id).await.unwrap().documents[0].deletable);
        assert!(documents(app, &owner, &id).await.unwrap().documents[0].deletable);

        let res = observer
            .get(app.url(&format!("/workspaces/{id}/documents/{}", d.document_id)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let header = |name: &str| res.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(
            header("content-disposition"),
            "attachment; filename=\"Plan _ibenik.pdf\"; filename*=UTF-8''Plan%20%C5%A0ibenik.pdf"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(header("content-security-policy").starts_with("sandbox"));
        assert!(res.headers().get("content-encoding").is_none());
        assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
        assert_eq!(stored_files(app).len(), 1);

        for who in [&owner, &observer] {
            let mine = notices(app, who).await;
            let n = &mine.notices[0];
            assert_eq!(n.kind, NoticeKind::Document);
            assert_eq!(n.document_name.as_deref(), Some("Plan Šibenik.pdf"));
            assert_eq!(n.href(), format!("/workspaces/{id}#documents"));
        }
        let own = notices(app, &member).await;
        assert!(own.notices.is_empty(), "nobody is told of their own file");
    })
    .await;
}

#[tokio::test]
async fn files_that_lie_about_their_kind_are_off_the_list_or_empty_are_refused_and_nothing_is_kept()
{
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let mut exe = b"MZ\x90\x00".to_vec();
        exe.resize(4096, 0);
        for (name, bytes, problem) in [
            ("report.pdf", exe.clone(), "mismatch"),
            ("photo.png", pdf(2048), "mismatch"),
            ("data.csv", b"a,b\x00c".to_vec(), "mismatch"),
            ("setup.exe", exe, "forbidden"),
            (
                "page.html",
                b"<html><script>alert(1)</script>".to_vec(),
                "forbidden",
            ),
            ("logo.svg", b"<svg onload=alert(1)>".to_vec(), "forbidden"),
            ("empty.pdf", Vec::new(), "empty"),
            ("", pdf(100), "no_file"),
        ] {
            assert_eq!(
                upload(app, &member, &id, name, bytes).await,
                (303, Some(problem.to_owned())),
                "{name}"
            );
        }
        nothing_kept(app, &owner, &id).await;
    })
    .await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_whether_or_not_its_size_was_announced() {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;

        // Not announced: sent in pieces, refused once the limit is passed.
        let pieces: Vec<Result<Vec<u8>, std::io::Error>> = pdf(LIMIT + 1)
            .chunks(64 * 1024)
            .map(|c| Ok(c.to_vec()))
            .collect();
        let body = reqwest::Body::wrap_stream(futures::stream::iter(pieces));
        let part = reqwest::multipart::Part::stream(body).file_name("big.pdf");
        let res = member
            .post(app.url(&format!("/workspaces/{id}/documents")))
            .header("origin", &app.base)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(sent_back(res), (303, Some("too_large".to_owned())));

        // Announced: refused before a byte of the body is read (only its first bytes are
        // ever sent here).
        let (announcer, cookies) = common::person_with_cookies(app, "announcer@example.org").await;
        let token = link(app, &owner, &id, "member", "1").await;
        assert_eq!(accept(app, &announcer, &token).await.0, 200);
        let address = app.base.trim_start_matches("http://");
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST /workspaces/{id}/documents HTTP/1.1\r\nhost: {address}\r\norigin: {}\r\n\
             cookie: {cookies}\r\ncontent-type: multipart/form-data; boundary=x\r\n\
             content-length: {}\r\n\r\n--x\r\n",
            app.base,
            LIMIT * 2
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
            .await
            .expect("answered without waiting for the body")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
        assert!(answer.contains("document_problem=too_large"), "{answer}");

        nothing_kept(app, &owner, &id).await;
    })
    .await;
}

#[tokio::test]
async fn a_name_with_a_path_in_it_is_kept_without_the_path() {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;
        for sent in ["../../etc/minutes.txt", "C:\\Users\\ana\\minutes.txt"] {
            assert_eq!(
                upload(app, &member, &id, sent, b"Zapisnik".to_vec()).await,
                (303, None)
            );
        }
        let names: Vec<String> = documents(app, &owner, &id)
            .await
            .unwrap()
            .documents
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names, ["minutes.txt", "minutes.txt"]);
        for file in stored_files(app) {
            assert!(file.starts_with(app.documents.join("workspaces").join(&id)));
        }
    })
    .await;
}

#[tokio::test]
async fn only_writers_share_only_readers_download_and_a_guessed_document_is_not_found() {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let stranger = named(app, "stranger@example.org", "Stella Stranger").await;
        let visitor = common::client();
        let private = group(app, &owner, "private", &member, &observer).await;
        let public = create(app, &owner, "Open data", "public", &[]).await;

        for (who, status) in [(&observer, 403), (&stranger, 404), (&visitor, 401)] {
            assert_eq!(
                upload(app, who, &private, "plan.pdf", pdf(100)).await.0,
                status
            );
        }
        let forged = member
            .post(app.url(&format!("/workspaces/{private}/documents")))
            .header("origin", "https://elsewhere.example")
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(pdf(100)).file_name("plan.pdf"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 403, "a form from another site");

        assert_eq!(
            upload(app, &member, &private, "plan.pdf", pdf(100)).await,
            (303, None)
        );
        assert_eq!(
            upload(app, &owner, &public, "open.pdf", pdf(100)).await,
            (303, None)
        );
        let in_private = documents(app, &owner, &private).await.unwrap().documents[0]
            .document_id
            .clone();
        let in_public = documents(app, &owner, &public).await.unwrap().documents[0]
            .document_id
            .clone();
        let status = |who: &reqwest::Client, path: String| {
            let request = who.get(app.url(&path)).send();
            async move { request.await.unwrap().status().as_u16() }
        };
        let at = |w: &str, d: &str| format!("/workspaces/{w}/documents/{d}");
        assert_eq!(status(&stranger, at(&private, &in_private)).await, 404);
        assert_eq!(
            status(&stranger, at(&private, "no-such-document")).await,
            404,
            "the same answer as for a document that is there"
        );
        assert_eq!(status(&visitor, at(&private, &in_private)).await, 401);
        assert_eq!(status(&visitor, at(&public, &in_public)).await, 200);
        assert_eq!(
            status(&visitor, at(&public, &in_private)).await,
            404,
            "a private document through a public workspace's address"
        );
        assert_eq!(documents(app, &stranger, &private).await.unwrap_err(), 404);
    })
    .await;
}

#[tokio::test]
async fn its_uploader_or_a_facilitator_deletes_a_document_and_its_file_goes_with_it() {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let colleague = named(app, "colleague@example.org", "Cvita Colleague").await;
        let token = link(app, &owner, &id, "member", "1").await;
        assert_eq!(accept(app, &colleague, &token).await.0, 200);
        for name in ["one.pdf", "two.pdf"] {
            assert_eq!(upload(app, &member, &id, name, pdf(100)).await, (303, None));
        }
        let list: DocumentList = documents(app, &owner, &id).await.unwrap();
        let [two, one] = [&list.documents[0], &list.documents[1]];
        assert_eq!(
            (one.name.as_str(), two.name.as_str()),
            ("one.pdf", "two.pdf")
        );
        let delete = |who: &reqwest::Client, document: &str| {
            let form = [
                ("workspace_id", id.clone()),
                ("document_id", document.to_owned()),
            ];
            let request = who
                .post(app.url(DeleteDocument::PATH))
                .header("origin", &app.base)
                .form(&form)
                .send();
            async move { request.await.unwrap().status().as_u16() }
        };
        assert_eq!(delete(&colleague, &one.document_id).await, 403);
        assert_eq!(delete(&observer, &one.document_id).await, 403);
        assert_eq!(delete(&member, &one.document_id).await, 200);
        assert_eq!(delete(&owner, &two.document_id).await, 200);
        assert_eq!(delete(&owner, &two.document_id).await, 404);
        nothing_kept(app, &owner, &id).await;
    })
    .await;
}

#[tokio::test]
async fn a_deleted_account_leaves_its_documents_to_a_former_member_and_takes_its_lone_workspaces_files(
) {
    on_each_engine(async |app, _| {
        let [owner, member, observer] = people(app).await;
        let shared = group(app, &owner, "private", &member, &observer).await;
        let alone = create(app, &member, "My notes", "private", &[]).await;
        assert_eq!(
            upload(app, &member, &shared, "plan.pdf", pdf(100)).await,
            (303, None)
        );
        assert_eq!(
            upload(app, &member, &alone, "draft.txt", b"draft".to_vec()).await,
            (303, None)
        );

        let data: app::identity::model::PersonalData =
            get(app, &member, app::identity::api::ExportMyData::PATH, &[])
                .await
                .unwrap();
        let mut shared_files: Vec<(&str, &str, i64)> = data
            .workspaces
            .documents
            .iter()
            .map(|(w, name, size, _)| (w.as_str(), name.as_str(), *size))
            .collect();
        shared_files.sort();
        assert_eq!(
            shared_files,
            [
                ("Cluster financing", "plan.pdf", 100),
                ("My notes", "draft.txt", 5)
            ]
        );

        let delete = [("password", common::PASSWORD)];
        let (status, body) = app
            .call_with(&member, app::identity::api::DeleteAccount::PATH, &delete)
            .await;
        assert_eq!(status, 200, "{body}");
        let left = documents(app, &owner, &shared).await.unwrap().documents;
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].uploader, None);
        assert!(left[0].deletable, "a facilitator may still delete it");
        let files = stored_files(app);
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(files[0].starts_with(app.documents.join("workspaces").join(&shared)));
    })
    .await;
}

#[tokio::test]
async fn a_workspace_keeps_documents_up_to_its_room_and_a_person_shares_up_to_a_days_allowance() {
    let room = |c: &mut server::config::Config| {
        c.workspace_storage_bytes = 2_500_000;
        c.daily_upload_bytes = 3_500_000;
    };
    on_each_engine_with(room, async |app, _| {
        let [owner, member, observer] = people(app).await;
        let id = group(app, &owner, "private", &member, &observer).await;
        let file = pdf(1_500_000);
        assert_eq!(
            upload(app, &member, &id, "one.pdf", file.clone()).await,
            (303, None)
        );
        let list = documents(app, &member, &id).await.unwrap();
        assert_eq!((list.used_bytes, list.room_bytes), (1_500_000, 2_500_000));
        assert_eq!(
            upload(app, &member, &id, "two.pdf", file.clone()).await,
            (303, Some("full".into())),
            "the workspace would keep 3 MB of its 2.5"
        );
        assert_eq!(stored_files(app).len(), 1, "nothing of it is kept");

        // Another workspace has room, but the member's day runs out: 1.5 + 1.5 + 1.5 > 3.5 MB.
        let other = create(app, &owner, "Second circle", "private", &[]).await;
        let token = link(app, &owner, &other, "member", "1").await;
        accept(app, &member, &token).await;
        assert_eq!(
            upload(app, &member, &other, "two.pdf", file.clone()).await,
            (303, None)
        );
        assert_eq!(
            upload(app, &member, &other, "three.pdf", file.clone()).await,
            (303, Some("daily_limit".into()))
        );
        assert_eq!(
            upload(app, &owner, &other, "three.pdf", pdf(500_000)).await,
            (303, None),
            "each person has a day of their own"
        );
        assert_eq!(stored_files(app).len(), 3);

        // Deleting makes room again.
        let first = &documents(app, &member, &id).await.unwrap().documents[0];
        let delete = [
            ("workspace_id", id.as_str()),
            ("document_id", &first.document_id),
        ];
        assert_eq!(
            app.call_with(&member, DeleteDocument::PATH, &delete)
                .await
                .0,
            200
        );
        assert_eq!(
            upload(app, &owner, &id, "again.pdf", file).await,
            (303, None)
        );
    })
    .await;
}
