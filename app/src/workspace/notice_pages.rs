//! The notifications page: the person's latest notifications, marking them read, which
//! kinds they receive and how often by e-mail; and the page of the link that confirms their
//! address for e-mail.

use super::notice::{AddressState, MailCadence, Notice, NoticeKind, Notices};
use super::notice_api::{
    list_notices, preview_address_link, ConfirmAddress, MarkRead, SetNoticeKinds,
};
use crate::assessment::round::day_of;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{
    action_error, field_or_error_text, or_error_page, page_data, page_title, ButtonNotice,
    FormNotice,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

lazy_page!(NoticesRoute, NoticesPage);
lazy_page!(ConfirmAddressRoute, ConfirmAddressPage);

fn kind_label(i18n: I18nContext<Locale>, kind: NoticeKind) -> String {
    match kind {
        NoticeKind::Mention => t_string!(i18n, notice_kind_mention),
        NoticeKind::Reply => t_string!(i18n, notice_kind_reply),
        NoticeKind::Invitation => t_string!(i18n, notice_kind_invitation),
        NoticeKind::Document => t_string!(i18n, notice_kind_document),
    }
    .to_string()
}

fn cadence_label(i18n: I18nContext<Locale>, cadence: MailCadence) -> String {
    match cadence {
        MailCadence::Never => t_string!(i18n, notices_mail_never),
        MailCadence::Each => t_string!(i18n, notices_mail_each),
        MailCadence::Daily => t_string!(i18n, notices_mail_daily),
    }
    .to_string()
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    let read = ServerAction::<MarkRead>::new();
    let settings = ServerAction::<SetNoticeKinds>::new();
    let notices = page_data(
        move || (read.version().get(), settings.version().get()),
        |_| list_notices(),
    );
    Effect::watch(
        move || read.version().get(),
        |_, _, _| crate::ui::refresh_session_user(),
        false,
    );
    view! {
        <Title text=page_title(t_string!(i18n, notices_title)) />
        <section>
            <h1>{t!(i18n, notices_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    or_error_page(notices.await, move |n| view! { <NoticeList n read settings /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NoticeList(
    n: Notices,
    read: ServerAction<MarkRead>,
    settings: ServerAction<SetNoticeKinds>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read_error = action_error(read);
    let settings_error = action_error(settings);
    let unread = n.unread;
    let lines = n
        .notices
        .into_iter()
        .map(|notice| view! { <NoticeLine notice read /> })
        .collect_view();
    let boxes = NoticeKind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("field-notice-{}", kind.as_str());
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() name="kinds[]" value=kind.as_str() checked=!n.off.contains(&kind) />
                    <label for=id>{kind_label(i18n, kind)}</label>
                </div>
            }
        })
        .collect_view();
    let cadences = MailCadence::ALL
        .into_iter()
        .map(|cadence| {
            let id = format!("field-mail-{}", cadence.as_str());
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name="email" value=cadence.as_str() checked=n.mail == cadence />
                    <label for=id>{cadence_label(i18n, cadence)}</label>
                </div>
            }
        })
        .collect_view();
    let mail_on = n.mail_on;
    // Where e-mail stands, once the person has chosen it and the platform sends it.
    let address = (mail_on && n.mail != MailCadence::Never).then(|| {
        let address = n.address.clone();
        let text = match n.address_state {
            AddressState::Confirmed => t_string!(i18n, notices_address_confirmed, address),
            AddressState::LinkSent => t_string!(i18n, notices_address_link_sent, address),
            AddressState::Unconfirmed => t_string!(i18n, notices_address_unconfirmed, address),
        }
        .to_string();
        view! { <p class="hint" role="status">{text}</p> }
    });
    view! {
        <p>{t!(i18n, notices_unread, unread)}</p>
        <FormNotice error=read_error />
        {(unread > 0).then(|| view! {
            <ActionForm action=read attr:class="inline-form">
                <input type="hidden" name="notice_id" value="all" />
                <button type="submit" class="button">{t!(i18n, notices_mark_all)}</button>
            </ActionForm>
        })}
        <ul class="notices">{lines}</ul>
        <h2>{t!(i18n, notices_settings_title)}</h2>
        <ActionForm action=settings>
            <FormNotice error=settings_error />
            <fieldset class="field">
                <legend>{t!(i18n, notices_settings_legend)}</legend>
                {boxes}
            </fieldset>
            <fieldset class="field">
                <legend>{t!(i18n, notices_mail_legend)}</legend>
                {(!mail_on).then(|| view! { <p class="hint">{t!(i18n, notices_mail_unavailable)}</p> })}
                {cadences}
                {address}
            </fieldset>
            <button type="submit" class="button primary">{t!(i18n, save)}</button>
        </ActionForm>
    }
}

#[component]
fn NoticeLine(notice: Notice, read: ServerAction<MarkRead>) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(read);
    let actor = notice
        .actor
        .clone()
        .unwrap_or_else(|| t_string!(i18n, former_member).to_string());
    let what = match notice.kind {
        NoticeKind::Mention => t_string!(i18n, notice_mention).to_string(),
        NoticeKind::Reply => t_string!(i18n, notice_reply).to_string(),
        NoticeKind::Invitation => t_string!(i18n, notice_invitation).to_string(),
        NoticeKind::Document => t_string!(i18n, notice_document).to_string(),
    };
    let place = notice
        .thread_title
        .clone()
        .or_else(|| notice.document_name.clone())
        .unwrap_or_else(|| notice.workspace_name.clone());
    let id = notice.notice_id.clone();
    view! {
        <li class=if notice.read { "notice-line" } else { "notice-line unread" }>
            <a href=notice.href()>{actor} " " {what} " " <strong>{place}</strong></a>
            <span class="muted">" · " {notice.workspace_name.clone()} " · " {day_of(notice.created_at)}</span>
            {(!notice.read).then(|| view! {
                " "
                <ActionForm action=read attr:class="inline-form">
                    <input type="hidden" name="notice_id" value=id />
                    <button type="submit" class="button">{t!(i18n, notices_mark_read)}</button>
                    <ButtonNotice error />
                </ActionForm>
            })}
        </li>
    }
}

/// The link sent to confirm an address for e-mail: which address, and the button that
/// confirms it. Following the link alone confirms nothing, so a mail scanner that opens links
/// cannot do it for the person.
#[component]
pub fn ConfirmAddressPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let confirm = ServerAction::<ConfirmAddress>::new();
    let link = page_data(
        move || (token.get(), confirm.version().get()),
        |(token, _)| preview_address_link(token),
    );
    let error = action_error(confirm);
    view! {
        <Title text=page_title(t_string!(i18n, notice_confirm_title)) />
        <section>
            <h1>{t!(i18n, notice_confirm_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let link = match link.await {
                        Err(e @ AppError::Invalid { .. }) => {
                            return view! {
                                <p class="notice notice-error" role="alert">{field_or_error_text(i18n, &e, "token")}</p>
                                <p><a href="/notifications">{t!(i18n, notices_title)}</a></p>
                            }
                                .into_any();
                        }
                        other => other,
                    };
                    or_error_page(link, move |l| {
                        let address = l.address.clone().unwrap_or_default();
                        if l.confirmed {
                            view! {
                                <p class="notice" role="status">{t!(i18n, notice_confirm_done)}</p>
                                <p><a href="/notifications">{t!(i18n, notices_title)}</a></p>
                            }
                                .into_any()
                        } else {
                            view! {
                                <p>{t_string!(i18n, notice_confirm_ask, address).to_string()}</p>
                                <ActionForm action=confirm>
                                    <FormNotice error />
                                    <input type="hidden" name="token" value=token.get_untracked() />
                                    <button type="submit" class="button primary">{t!(i18n, notice_confirm_button)}</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}
