//! Shared components: the page layout, form fields, error display and the language switch;
//! charts in `chart.rs`.

pub mod chart;
mod data;

pub use data::{page_data, PageData, PageJson};

use crate::error::{AppError, KeptText, Problem};
use crate::i18n::*;
use crate::identity::api::{SetLocale, SignOut};
use crate::identity::model::CurrentUser;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::{I18nContext, Locale as _};
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// "Page · ClusterPoliSEE", the title of every page.
pub fn page_title(text: impl std::fmt::Display) -> String {
    format!("{text} · ClusterPoliSEE")
}

/// A `<textarea>`'s text as the server writes it. tachys writes a textarea's children as they
/// are, as it does for `<script>`, so typed text holding `</textarea>` would end the element and
/// the rest would be markup; the server escapes it here. In the browser the children become a
/// text node and need nothing.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text
    }
}

/// Parses a locale tag into one of the languages the platform has.
pub fn parse_locale(raw: &str) -> Result<Locale, Problem> {
    raw.parse::<Locale>().map_err(|_| Problem::UnknownChoice)
}

/// The plural form a number takes in a language, of those the locale files write out
/// (`key.one`, `key.few`, `key.other`). Written here for whole numbers, after CLDR, instead of
/// carrying ICU's plural rules for every language into the WebAssembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Few,
    Other,
}

impl Plural {
    pub fn of(locale: Locale, n: u64) -> Plural {
        let (last, last_two) = (n % 10, n % 100);
        match locale.as_str() {
            "hr" | "sr" | "bs" => {
                if last == 1 && last_two != 11 {
                    Plural::One
                } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
                    Plural::Few
                } else {
                    Plural::Other
                }
            }
            _ if n == 1 => Plural::One,
            _ => Plural::Other,
        }
    }
}

/// Each language named in itself, as a switch should show it.
pub fn endonym(locale: Locale) -> &'static str {
    match locale.as_str() {
        "en" => "English",
        "hr" => "Hrvatski",
        "it" => "Italiano",
        "sl" => "Slovenščina",
        "sr" => "Srpski",
        "sq" => "Shqip",
        "el" => "Ελληνικά",
        "hu" => "Magyar",
        "de" => "Deutsch",
        "bg" => "Български",
        "ro" => "Română",
        "sk" => "Slovenčina",
        other => other,
    }
}

/// The signed-in user, loaded once per navigation (and again when a page changes what the
/// header shows, see [`refresh_session_user`]) and shared through context.
#[derive(Clone, Copy)]
pub struct SessionUser(pub PageData<Result<Option<CurrentUser>, AppError>>);

pub fn use_session_user() -> PageData<Result<Option<CurrentUser>, AppError>> {
    expect_context::<SessionUser>().0
}

/// Loads the signed-in user again, for a page that changed in place what the header counts
/// (notifications marked read): the address, which otherwise reloads it, stays the same.
pub fn refresh_session_user() {
    if let Some(SessionUser(user)) = use_context::<SessionUser>() {
        user.refetch();
    }
}

/// HTML the server writes for a page (`inner_html`) between the page's fetch and its view, on
/// the server: it goes into the page's HTML but not into its hydration data, where it would be
/// sent, and escaped, a second time; hydration leaves what `inner_html` wrote as it is.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct HeldHtml(std::sync::Arc<std::sync::Mutex<String>>);

#[cfg(feature = "ssr")]
impl HeldHtml {
    /// Takes the HTML (`html` of `page`) out of the page's data, which is then serialised
    /// without it.
    pub fn hold<T>(&self, mut page: T, html: impl FnOnce(&mut T) -> &mut String) -> T {
        if let Ok(mut held) = self.0.lock() {
            *held = std::mem::take(html(&mut page));
        }
        page
    }

    /// Puts it back for the view that writes it into the page.
    pub fn put_back<T>(&self, mut page: T, html: impl FnOnce(&mut T) -> &mut String) -> T {
        if let Ok(held) = self.0.lock() {
            html(&mut page).clone_from(&held);
        }
        page
    }
}

/// The language a view is written in: the one given by a server function that writes HTML
/// outside a page's render (a [`Locale`] in its context, where no `I18nContext` is), else the
/// page's. A change of language is a form the server answers with a new page, so a view never
/// follows one while shown.
pub fn view_locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(|| use_i18n().get_locale_untracked())
}

/// A sentence for a field problem, in the reader's language.
pub fn problem_text(i18n: I18nContext<Locale>, problem: &Problem) -> String {
    problem_text_in(i18n.get_locale(), problem)
}

/// [`problem_text`] in a given language, for text the server writes outside a page's render.
pub fn problem_text_in(locale: Locale, problem: &Problem) -> String {
    match problem {
        Problem::Required => td_string!(locale, problem_required).to_string(),
        Problem::TooLong { max } => td_string!(locale, problem_too_long, max = *max).to_string(),
        Problem::TooShort { min } => td_string!(locale, problem_too_short, min = *min).to_string(),
        Problem::InvalidEmail => td_string!(locale, problem_invalid_email).to_string(),
        Problem::InvalidUrl => td_string!(locale, problem_invalid_url).to_string(),
        Problem::WeakPassword => td_string!(locale, problem_weak_password).to_string(),
        Problem::EmailTaken => td_string!(locale, problem_email_taken).to_string(),
        Problem::NameTaken => td_string!(locale, problem_name_taken).to_string(),
        Problem::WrongCredentials => td_string!(locale, problem_wrong_credentials).to_string(),
        Problem::AccountDisabled => td_string!(locale, problem_account_disabled).to_string(),
        Problem::Mismatch => td_string!(locale, problem_mismatch).to_string(),
        Problem::UnknownChoice => td_string!(locale, problem_unknown_choice).to_string(),
        Problem::LastAdmin => td_string!(locale, problem_last_admin).to_string(),
        Problem::WrongCode => td_string!(locale, problem_wrong_code).to_string(),
        Problem::InvalidCharacters => td_string!(locale, problem_invalid_characters).to_string(),
        Problem::BadTemplate { path, message } => {
            td_string!(locale, problem_bad_template, path, message).to_string()
        }
        Problem::OutOfRange => td_string!(locale, problem_out_of_range).to_string(),
        Problem::Hidden => td_string!(locale, problem_hidden).to_string(),
        Problem::InvalidDate => td_string!(locale, problem_invalid_date).to_string(),
        Problem::DateInPast => td_string!(locale, problem_date_in_past).to_string(),
        Problem::NoSuchAccount => td_string!(locale, problem_no_such_account).to_string(),
        Problem::AlreadyInvited => td_string!(locale, problem_already_invited).to_string(),
        Problem::RoundClosed => td_string!(locale, problem_round_closed).to_string(),
        Problem::AlreadySubmitted => td_string!(locale, problem_already_submitted).to_string(),
        Problem::NotSubmitted => td_string!(locale, problem_not_submitted).to_string(),
        Problem::TooFewRespondents => td_string!(locale, problem_too_few_respondents).to_string(),
        Problem::OwnRound => td_string!(locale, problem_own_round).to_string(),
        Problem::SameRegion => td_string!(locale, problem_same_region).to_string(),
        Problem::MailOff => td_string!(locale, problem_mail_off).to_string(),
        Problem::MailFailed => td_string!(locale, problem_mail_failed).to_string(),
        Problem::ConfirmationFailed => td_string!(locale, problem_confirmation_failed).to_string(),
        Problem::ConfirmLinkStale => td_string!(locale, problem_confirm_link_stale).to_string(),
        Problem::MailLimit => td_string!(locale, problem_mail_limit).to_string(),
        Problem::RemindedRecently => td_string!(locale, problem_reminded_recently).to_string(),
        Problem::NotRemindable => td_string!(locale, problem_not_remindable).to_string(),
        Problem::Duplicate { text } => td_string!(locale, problem_duplicate, text).to_string(),
        Problem::TooFewChoices { min } => {
            td_string!(locale, problem_too_few_choices, min = *min).to_string()
        }
        Problem::TooManyChoices { max } => {
            td_string!(locale, problem_too_many_choices, max = *max).to_string()
        }
        Problem::JoiningLocked => td_string!(locale, problem_joining_locked).to_string(),
        Problem::LastOwner => td_string!(locale, problem_last_owner).to_string(),
        Problem::LinkRevoked => td_string!(locale, problem_link_revoked).to_string(),
        Problem::LinkExpired => td_string!(locale, problem_link_expired).to_string(),
        Problem::LinkUsedUp => td_string!(locale, problem_link_used_up).to_string(),
        Problem::AlreadyMember => td_string!(locale, problem_already_member).to_string(),
        Problem::WorkspaceNameTaken => td_string!(locale, problem_workspace_name_taken).to_string(),
        Problem::ActivityClosed => td_string!(locale, problem_activity_closed).to_string(),
        Problem::TemplateNotRun => td_string!(locale, problem_template_not_run).to_string(),
        Problem::OwnQuestion => td_string!(locale, problem_own_question).to_string(),
        Problem::NoTable => td_string!(locale, problem_no_table).to_string(),
        Problem::NotHarvested => td_string!(locale, problem_not_harvested).to_string(),
        Problem::NoDotsLeft { max } => {
            td_string!(locale, problem_no_dots_left, max = *max).to_string()
        }
    }
}

/// A sentence for an error as a whole, in the reader's language.
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    error_text_in(i18n.get_locale(), error)
}

/// [`error_text`] in a given language.
pub fn error_text_in(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::NotFound => td_string!(locale, error_not_found).to_string(),
        AppError::Unauthorized => td_string!(locale, error_unauthorized).to_string(),
        AppError::Forbidden => td_string!(locale, error_forbidden).to_string(),
        AppError::Invalid { .. } => td_string!(locale, error_invalid).to_string(),
        AppError::RateLimited => td_string!(locale, error_rate_limited).to_string(),
        AppError::BadRequest => td_string!(locale, error_bad_request).to_string(),
        AppError::Unreachable => td_string!(locale, error_unreachable).to_string(),
        AppError::Internal => td_string!(locale, error_internal).to_string(),
    }
}

/// What went wrong with a form's one `field` (a button's form has no field to show it at), or
/// the error's general text.
pub fn field_or_error_text(i18n: I18nContext<Locale>, error: &AppError, field: &str) -> String {
    field_or_error_text_in(i18n.get_locale(), error, field)
}

/// [`field_or_error_text`] in a given language.
pub fn field_or_error_text_in(locale: Locale, error: &AppError, field: &str) -> String {
    error
        .problem(field)
        .map(|p| problem_text_in(locale, p))
        .unwrap_or_else(|| error_text_in(locale, error))
}

/// The error of the last submission of an action, if it failed. After a form posted without
/// JavaScript, what was typed comes back beside the error (see `ssr::take_kept_text`) and is
/// put back into it here, for this action's form only.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let kept = use_context::<KeptText>().filter(|k| k.path == I::PATH);
    Signal::derive(move || {
        let error = action.value().get().and_then(Result::err)?;
        Some(match &kept {
            Some(k) => error.with_kept(&k.fields),
            None => error,
        })
    })
}

/// A labelled input with its problem, announced to screen readers.
#[component]
pub fn Field(
    name: &'static str,
    label: String,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] hint: Option<String>,
    /// Tells apart two fields of one name on a page (ids must be unique).
    #[prop(optional)]
    prefix: &'static str,
) -> impl IntoView {
    let id = format!("field-{prefix}{name}");
    let problem_id = format!("{id}-problem");
    let hint_id = format!("{id}-hint");
    let has_problem = move || error.get().is_some_and(|e| e.problem(name).is_some());
    let shown = move || {
        error
            .get()
            .and_then(|e| e.kept(name).map(str::to_owned))
            .unwrap_or_else(|| value.clone())
    };
    let described = {
        let hint_id = hint_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if has_problem() {
                ids.push(problem_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=shown
                required=required
                aria-invalid=move || has_problem().then_some("true")
                aria-describedby=described
            />
            <FieldProblem name error />
        </div>
    }
}

/// The problem of one field after a failed submission, if it had one.
#[component]
pub fn FieldProblem(name: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = view_locale();
    move || {
        error.get().and_then(|e| e.problem(name).cloned()).map(|p| {
            view! {
                <p class="problem" id=format!("field-{name}-problem")>
                    {problem_text_in(locale, &p)}
                </p>
            }
        })
    }
}

/// The message above a form after a failed submission (field problems are shown at the fields).
#[component]
pub fn FormNotice(error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = view_locale();
    move || {
        error.get().map(|e| {
            view! {
                <p class="notice notice-error" role="alert">
                    {error_text_in(locale, &e)}
                </p>
            }
        })
    }
}

/// The message above forms of buttons after a failed submission: with no field to show a
/// problem at, it says each problem itself.
#[component]
pub fn ButtonNotice(error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = view_locale();
    move || {
        error.get().map(|e| {
            let text = match &e {
                AppError::Invalid { fields, .. } if !fields.is_empty() => fields
                    .values()
                    .map(|p| problem_text_in(locale, p))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => error_text_in(locale, &e),
            };
            view! { <p class="notice notice-error" role="alert">{text}</p> }
        })
    }
}

/// A confirmation after a successful submission.
#[component]
pub fn Saved<I>(action: ServerAction<I>) -> impl IntoView
where
    I: ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    move || {
        matches!(action.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="notice notice-ok" role="status">
                    {t!(i18n, saved)}
                </p>
            }
        })
    }
}

/// A whole-page error that also sets the HTTP status while rendering on the server.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        options.set_status(status);
    }
    let sign_in = matches!(error, AppError::Unauthorized).then(|| {
        let next = use_location().pathname.get_untracked();
        view! {
            <p>
                <a class="button" href=format!("/signin?next={next}")>
                    {t!(i18n, nav_sign_in)}
                </a>
            </p>
        }
    });
    let message = error_text(i18n, &error);
    view! {
        <Title text=page_title(&message) />
        <section class="error-page">
            <h1>{message.clone()}</h1>
            {sign_in}
            <p>
                <a href="/">{t!(i18n, back_home)}</a>
            </p>
        </section>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}

/// Renders a loaded value, or the error page when loading failed.
pub fn or_error_page<T, V: IntoView + 'static>(
    result: Result<T, AppError>,
    render: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        Ok(value) => render(value).into_any(),
        Err(error) => view! { <ErrorPage error /> }.into_any(),
    }
}

/// The language switch: a plain form, so that it works without JavaScript.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    view! {
        <form class="language-switch" method="post" action=SetLocale::url()>
            <label for="language-select">{t!(i18n, language)}</label>
            <select id="language-select" name="locale">
                {Locale::get_all()
                    .iter()
                    .map(|l| {
                        view! {
                            <option value=l.as_str() selected=*l == current lang=l.as_str()>
                                {endonym(*l)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit">{t!(i18n, language_change)}</button>
        </form>
    }
}

/// Header, navigation, main region and footer around every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let user = page_data(
        move || location.pathname.get(),
        |_| crate::identity::api::who_am_i(),
    );
    provide_context(SessionUser(user));
    let account_links = move || {
        Suspend::new(async move {
            match user.await {
                Ok(Some(u)) => view! {
                    <li><a href="/assessments">{t!(i18n, nav_assessments)}</a></li>
                    <li><a href="/workshops">{t!(i18n, nav_workshops)}</a></li>
                    {u.is_admin().then(|| view! { <li><a href="/admin">{t!(i18n, nav_admin)}</a></li> })}
                    <li>
                        <a href="/notifications">
                            {match u.unread_notices {
                                0 => t_string!(i18n, nav_notices).to_string(),
                                n => t_string!(i18n, nav_notices_unread, n).to_string(),
                            }}
                        </a>
                    </li>
                    <li><a href="/account">{t!(i18n, nav_account)}</a></li>
                    <li>
                        // A plain form, answered by the server with a new page: signing out
                        // leaves no state in the browser to tidy, and every page loads the
                        // layout, so it carries no code for forms answered in place.
                        <form method="post" action=SignOut::url() class="inline-form">
                            <button type="submit" class="link-button">{t!(i18n, nav_sign_out)}</button>
                        </form>
                    </li>
                }
                .into_any(),
                _ => view! {
                    <li><a href="/signin">{t!(i18n, nav_sign_in)}</a></li>
                    <li><a href="/signup">{t!(i18n, nav_sign_up)}</a></li>
                }
                .into_any(),
            }
        })
    };
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="brand" href="/">"ClusterPoliSEE"</a>
            <nav aria-label=move || t_string!(i18n, nav_label).to_string()>
                <ul>
                    <li><a href="/">{t!(i18n, nav_home)}</a></li>
                    <li><a href="/workspaces">{t!(i18n, nav_workspaces)}</a></li>
                    <li><a href="/organisations">{t!(i18n, nav_organisations)}</a></li>
                    <Transition fallback=|| ()>{account_links}</Transition>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <LanguageSwitch />
            <p>{t!(i18n, footer_text)}</p>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn croatian_counts_take_the_one_few_and_other_forms_and_english_one_and_other() {
        let forms = |locale, ns: &[u64]| -> Vec<Plural> {
            ns.iter().map(|&n| Plural::of(locale, n)).collect()
        };
        use Plural::*;
        assert_eq!(
            forms(Locale::hr, &[1, 2, 4, 5, 11, 12, 21, 22, 101, 111, 0]),
            vec![One, Few, Few, Other, Other, Other, One, Few, One, Other, Other]
        );
        assert_eq!(
            forms(Locale::en, &[0, 1, 2, 21]),
            vec![Other, One, Other, Other]
        );
    }
}
