//! Peer review on screen: the reviewer's page (`/reviews/<id>`: the round's merged results and
//! a form to score each dimension), and the facilitator's part of the results page (ask for
//! reviews, the reviewers' scores beside the region's own, the feedback report and its to-do
//! list). Every form posts with or without JavaScript.

use super::results::one_decimal;
use super::review::{
    comment_field, reviewers_mean, score_field, Action, ActionStatus, Feedback, ReviewView,
    ACTION_MAX, COMMENT_MAX, FEEDBACK_MAX, OWNER_MAX,
};
use super::review_api::{
    get_review, round_feedback, AddAction, DeleteAction, InviteReviewer, SaveReview,
    SetActionStatus, SetFeedback, WithdrawReview,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::registry::model::Translated;
use crate::ui::page_data;
use crate::ui::{
    action_error, or_error_page, page_title, problem_text, textarea_text, Field, FormNotice, Saved,
};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(ReviewRoute, ReviewPage);

#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveReview>::new();
    let review = page_data(
        move || {
            (
                params.with(|p| p.get("id")).unwrap_or_default(),
                save.version().get(),
            )
        },
        |(id, _)| get_review(id),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(review.await, move |r| view! { <ReviewForm r save /> })
            })}
        </Suspense>
    }
}

#[component]
fn ReviewForm(r: ReviewView, save: ServerAction<SaveReview>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let error = action_error(save);
    let editable = !r.submitted;
    let general = move || {
        error.get().filter(|e| match e {
            AppError::Invalid { fields, .. } => fields.contains_key("review"),
            _ => true,
        })
    };
    let title = t_string!(i18n, review_title_of, round = r.round.name.clone()).to_string();
    let respondents = r.respondents;
    let withheld = r.present.iter().all(Option::is_none) && respondents > 0;
    let dimensions = r
        .dimensions
        .iter()
        .enumerate()
        .map(|(n, (id, name))| {
            let given = r.scores.get(id).cloned().unwrap_or_default();
            view! {
                <DimensionInput
                    id=id.clone()
                    name=name.get(locale).to_owned()
                    present=r.present[n]
                    target=r.target[n]
                    score=given.score
                    comment=given.comment
                    error
                    editable
                />
            }
        })
        .collect_view();
    view! {
        <Title text=page_title(&title) />
        <section class="narrow">
            <h1>{title.clone()}</h1>
            <p class="muted">{r.round.region_name.clone()} " · " {r.round.template_title.get(locale).to_owned()}</p>
            <p>{t!(i18n, review_intro, respondents)}</p>
            {withheld.then(|| view! { <p class="notice">{problem_text(i18n, &crate::error::Problem::TooFewRespondents)}</p> })}
            {r.submitted.then(|| view! { <p class="notice notice-ok" role="status">{t!(i18n, review_submitted)}</p> })}
            <ActionForm action=save>
                <FormNotice error=Signal::derive(general) />
                <input type="hidden" name="review_id" value=r.review_id.clone() />
                <ol class="items">{dimensions}</ol>
                <label class="field">
                    {t!(i18n, review_overall)}
                    <textarea name="comment" rows="4" maxlength=COMMENT_MAX.to_string() disabled=!editable>{textarea_text(r.comment.clone())}</textarea>
                </label>
                {editable.then(|| view! {
                    <div class="actions">
                        <button type="submit" name="go" value="save" class="button">{t!(i18n, review_save)}</button>
                        <button type="submit" name="go" value="submit" class="button primary">{t!(i18n, review_submit)}</button>
                    </div>
                })}
            </ActionForm>
        </section>
    }
}

/// One dimension: the region's own scores, and the reviewer's score (0–5) and comment.
#[component]
fn DimensionInput(
    id: String,
    name: String,
    present: Option<f64>,
    target: Option<f64>,
    score: Option<u8>,
    comment: String,
    error: Signal<Option<AppError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let (score_name, comment_name) = (score_field(&id), comment_field(&id));
    let problem = move |field: String| {
        move || {
            error
                .get()
                .and_then(|e| e.problem(&field).cloned())
                .map(|p| view! { <p class="problem">{problem_text(i18n, &p)}</p> })
        }
    };
    let (present, target) = (one_decimal(present), one_decimal(target));
    let radios = (0..=5u8)
        .map(|n| {
            view! {
                <label class="choice">
                    <input type="radio" name=score_name.clone() value=n.to_string() checked=score == Some(n) disabled=!editable />
                    <span>{n.to_string()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <li>
            <fieldset class="scale">
                <legend>{name}</legend>
                <p class="muted">{t!(i18n, review_region_scores, present, target)}</p>
                {problem(score_name.clone())}
                <div class="choices-row">{radios}</div>
            </fieldset>
            <label class="field">
                {t!(i18n, review_comment)}
                <textarea name=comment_name.clone() rows="2" maxlength=COMMENT_MAX.to_string() disabled=!editable>{textarea_text(comment)}</textarea>
            </label>
            {problem(comment_name)}
        </li>
    }
}

/// The facilitator's peer review and feedback report, on the round's results page.
#[component]
pub fn FeedbackSection(
    round_id: String,
    dimensions: Vec<(String, Translated)>,
    present: Vec<Option<f64>>,
) -> impl IntoView {
    let invite = ServerAction::<InviteReviewer>::new();
    let summary = ServerAction::<SetFeedback>::new();
    let add = ServerAction::<AddAction>::new();
    let status = ServerAction::<SetActionStatus>::new();
    let delete = ServerAction::<DeleteAction>::new();
    let withdraw = ServerAction::<WithdrawReview>::new();
    let id = round_id.clone();
    let feedback = page_data(
        move || {
            (
                id.clone(),
                invite.version().get(),
                summary.version().get(),
                add.version().get(),
                status.version().get(),
                delete.version().get(),
                withdraw.version().get(),
            )
        },
        |(id, ..)| round_feedback(id),
    );
    let forms = FeedbackForms {
        invite,
        summary,
        add,
        status,
        delete,
        withdraw,
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (round_id, dimensions, present) = (round_id.clone(), dimensions.clone(), present.clone());
                Suspend::new(async move {
                    feedback.await.ok().map(|f| view! { <FeedbackView f round_id dimensions present forms /> })
                })
            }}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct FeedbackForms {
    invite: ServerAction<InviteReviewer>,
    summary: ServerAction<SetFeedback>,
    add: ServerAction<AddAction>,
    status: ServerAction<SetActionStatus>,
    delete: ServerAction<DeleteAction>,
    withdraw: ServerAction<WithdrawReview>,
}

fn status_label(i18n: I18nContext<Locale>, s: ActionStatus) -> String {
    match s {
        ActionStatus::Open => t_string!(i18n, action_open).to_string(),
        ActionStatus::Doing => t_string!(i18n, action_doing).to_string(),
        ActionStatus::Done => t_string!(i18n, action_done).to_string(),
    }
}

#[component]
fn FeedbackView(
    f: Feedback,
    round_id: String,
    dimensions: Vec<(String, Translated)>,
    present: Vec<Option<f64>>,
    forms: FeedbackForms,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let (invite_error, summary_error, add_error) = (
        action_error(forms.invite),
        action_error(forms.summary),
        action_error(forms.add),
    );
    let submitted: Vec<_> = f.reviews.iter().filter(|r| r.submitted).cloned().collect();
    let means = reviewers_mean(&dimensions, &f.reviews);
    let reviewer_heads = submitted
        .iter()
        .map(|r| view! { <th scope="col">{r.label.clone()}</th> })
        .collect_view();
    let rows = dimensions
        .iter()
        .enumerate()
        .map(|(n, (id, name))| {
            let theirs = submitted
                .iter()
                .map(|r| {
                    let score = r.scores.get(id).and_then(|d| d.score).map(f64::from);
                    view! { <td>{one_decimal(score)}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{name.get(locale).to_owned()}</th>
                    <td>{one_decimal(present[n])}</td>
                    {theirs}
                    <td>{one_decimal(means[n])}</td>
                </tr>
            }
        })
        .collect_view();
    let comments = submitted
        .iter()
        .flat_map(|r| {
            let label = r.label.clone();
            let per_dimension = dimensions.iter().filter_map(move |(id, name)| {
                let c = r
                    .scores
                    .get(id)
                    .map(|d| d.comment.clone())
                    .filter(|c| !c.is_empty())?;
                Some((format!("{} · {}", r.label, name.get(locale)), c))
            });
            per_dimension.chain((!r.comment.is_empty()).then(|| (label, r.comment.clone())))
        })
        .map(|(who, text)| view! { <li><strong>{who}</strong><p class="pre-line">{text}</p></li> })
        .collect_view();
    let asked = f
        .reviews
        .iter()
        .map(|r| {
            let state = if r.submitted {
                t_string!(i18n, progress_submitted).to_string()
            } else {
                t_string!(i18n, review_not_yet).to_string()
            };
            let (label, round_id, review_id) =
                (r.label.clone(), round_id.clone(), r.review_id.clone());
            view! {
                <li>
                    {label} " · " {state}
                    <ActionForm action=forms.withdraw>
                        <input type="hidden" name="round_id" value=round_id />
                        <input type="hidden" name="review_id" value=review_id />
                        <button type="submit" class="button">{t!(i18n, review_withdraw)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let actions = f
        .actions
        .into_iter()
        .map(|a| view! { <ActionRow a round_id=round_id.clone() forms /> })
        .collect_view();
    let ids = || round_id.clone();
    let (invite_id, summary_id, add_id) = (ids(), ids(), ids());
    view! {
        <h2>{t!(i18n, review_section_title)}</h2>
        <p class="hint">{t!(i18n, review_section_hint)}</p>
        {(!submitted.is_empty()).then(|| view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, review_table_caption).to_string()>
                <table>
                    <caption>{t!(i18n, review_table_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, template_dimensions)}</th>
                        <th scope="col">{t!(i18n, review_self)}</th>
                        {reviewer_heads}
                        <th scope="col">{t!(i18n, review_mean)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <ul class="comments">{comments}</ul>
        })}
        <ul class="asked">{asked}</ul>
        <ActionForm action=forms.invite>
            <FormNotice error=invite_error />
            <input type="hidden" name="round_id" value=invite_id />
            <Field name="email" kind="email" label=t_string!(i18n, review_invite_email).to_string() error=invite_error required=true />
            <button type="submit" class="button">{t!(i18n, review_invite)}</button>
        </ActionForm>

        <h2>{t!(i18n, feedback_title)}</h2>
        <ActionForm action=forms.summary>
            <FormNotice error=summary_error />
            <input type="hidden" name="round_id" value=summary_id />
            <label class="field">
                {t!(i18n, feedback_summary)}
                <textarea name="feedback" rows="6" maxlength=FEEDBACK_MAX.to_string()>{textarea_text(f.feedback.clone())}</textarea>
            </label>
            <Saved action=forms.summary />
            <button type="submit" class="button">{t!(i18n, feedback_save)}</button>
        </ActionForm>
        <h3>{t!(i18n, feedback_todo)}</h3>
        <ul class="cards">{actions}</ul>
        <ActionForm action=forms.add>
            <FormNotice error=add_error />
            <input type="hidden" name="round_id" value=add_id />
            <Field name="action" label=t_string!(i18n, field_action).to_string() error=add_error required=true />
            <Field name="owner" label=t_string!(i18n, field_owner).to_string() error=add_error required=true />
            <Field name="due_on" kind="date" label=t_string!(i18n, field_due_on).to_string() error=add_error />
            <button type="submit" class="button">{t!(i18n, feedback_add_action)}</button>
        </ActionForm>
        <p class="hint">{t!(i18n, feedback_limits, action_max = ACTION_MAX, owner_max = OWNER_MAX)}</p>
    }
}

#[component]
fn ActionRow(a: Action, round_id: String, forms: FeedbackForms) -> impl IntoView {
    let i18n = use_i18n();
    let options = ActionStatus::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=s == a.status>{status_label(i18n, s)}</option> })
        .collect_view();
    let select_id = format!("status-{}", a.action_id);
    let (status_round, delete_round) = (round_id.clone(), round_id);
    let (status_action, delete_action) = (a.action_id.clone(), a.action_id.clone());
    let due = (!a.due_on.is_empty()).then(|| a.due_on.clone());
    view! {
        <li class="card">
            <h4>{a.action.clone()}</h4>
            <p class="muted">
                {a.owner.clone()}
                {due.map(|day| view! { " · " {t!(i18n, feedback_due, day)} })}
                " · " {status_label(i18n, a.status)}
            </p>
            <div class="actions">
                <ActionForm action=forms.status>
                    <input type="hidden" name="round_id" value=status_round />
                    <input type="hidden" name="action_id" value=status_action />
                    <label for=select_id.clone() class="visually-hidden">{t!(i18n, field_status)}</label>
                    <select id=select_id name="status">{options}</select>
                    <button type="submit" class="button">{t!(i18n, feedback_set_status)}</button>
                </ActionForm>
                <ActionForm action=forms.delete>
                    <input type="hidden" name="round_id" value=delete_round />
                    <input type="hidden" name="action_id" value=delete_action />
                    <button type="submit" class="button">{t!(i18n, feedback_delete)}</button>
                </ActionForm>
            </div>
        </li>
    }
}
