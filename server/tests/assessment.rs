//! Questionnaire templates over HTTP and from the command line, on SQLite and on PostgreSQL:
//! the built-in template, import with versions, export, malformed files, and who may do what.

mod common;

use app::assessment::api::{ExportTemplate, GetTemplate, ImportTemplate, ListTemplates};
use app::assessment::commands::{self, BUILT_IN};
use app::assessment::model::{Template, TemplateSummary, TemplateVersion};
use app::error::{AppError, Problem};
use common::{error, on_each_engine, setup_admin, TestApp};
use leptos::server_fn::ServerFn;

const KEY: &str = "regional-cluster-policy";

async fn list(app: &TestApp) -> Vec<TemplateSummary> {
    let (status, body) = app.call(ListTemplates::PATH, &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn export(app: &TestApp, client: &reqwest::Client, version_id: &str) -> (u16, String) {
    let res = client
        .get(app.url(&format!("{}?version_id={version_id}", ExportTemplate::PATH)))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// The built-in template with its title changed in every language, and a new key when asked.
fn changed(title: &str, key: Option<&str>) -> Template {
    let mut template = Template::from_json(BUILT_IN).unwrap();
    for text in template.title.0.values_mut() {
        *text = format!("{text} ({title})");
    }
    if let Some(key) = key {
        template.key = key.to_owned();
    }
    template
}

async fn import(app: &TestApp, template: &str) -> (u16, String) {
    app.call(ImportTemplate::PATH, &[("definition", template)])
        .await
}

#[tokio::test]
async fn a_new_platform_has_the_built_in_template_in_english_and_croatian() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let templates = list(app).await;
        assert_eq!(templates.len(), 1, "{engine:?}");
        let built_in = &templates[0];
        assert_eq!(built_in.latest.definition.key, KEY);
        assert_eq!(built_in.latest.version, 1);
        assert_eq!(built_in.versions, 1);
        assert!(built_in.items >= 60, "{} items", built_in.items);
        let title = &built_in.latest.definition.title;
        assert_eq!(title.get("en"), "Regional Cluster Policy Self-Assessment");
        assert_eq!(
            title.get("hr"),
            "Samoprocjena regionalne klasterske politike"
        );
        assert_eq!(built_in.latest.definition.dimensions.len(), 10);

        // A restart does not load it twice.
        app.state.context.db.migrate().await.unwrap();
        assert_eq!(
            app.count("select count(*) from assessment_template_version")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_changed_template_becomes_the_next_version_and_the_same_one_again_writes_nothing() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let first = list(app).await.remove(0).latest;

        let v2 = changed("Šibenik, Ελλάδα", None).to_json();
        let (status, body) = import(app, &v2).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let again = import(app, &v2).await;
        assert_eq!(again.0, 200, "{}", again.1);

        let latest = list(app).await.remove(0);
        assert_eq!(latest.latest.version, 2, "{engine:?}");
        assert_eq!(latest.versions, 2);
        assert_eq!(
            latest.latest.definition.title.get("hr"),
            "Samoprocjena regionalne klasterske politike (Šibenik, Ελλάδα)"
        );

        // The earlier version is still there, unchanged, and both are listed, newest first.
        let (status, body) = app
            .call(GetTemplate::PATH, &[("version_id", &first.version_id)])
            .await;
        assert_eq!(status, 200, "{body}");
        let (old, versions): (TemplateVersion, Vec<(String, i64)>) =
            serde_json::from_str(&body).unwrap();
        assert_eq!(old.definition, first.definition);
        assert_eq!(versions.iter().map(|v| v.1).collect::<Vec<_>>(), vec![2, 1]);
    })
    .await;
}

#[tokio::test]
async fn an_exported_template_is_a_file_that_imports_back_to_the_same_template() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let latest = list(app).await.remove(0).latest;
        let res = app
            .client
            .get(app.url(&format!(
                "{}?version_id={}",
                ExportTemplate::PATH,
                latest.version_id
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            res.headers()["content-disposition"],
            format!("attachment; filename=\"{KEY}-v1.json\"")
        );
        let file = res.text().await.unwrap();
        assert_eq!(Template::from_json(&file).unwrap(), latest.definition);

        let (status, _) = import(app, &file).await;
        assert_eq!(status, 200);
        assert_eq!(
            list(app).await[0].versions,
            1,
            "the same template is no new version"
        );
    })
    .await;
}

#[tokio::test]
async fn a_malformed_template_names_where_it_is_wrong_and_imports_nothing() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let mut unknown_dimension = changed("x", Some("other"));
        unknown_dimension.sections[1].items[0].dimension = Some("nowhere".into());
        let mut condition_ahead = changed("y", Some("other"));
        condition_ahead.sections[0].items[0].show_if = Some(app::assessment::model::Condition {
            item: "G1".into(),
            equals: "d1".into(),
        });
        let cases = [
            ("{\"format\": 1,\n \"key\": ".to_owned(), "line 2, column 8"),
            (
                unknown_dimension.to_json(),
                "sections[1].items[0].dimension",
            ),
            (
                condition_ahead.to_json(),
                "sections[0].items[0].show_if.item",
            ),
            (
                BUILT_IN.replacen("\"format\": 1", "\"format\": 7", 1),
                "format",
            ),
        ];
        for (file, path) in cases {
            let (status, body) = import(app, &file).await;
            assert_eq!(status, 422, "{path}: {body}");
            match error(&body).problem("definition") {
                Some(Problem::BadTemplate { path: at, .. }) => assert_eq!(at, path),
                other => panic!("{path}: {other:?}"),
            }
        }
        assert_eq!(
            app.count("select count(*) from assessment_template").await,
            1
        );
        assert_eq!(
            app.count("select count(*) from assessment_template_version")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn only_administrators_may_list_read_import_or_export_templates() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let version_id = list(app).await.remove(0).latest.version_id;
        let member = common::client();
        app.sign_up(&member, "ivo@example.org").await;
        let visitor = common::client();
        let file = changed("by someone else", None).to_json();
        for (client, expected) in [
            (&member, AppError::Forbidden),
            (&visitor, AppError::Unauthorized),
        ] {
            for (path, form) in [
                (ListTemplates::PATH, vec![]),
                (GetTemplate::PATH, vec![("version_id", version_id.as_str())]),
                // A member asking for a version that does not exist learns nothing either.
                (GetTemplate::PATH, vec![("version_id", "no-such-version")]),
                (ImportTemplate::PATH, vec![("definition", file.as_str())]),
            ] {
                let (status, body) = app.call_with(client, path, &form).await;
                assert_eq!(error(&body), expected, "{engine:?} {path}: {status}");
            }
            let (status, body) = export(app, client, &version_id).await;
            assert_eq!(error(&body), expected, "{engine:?} export: {status}");
        }
        assert_eq!(
            app.count("select count(*) from assessment_template_version")
                .await,
            1
        );
        let (status, body) = export(app, &app.client, "no-such-version").await;
        assert_eq!((status, error(&body)), (404, AppError::NotFound));
    })
    .await;
}

#[tokio::test]
async fn templates_imported_at_the_same_time_each_get_their_own_version() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let mut saves = tokio::task::JoinSet::new();
        for n in 0..4 {
            let db = app.state.context.db.clone();
            let file = changed(&format!("round {n}"), None).to_json();
            saves.spawn(async move { commands::import(&db, &file).await.map(|s| s.version) });
        }
        let mut versions: Vec<i64> = saves
            .join_all()
            .await
            .into_iter()
            .map(|s| s.unwrap_or_else(|e| panic!("{engine:?}: {e}")))
            .collect();
        versions.sort();
        assert_eq!(versions, vec![2, 3, 4, 5], "{engine:?}");
    })
    .await;
}

#[tokio::test]
async fn the_command_line_exports_by_key_or_version_and_refuses_what_does_not_exist() {
    on_each_engine(async |app, _| {
        let db = &app.state.context.db;
        let by_key = commands::export(db, KEY).await.unwrap();
        let template = Template::from_json(&by_key).unwrap();
        assert_eq!(template, Template::from_json(BUILT_IN).unwrap());
        let saved = commands::import(db, &changed("cli", None).to_json())
            .await
            .unwrap();
        assert!(saved.created);
        let by_version = commands::export(db, &saved.version_id).await.unwrap();
        assert!(by_version.contains("(cli)"));
        assert_eq!(
            commands::export(db, "nothing").await.unwrap_err(),
            AppError::NotFound
        );
        let bad = commands::import(db, "{}").await.unwrap_err();
        assert!(bad.to_string().contains("missing field"), "{bad}");
    })
    .await;
}
