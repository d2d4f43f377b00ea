//! After a workshop, on SQLite and on PostgreSQL: its results page's data, its answers as CSV
//! and its outcome as JSON, for whoever runs it and nobody else; running it again and keeping
//! it as a template; and the QR code the projector shows for joining.

mod common;

use app::error::{AppError, Problem};
use app::workshop::api::{CopyWorkshop, GetWorkshop, JoinWorkshop, ListMyWorkshops};
use app::workshop::model::{Workshop, WorkshopSummary};
use app::workshop::results::{GetWorkshopResults, WorkshopResults};
use app::workshop::run::Results;
use common::live::{answer, control, export, prepared, Browser};
use common::workshops::{join, problem};
use common::{error, on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn the_facilitator_reads_every_outcome_and_downloads_the_answers_and_nobody_else_can() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let (poll, rating, cloud) = (&activities[0], &activities[1], &activities[2]);
        let (ana, ivo) = (Browser::new(), Browser::new());
        join(app, &ana.client, &code, "Ana").await;
        join(app, &ivo.client, &code, "=cmd()").await;
        control(app, &owner.client, &id, "show", poll).await;
        answer(app, &ana.client, &code, poll, "a1", &[("0", "1")]).await;
        answer(app, &ivo.client, &code, poll, "i1", &[("0", "2")]).await;
        control(app, &owner.client, &id, "reveal", "").await;
        control(app, &owner.client, &id, "show", rating).await;
        let (status, body) = answer(
            app,
            &ana.client,
            &code,
            rating,
            "a2",
            &[("0", "4"), ("1", "")],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        control(app, &owner.client, &id, "show", cloud).await;
        answer(
            app,
            &ivo.client,
            &code,
            cloud,
            "i3",
            &[("0", "Trust\nWine")],
        )
        .await;

        let (status, body) = app
            .call_with(
                &owner.client,
                GetWorkshopResults::PATH,
                &[("workshop_id", &id)],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let results: WorkshopResults = serde_json::from_str(&body).unwrap();
        assert_eq!(results.participants, 2);
        let outcomes: Vec<(usize, bool)> = results
            .activities
            .iter()
            .map(|o| (o.answered, o.revealed))
            .collect();
        assert_eq!(outcomes, [(2, true), (1, false), (1, false)]);
        assert_eq!(
            results.activities[0].results,
            Results::Poll {
                counts: vec![0, 1, 1],
                voters: 2
            }
        );

        // Every answer, one row each, in the agenda's order; what a participant typed never
        // runs as a spreadsheet formula.
        let (status, kind, disposition, csv) = export(app, &owner, &id, "csv").await;
        assert_eq!(status, 200, "{csv}");
        assert_eq!(kind, "text/csv; charset=utf-8");
        assert_eq!(
            disposition,
            "attachment; filename=\"cluster-policy-focus-group-answers.csv\""
        );
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            [
                "activity,prompt,kind,participant,answer,category,cluster,votes,status,score 1,score 2",
                "1,Which instrument first?,poll,Ana,Cluster grants,,,,",
                "1,Which instrument first?,poll,'=cmd(),Training,,,,",
                "2,How do you see the cluster?,rating,Ana,Trust between firms: 4,,,,,4,",
                "3,One word for the region,word_cloud,'=cmd(),\"Trust; Wine\",,,,",
            ]
        );

        let (status, kind, _, json) = export(app, &owner, &id, "json").await;
        assert_eq!((status, kind.as_str()), (200, "application/json"));
        let file: WorkshopResults = serde_json::from_str(&json).unwrap();
        assert_eq!(file, results);

        // A format the platform does not write, and anyone but the facilitator, are refused.
        assert_eq!(export(app, &owner, &id, "pdf").await.0, 400);
        let stranger = Browser::new();
        app.sign_up(&stranger.client, "stranger@example.org").await;
        for format in ["csv", "json"] {
            let (status, _, _, body) = export(app, &stranger, &id, format).await;
            assert_eq!(
                (status, error(&body)),
                (403, app::error::AppError::Forbidden)
            );
            let (status, _, _, _) = export(app, &ana, &id, format).await;
            assert_eq!(status, 401);
        }
        let (status, _) = app
            .call_with(
                &stranger.client,
                GetWorkshopResults::PATH,
                &[("workshop_id", &id)],
            )
            .await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn the_projector_shows_a_qr_code_of_the_join_address_for_any_well_formed_code() {
    on_each_engine(async |app, _| {
        let res = app
            .client
            .get(app.url("/live/ABCDEF/qr.svg"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "image/svg+xml");
        let svg = res.text().await.unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        // The image is a grid of dark modules drawn as one path.
        assert!(svg.contains("<path"), "{svg}");

        for wrong in ["abc", "ABCDEFG", "AB%3CEF"] {
            let (status, _) = app.get(&format!("/live/{wrong}/qr.svg")).await;
            assert_eq!(status, 404, "{wrong}");
        }
    })
    .await;
}

/// Copies a workshop as `who`'s form does without JavaScript (`template`: as a template);
/// answers the copy, or where a refusal sent the browser back to.
async fn copy(app: &TestApp, who: &Browser, id: &str, template: bool) -> Result<Workshop, String> {
    let mut form = vec![("workshop_id", id)];
    if template {
        form.push(("template", "on"));
    }
    let res = who
        .client
        .post(app.url(CopyWorkshop::PATH))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/workshops/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let Some(copy_id) = location.strip_prefix("/workshops/") else {
        return Err(location);
    };
    let (status, body) = app
        .call_with(&who.client, GetWorkshop::PATH, &[("workshop_id", copy_id)])
        .await;
    assert_eq!(status, 200, "{body}");
    Ok(serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn a_workshop_runs_again_from_a_copy_or_a_template_with_its_agenda_and_nobody_in_it() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let ana = Browser::new();
        join(app, &ana.client, &code, "Ana").await;
        control(app, &owner.client, &id, "show", &activities[0]).await;
        answer(app, &ana.client, &code, &activities[0], "a1", &[("0", "1")]).await;
        let (_, body) = app
            .call_with(&owner.client, GetWorkshop::PATH, &[("workshop_id", &id)])
            .await;
        let original: Workshop = serde_json::from_str(&body).unwrap();

        // A copy: the same agenda (new activities), a new code, nobody in it, nothing shown.
        let again = copy(app, &owner, &id, false).await.unwrap();
        assert_ne!((&again.workshop_id, &again.code), (&id, &code));
        assert_eq!((&again.title, again.template), (&original.title, false));
        let agenda = |w: &Workshop| -> Vec<(String, app::workshop::model::Settings)> {
            w.activities
                .iter()
                .map(|a| (a.prompt.clone(), a.settings.clone()))
                .collect()
        };
        assert_eq!(agenda(&again), agenda(&original));
        assert!(again
            .activities
            .iter()
            .all(|a| !activities.contains(&a.activity_id)));
        assert!(again.participants.is_empty());
        assert_eq!((again.stage.seq, again.stage.shown.clone()), (0, None));

        // A template: listed as one, its code opens no room, and it is not run.
        let template = copy(app, &owner, &id, true).await.unwrap();
        assert!(template.template);
        let (_, body) = app
            .call_with(&owner.client, ListMyWorkshops::PATH, &[])
            .await;
        let mine: Vec<WorkshopSummary> = serde_json::from_str(&body).unwrap();
        let listed: Vec<bool> = mine
            .iter()
            .filter(|w| w.title == original.title)
            .map(|w| w.template)
            .collect();
        assert_eq!(listed.iter().filter(|t| **t).count(), 1);
        assert_eq!(listed.len(), 3);
        let (status, body) = app
            .call_with(
                &Browser::new().client,
                JoinWorkshop::PATH,
                &[("code", &template.code), ("nickname", "Ivo")],
            )
            .await;
        assert_eq!((status, problem(&body, "code")), (422, Problem::WrongCode));
        let (status, body) = control(app, &owner.client, &template.workshop_id, "show", "").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::TemplateNotRun)
        );

        // A workshop started from the template is a workshop again, with the agenda.
        let started = copy(app, &owner, &template.workshop_id, false)
            .await
            .unwrap();
        assert!(!started.template);
        assert_eq!(agenda(&started), agenda(&original));

        // Nobody copies a workshop they do not run.
        let stranger = Browser::new();
        app.sign_up(&stranger.client, "stranger@example.org").await;
        let refused = copy(app, &stranger, &id, true).await.unwrap_err();
        assert!(refused.contains("__err="), "{refused}");
        let (status, body) = app
            .call_with(
                &stranger.client,
                CopyWorkshop::PATH,
                &[("workshop_id", &id)],
            )
            .await;
        assert_eq!((status, error(&body)), (403, AppError::Forbidden));
    })
    .await;
}
