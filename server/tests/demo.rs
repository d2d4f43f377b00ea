//! `server demo` on SQLite and PostgreSQL: all of it, or nothing on a platform in use.

mod common;

use app::error::AppError;
use common::on_each_engine;

#[tokio::test]
async fn the_demo_refuses_a_platform_with_organisations_and_adds_all_or_nothing() {
    on_each_engine(async |app, _| {
        app.sign_up(&app.client, "ivo@example.org").await;
        let (status, _) = app.add_organisation("Real organisation", "HR").await;
        assert_eq!(status, 200);
        let refused = app::demo::seed(&app.state.context.db, &app.state.context.documents).await;
        assert_eq!(refused, Err(AppError::Forbidden), "the emptiness guard");
        assert_eq!(app.count("select count(*) from organisation").await, 1);
        sqlx::query("delete from organisation")
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();

        // A person who took one of the demo e-mails makes the seeding fail half-way:
        // the organisations it had added are gone with it.
        app.sign_up(&common::client(), app::demo::LAST_DEMO_EMAIL)
            .await;
        assert!(
            app::demo::seed(&app.state.context.db, &app.state.context.documents)
                .await
                .is_err()
        );
        assert_eq!(app.count("select count(*) from organisation").await, 0);
        assert_eq!(app.count("select count(*) from app_user").await, 2);

        sqlx::query("delete from app_user where email = $1")
            .bind(app::demo::LAST_DEMO_EMAIL)
            .execute(&app.state.context.db.pool)
            .await
            .unwrap();
        let seeded = app::demo::seed(&app.state.context.db, &app.state.context.documents)
            .await
            .unwrap();
        assert_eq!(seeded.organisations, 12);
        assert_eq!(app.count("select count(*) from organisation").await, 12);
        assert_eq!((seeded.rounds, seeded.responses), (4, 16));
        assert_eq!(
            app.count("select count(*) from assessment_response where submitted_at is not null")
                .await,
            16
        );
        assert_eq!(
            app.count("select count(*) from assessment_review where submitted_at is not null")
                .await,
            2,
            "Croatia's round is peer reviewed"
        );
        assert_eq!(seeded.workshop_code.len(), 6);
        assert_eq!(
            app.count("select count(*) from workshop_activity").await,
            10 + 9 + 9,
            "a workshop is prepared, with its agenda, another was run, and kept as a template"
        );
        assert_eq!(
            app.count("select count(*) from workshop where template = 1")
                .await,
            1
        );
        assert_eq!(
            app.count("select count(*) from workshop_event where participant_id is not null")
                .await,
            6 * 12 + 12 * 3 + 12 * 2 * 4 + 2 * 12,
            "twelve people answered each of the run workshop's six activities, placed their \
             dots on its ideas board (three each) and its SWOT board (two per quadrant), and \
             rated its Delphi's statements in two rounds"
        );
        assert_eq!(
            app.count("select count(*) from workshop_activity where revealed = 1")
                .await,
            9
        );
        assert_eq!(seeded.workspaces, 8);
        assert_eq!(
            app.count("select count(*) from workspace_post").await,
            8,
            "threads with replies in four workspaces"
        );
        assert_eq!(app.count("select count(*) from workspace_mention").await, 1);
        assert_eq!(
            app.count("select count(*) from notice where kind = 'mention' and read_at is null")
                .await,
            1,
            "the demo facilitator has a mention to read"
        );
        assert_eq!(
            app.count("select count(distinct thematic_area_id) from workspace_theme")
                .await,
            7,
            "a workspace for each of the six thematic areas and the horizontal issue"
        );
        assert_eq!(
            app.count("select count(*) from workspace_member where role = 'owner'")
                .await,
            8
        );
    })
    .await;
}
