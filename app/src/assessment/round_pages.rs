//! The facilitator's pages (the assessments list with the form that starts a round, one
//! round with its respondents and invitations) and the page of a round's shared link.

use super::remind::{Invitation, Remind, RemindAll, RemindLine};
use super::round::{
    day_of, last_day, Entry, LinkInfo, MyAssessments, Progress, ResponseSummary, Round,
};
use super::round_api::{
    get_round, list_my_assessments, round_link_info, template_choices, ContinueResponse,
    InviteAccount, InviteLink, ReopenResponse, SetResponseRevoked, SetRoundClosed, SetRoundLink,
    StartResponse, StartRound,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::registry::api::load_registry;
use crate::ui::page_data;
use crate::ui::{
    action_error, field_or_error_text, or_error_page, page_title, Field, FieldProblem, FormNotice,
};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(AssessmentsRoute, AssessmentsPage);
lazy_page!(RoundRoute, RoundPage);
lazy_page!(JoinRoute, JoinPage);

fn progress_label(i18n: I18nContext<Locale>, p: Progress) -> String {
    match p {
        Progress::NotStarted => t_string!(i18n, progress_not_started).to_string(),
        Progress::Started => t_string!(i18n, progress_started).to_string(),
        Progress::Submitted => t_string!(i18n, progress_submitted).to_string(),
        Progress::Revoked => t_string!(i18n, progress_revoked).to_string(),
    }
}

/// "Open", or "closed", with the closing day when there is one.
fn round_state(i18n: I18nContext<Locale>, round: &Round, open: bool) -> String {
    let day = round.closes_at.map(last_day).unwrap_or_default();
    match (open, round.closes_at.is_some()) {
        (true, true) => t_string!(i18n, round_open_until, day).to_string(),
        (true, false) => t_string!(i18n, round_open).to_string(),
        (false, _) => t_string!(i18n, round_closed).to_string(),
    }
}

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let mine = page_data(|| (), |_| list_my_assessments());
    view! {
        <Title text=page_title(t_string!(i18n, assessments_title)) />
        <section>
            <h1>{t!(i18n, assessments_title)}</h1>
            <p>{t!(i18n, assessments_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    or_error_page(mine.await, |mine| view! { <MyRounds mine /> <StartForm /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MyRounds(mine: MyAssessments) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let nothing_to_answer = mine.answering.is_empty();
    let nothing_to_run = mine.facilitating.is_empty();
    let answering = mine
        .answering
        .into_iter()
        .map(|(round, response_id, submitted)| {
            view! {
                <li class="card">
                    <h3><a href=format!("/respond/{response_id}")>{round.name.clone()}</a></h3>
                    <p class="muted">
                        {round.region_name.clone()} " · " {round.template_title.get(locale).to_owned()} " · "
                        {if submitted { t_string!(i18n, progress_submitted) } else { t_string!(i18n, progress_to_answer) }}
                    </p>
                </li>
            }
        })
        .collect_view();
    let reviewing: Vec<_> = mine
        .reviewing
        .into_iter()
        .map(|(round, review_id, submitted)| {
            view! {
                <li class="card">
                    <h3><a href=format!("/reviews/{review_id}")>{round.name.clone()}</a></h3>
                    <p class="muted">
                        {round.region_name.clone()} " · " {round.template_title.get(locale).to_owned()} " · "
                        {if submitted { t_string!(i18n, progress_submitted) } else { t_string!(i18n, progress_to_review) }}
                    </p>
                </li>
            }
        })
        .collect();
    let facilitating = mine
        .facilitating
        .into_iter()
        .map(|round| {
            view! {
                <li class="card">
                    <h3><a href=format!("/assessments/{}", round.round_id)>{round.name.clone()}</a></h3>
                    <p class="muted">{round.region_name.clone()} " · " {round.template_title.get(locale).to_owned()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, assessments_answering)}</h2>
        {nothing_to_answer.then(|| view! { <p class="muted">{t!(i18n, assessments_answering_none)}</p> })}
        <ul class="cards">{answering}</ul>
        {(!reviewing.is_empty()).then(|| view! {
            <h2>{t!(i18n, assessments_reviewing)}</h2>
            <ul class="cards">{reviewing}</ul>
        })}
        <h2>{t!(i18n, assessments_facilitating)}</h2>
        {nothing_to_run.then(|| view! { <p class="muted">{t!(i18n, assessments_facilitating_none)}</p> })}
        <ul class="cards">{facilitating}</ul>
    }
}

#[component]
fn StartForm() -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartRound>::new();
    let error = action_error(start);
    let choices = page_data(
        || (),
        |_| async move { (template_choices().await, load_registry(false).await) },
    );
    view! {
        <h2>{t!(i18n, assessments_start_title)}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked().as_str();
                let (templates, registry) = choices.await;
                let (Ok(templates), Ok(registry)) = (templates, registry) else {
                    return None;
                };
                let templates = templates
                    .into_iter()
                    .map(|(id, title)| view! { <option value=id>{title.get(locale).to_owned()}</option> })
                    .collect_view();
                let regions = registry
                    .countries
                    .iter()
                    .map(|c| {
                        let options = registry
                            .regions
                            .iter()
                            .filter(|r| r.country_code == c.code)
                            .map(|r| view! { <option value=r.region_id.clone()>{format!("{} ({})", r.name, r.region_id)}</option> })
                            .collect_view();
                        view! { <optgroup label=c.names.get(locale).to_owned()>{options}</optgroup> }
                    })
                    .collect_view();
                Some(view! {
                    <ActionForm action=start>
                        <FormNotice error />
                        <Field name="name" label=t_string!(i18n, field_round_name).to_string() hint=t_string!(i18n, field_round_name_hint).to_string() error required=true />
                        <div class="field">
                            <label for="field-version_id">{t!(i18n, field_template)}</label>
                            <select id="field-version_id" name="version_id">{templates}</select>
                            <FieldProblem name="version_id" error />
                        </div>
                        <div class="field">
                            <label for="field-region_id">{t!(i18n, field_region)}</label>
                            <select id="field-region_id" name="region_id">{regions}</select>
                            <FieldProblem name="region_id" error />
                        </div>
                        <Field name="closes_on" kind="date" label=t_string!(i18n, field_closes_on).to_string() hint=t_string!(i18n, field_closes_on_hint).to_string() error />
                        <button type="submit" class="button primary">{t!(i18n, assessments_start_submit)}</button>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let params = use_params_map();
    let round_id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let invite_account = ServerAction::<InviteAccount>::new();
    let invite_link = ServerAction::<InviteLink>::new();
    let revoke = ServerAction::<SetResponseRevoked>::new();
    let reopen = ServerAction::<ReopenResponse>::new();
    let link = ServerAction::<SetRoundLink>::new();
    let close = ServerAction::<SetRoundClosed>::new();
    let remind = ServerAction::<Remind>::new();
    let round = page_data(
        move || {
            (
                round_id.get(),
                invite_account.version().get(),
                invite_link.version().get(),
                revoke.version().get(),
                reopen.version().get(),
                link.version().get(),
                close.version().get(),
                remind.version().get(),
            )
        },
        |(id, ..)| get_round(id),
    );
    let actions = RoundActions {
        invite_account,
        invite_link,
        revoke,
        reopen,
        link,
        close,
        remind,
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_page(round.await, move |(round, responses)| view! { <RoundPanel round responses actions /> })
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct RoundActions {
    invite_account: ServerAction<InviteAccount>,
    invite_link: ServerAction<InviteLink>,
    revoke: ServerAction<SetResponseRevoked>,
    reopen: ServerAction<ReopenResponse>,
    link: ServerAction<SetRoundLink>,
    close: ServerAction<SetRoundClosed>,
    remind: ServerAction<Remind>,
}

#[component]
fn RoundPanel(
    round: Round,
    responses: Vec<ResponseSummary>,
    actions: RoundActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let account_error = action_error(actions.invite_account);
    let link_error = action_error(actions.invite_link);
    let revoke_error = action_error(actions.revoke);
    let open = round.closed_at.is_none();
    let state = round_state(i18n, &round, round.open);
    let id = round.round_id.clone();
    let submitted = responses
        .iter()
        .filter(|r| r.progress == Progress::Submitted)
        .count();
    let total = responses
        .iter()
        .filter(|r| r.progress != Progress::Revoked)
        .count();
    let ids = || round.round_id.clone();
    let (close_id, link_id, account_id, invite_id) = (ids(), ids(), ids(), ids());
    let can_email = round.email_reminders;
    let people = responses
        .into_iter()
        .map(|r| view! { <RespondentCard round_id=id.clone() r actions can_email /> })
        .collect_view();
    view! {
        <Title text=page_title(&round.name) />
        <section>
            <p><a href="/assessments">{t!(i18n, assessments_title)}</a></p>
            <h1>{round.name.clone()}</h1>
            <p class="muted">
                {round.region_name.clone()} " · " {round.template_title.get(locale).to_owned()} " · " {state}
            </p>
            <p>{t!(i18n, round_submitted_count, submitted, total)}</p>
            <p>
                <a class="button primary" href=format!("/assessments/{}/results", round.round_id)>
                    {t!(i18n, round_results_link)}
                </a>
            </p>
            <ActionForm action=actions.close>
                <input type="hidden" name="round_id" value=close_id />
                <input type="hidden" name="closed" value=open.to_string() />
                <button type="submit" class="button">
                    {if open { t!(i18n, round_close).into_any() } else { t!(i18n, round_reopen).into_any() }}
                </button>
            </ActionForm>

            <h2>{t!(i18n, round_link_title)}</h2>
            <p>{t!(i18n, round_link_intro)}</p>
            {round.link_code.clone().map(|code| view! {
                <p><a class="code" href=format!("/join/{code}")>{format!("/join/{code}")}</a></p>
            })}
            <ActionForm action=actions.link>
                <input type="hidden" name="round_id" value=link_id />
                <input type="hidden" name="on" value=round.link_code.is_none().to_string() />
                <button type="submit" class="button">
                    {if round.link_code.is_none() { t!(i18n, round_link_on).into_any() } else { t!(i18n, round_link_off).into_any() }}
                </button>
            </ActionForm>

            <h2>{t!(i18n, round_invite_title)}</h2>
            <ActionForm action=actions.invite_account>
                <FormNotice error=account_error />
                <input type="hidden" name="round_id" value=account_id />
                <Field name="email" kind="email" label=t_string!(i18n, field_invite_email).to_string() error=account_error required=true />
                <button type="submit" class="button">{t!(i18n, round_invite_account)}</button>
                {move || invited(i18n, actions.invite_account.value().get(), Entry::Account)}
            </ActionForm>
            <ActionForm action=actions.invite_link>
                <FormNotice error=link_error />
                <input type="hidden" name="round_id" value=invite_id />
                <Field name="label" label=t_string!(i18n, field_invite_label).to_string() hint=t_string!(i18n, field_invite_label_hint).to_string() error=link_error required=true />
                <Field name="email" kind="email" label=t_string!(i18n, field_invite_link_email).to_string() hint=t_string!(i18n, field_invite_link_email_hint).to_string() error=link_error prefix="link-" />
                <button type="submit" class="button">{t!(i18n, round_invite_link)}</button>
                {move || invited(i18n, actions.invite_link.value().get(), Entry::PersonalLink)}
            </ActionForm>

            <RemindAll round_id=ids() can_email open=round.open action=actions.remind />

            <h2>{t!(i18n, round_respondents)}</h2>
            {move || revoke_error.get().map(|e| view! {
                <p class="notice notice-error" role="alert">{field_or_error_text(i18n, &e, "revoked")}</p>
            })}
            <ul class="cards">{people}</ul>
        </section>
    }
}

/// What became of an invitation's e-mail, after an invitation made with JavaScript on (without
/// it, the respondent's card says when the invitation was e-mailed).
fn invited(
    i18n: I18nContext<Locale>,
    value: Option<Result<Invitation, AppError>>,
    entry: Entry,
) -> Option<impl IntoView> {
    let (class, text) = match value? {
        Ok(Invitation::Mailed) => (
            "notice notice-ok",
            t_string!(i18n, round_invite_mailed).to_string(),
        ),
        Ok(Invitation::NotMailed) if entry == Entry::Account => (
            "notice",
            t_string!(i18n, round_invite_not_mailed).to_string(),
        ),
        Ok(Invitation::NotMailed) => (
            "notice",
            t_string!(i18n, round_invite_not_mailed_link).to_string(),
        ),
        Ok(Invitation::MailedRecently) => (
            "notice",
            t_string!(i18n, round_invite_mailed_recently).to_string(),
        ),
        Ok(Invitation::MailFailed) => (
            "notice notice-error",
            t_string!(i18n, round_invite_mail_failed).to_string(),
        ),
        Ok(Invitation::DailyLimit) => (
            "notice notice-error",
            t_string!(i18n, round_invite_daily_limit).to_string(),
        ),
        Err(_) => return None,
    };
    Some(view! { <p class=class role="status">{text}</p> })
}

#[component]
fn RespondentCard(
    round_id: String,
    r: ResponseSummary,
    actions: RoundActions,
    can_email: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let how = match r.entry {
        Entry::Account => t_string!(i18n, entry_account).to_string(),
        Entry::PersonalLink => t_string!(i18n, entry_personal_link).to_string(),
        Entry::RoundLink => t_string!(i18n, entry_round_link).to_string(),
    };
    let label = if r.label.is_empty() {
        how.clone()
    } else {
        r.label.clone()
    };
    let revoked = r.progress == Progress::Revoked;
    let answered = r.answered;
    let (reopen_round, revoke_round) = (round_id.clone(), round_id.clone());
    let remind = (!revoked).then(|| {
        view! { <RemindLine round_id r=r.clone() can_email action=actions.remind /> }
    });
    let (reopen_response, revoke_response) = (r.response_id.clone(), r.response_id.clone());
    view! {
        <li class="card">
            <h3>{label}</h3>
            <p class="muted">{how} " · " {progress_label(i18n, r.progress)} " · " {t!(i18n, round_answered, answered)}</p>
            {r.code.clone().filter(|_| !revoked).map(|code| view! {
                <p>{t!(i18n, round_personal_link)} " " <a class="code" href=format!("/respond/{code}")>{format!("/respond/{code}")}</a></p>
            })}
            {r.email.clone().map(|email| view! { <p class="muted">{t!(i18n, round_link_email)} " " {email}</p> })}
            {(r.entry == Entry::PersonalLink && r.code.is_none() && !revoked).then(|| view! {
                <p class="muted">{t!(i18n, round_link_started)}</p>
            })}
            {r.reopened.clone().map(|(name, at)| {
                let day = day_of(at);
                view! { <p class="muted">{t!(i18n, round_reopened_by, name, day)}</p> }
            })}
            {remind}
            <div class="actions">
                {(r.progress == Progress::Submitted).then(|| view! {
                    <ActionForm action=actions.reopen>
                        <input type="hidden" name="round_id" value=reopen_round.clone() />
                        <input type="hidden" name="response_id" value=reopen_response.clone() />
                        <button type="submit" class="button">{t!(i18n, round_reopen_response)}</button>
                    </ActionForm>
                })}
                <ActionForm action=actions.revoke>
                    <input type="hidden" name="round_id" value=revoke_round />
                    <input type="hidden" name="response_id" value=revoke_response />
                    <input type="hidden" name="revoked" value=(!revoked).to_string() />
                    <button type="submit" class="button">
                        {if revoked { t!(i18n, round_restore).into_any() } else { t!(i18n, round_revoke).into_any() }}
                    </button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code")).unwrap_or_default());
    let info = page_data(move || code.get(), round_link_info);
    let start = ServerAction::<StartResponse>::new();
    let resume = ServerAction::<ContinueResponse>::new();
    let start_error = action_error(start);
    let resume_error = action_error(resume);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked().as_str();
                or_error_page(info.await, move |LinkInfo { round, open, began }| view! {
                    <Title text=page_title(&round.name) />
                    <section class="narrow">
                        <h1>{round.name.clone()}</h1>
                        <p class="muted">{round.region_name.clone()} " · " {round.template_title.get(locale).to_owned()}</p>
                        <p>{t!(i18n, join_intro)}</p>
                        {open.then(|| view! {
                            {began.then(|| view! { <p>{t!(i18n, join_began)}</p> })}
                            <ActionForm action=start>
                                <FormNotice error=start_error />
                                <input type="hidden" name="code" value=code.get_untracked() />
                                <button type="submit" class="button primary">
                                    {if began { t!(i18n, join_go_on).into_any() } else { t!(i18n, join_start).into_any() }}
                                </button>
                            </ActionForm>
                            // A device passed around a room: the next person must not land in
                            // the answers of the one before.
                            {began.then(|| view! {
                                <ActionForm action=start>
                                    <input type="hidden" name="code" value=code.get_untracked() />
                                    <input type="hidden" name="fresh" value="true" />
                                    <button type="submit" class="button">{t!(i18n, join_someone_else)}</button>
                                </ActionForm>
                            })}
                        })}
                        {(!open).then(|| view! {
                            <p class="notice notice-error" role="status">{t!(i18n, respond_closed)}</p>
                        })}
                        <h2>{t!(i18n, join_continue_title)}</h2>
                        <ActionForm action=resume>
                            <Field name="code" label=t_string!(i18n, field_code).to_string() hint=t_string!(i18n, field_code_hint).to_string() error=resume_error autocomplete="off" required=true />
                            <button type="submit" class="button">{t!(i18n, join_continue)}</button>
                        </ActionForm>
                    </section>
                })
            })}
        </Suspense>
    }
}
