//! The Leptos application: pages, islands, translations and server functions.
//! Pages render on the server; the two submission forms are islands that hydrate in the browser.

pub mod admin;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod limits;
pub mod me;
pub mod open311;
pub mod photos;
pub mod projects;
pub mod resident;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;
pub mod wishes;

use domain::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{path, SsrMode};
use resident::pages::*;
use ui::lang::{request_elder, request_lang};
use ui::{Elder, NotFound};

/// Pages that contain islands (the two forms, and the read-aloud button on them); every other page
/// ships no JavaScript at all, except in 长者模式, where every resident page gets the read-aloud button.
pub const ISLAND_PAGES: &[&str] = &["/wish/new", "/project/new"];

/// Whether this page hydrates islands: a form page, or any resident page in 长者模式.
fn page_has_islands() -> bool {
    ISLAND_PAGES.contains(&request_path().as_str()) || request_elder()
}

fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return parts.uri.path().to_string();
        }
    }
    String::new()
}

/// The content hashes cargo-leptos wrote for a release build (`hash-files`) in `hash.txt` beside the
/// server binary (`css: …`, `js: …`, `wasm: …`), read once; empty for a build without hashed names.
#[cfg(feature = "ssr")]
pub fn asset_hashes() -> &'static std::collections::HashMap<String, String> {
    static HASHES: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| {
        let file = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("hash.txt")));
        let text = file.and_then(|f| std::fs::read_to_string(f).ok()).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect()
    })
}

/// The stylesheet's URL: named by its content in a release build, so browsers keep it for a year.
pub fn stylesheet_href() -> String {
    #[cfg(feature = "ssr")]
    if let Some(h) = asset_hashes().get("css") {
        return format!("/pkg/portal.{h}.css");
    }
    "/pkg/portal.css".to_string()
}

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    set_content_security_policy();
    let islands = page_has_islands();
    let elder = request_elder().then_some("elder");
    view! {
        <!DOCTYPE html>
        <html lang=ui::i18n::html_lang(lang) class=elder>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3261e" />
                <link rel="stylesheet" href=stylesheet_href() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {islands.then(|| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The portal's Content-Security-Policy: scripts only from this site (and, on a page, the inline
/// hydration and resource scripts Leptos marks with the response's `nonce`); WebAssembly for the
/// islands; no frames, no plugins, forms only to this site. Pages set it with their nonce
/// ([`shell`]); every other answer gets it without one (`server::security::headers`).
#[cfg(feature = "ssr")]
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let page_scripts = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{page_scripts} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

fn set_content_security_policy() {
    #[cfg(feature = "ssr")]
    {
        let nonce = leptos::nonce::use_nonce();
        if let (Some(nonce), Some(res)) = (nonce, use_context::<leptos_axum::ResponseOptions>()) {
            let policy = content_security_policy(Some(&nonce.to_string()));
            if let Ok(v) = http::HeaderValue::from_str(&policy) {
                res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
}

/// The router and the page frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_lang();
    provide_context(lang);
    provide_context(Elder(request_elder()));
    view! {
        <Router>
            <a class="skip" href="#main">{ui::i18n::t(lang, "nav.skip")}</a>
            <Header lang />
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/wish/new") view=WishPage ssr=SsrMode::Async />
                    <Route path=path!("/project/new") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/track") view=LookupPage ssr=SsrMode::Async />
                    <Route path=path!("/t/:token") view=TrackPage ssr=SsrMode::Async />
                    <Route path=path!("/wishes") view=wishes::pages::WishWallPage ssr=SsrMode::Async />
                    <Route path=path!("/wishes/:number") view=wishes::pages::WishClaimPage ssr=SsrMode::Async />
                    <Route path=path!("/c/:token") view=wishes::pages::DonorPage ssr=SsrMode::Async />
                    <Route path=path!("/projects") view=projects::pages::ProjectBoardPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:number") view=projects::pages::PublicProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=me::pages::MyItemsPage ssr=SsrMode::Async />
                    <Route path=path!("/mail/preferences/:token") view=me::pages::MailPrefsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=staff::inbox::StaffInboxPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/sign-in") view=staff::inbox::StaffSignInPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/password") view=staff::password::StaffPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/items/:number") view=staff::item::StaffItemPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/admin") view=admin::pages::AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=dashboard::pages::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard/items") view=dashboard::drill::DrillPage ssr=SsrMode::Async />
                    <Route path=path!("/figures") view=dashboard::figures::FiguresPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{ui::i18n::t(lang, "footer.text")}</p>
            </footer>
        </Router>
    }
}

#[component]
fn Header(lang: Lang) -> impl IntoView {
    let loc = use_location();
    let back = loc.pathname.get_untracked();
    let elder = ui::use_elder();
    let resident = ui::is_resident_path(&back);
    let elder_switch = resident.then(|| {
        let (to, key) = if elder { ("off", "elder.off") } else { ("on", "elder.on") };
        view! { <a class="elder-switch" href=format!("/elder/{to}?back={}", back.clone())>{ui::i18n::t(lang, key)}</a> }
    });
    let read_aloud = page_has_islands().then(|| view! { <ui::read_aloud::ReadAloud lang /> });
    let switch = move |to: Lang, label: &'static str| {
        let href = format!("/lang/{}?back={}", to.code(), back.clone());
        let current = to == lang;
        view! {
            <a href=href hreflang=ui::i18n::html_lang(to) lang=ui::i18n::html_lang(to) aria-current=if current { Some("true") } else { None }>{label}</a>
        }
    };
    let nav = view! {
        <nav class="main-nav" aria-label=ui::i18n::t(lang, "nav.label")>
            <a href="/wish/new">{ui::i18n::t(lang, "nav.wish")}</a>
            <a href="/project/new">{ui::i18n::t(lang, "nav.project")}</a>
            <a href="/wishes">{ui::i18n::t(lang, "nav.wishes")}</a>
            <a href="/projects">{ui::i18n::t(lang, "nav.projects")}</a>
            <a href="/track">{ui::i18n::t(lang, "nav.track")}</a>
            <a href="/me">{ui::i18n::t(lang, "nav.me")}</a>
        </nav>
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="mark" aria-hidden="true">"莞"</span>
                <span class="name">{ui::i18n::t(lang, "app.name")}</span>
            </a>
            <nav class="langs" aria-label=ui::i18n::t(lang, "lang.label")>
                {switch(Lang::ZhHans, "简")}
                {switch(Lang::ZhHant, "繁")}
                {switch(Lang::En, "EN")}
            </nav>
            <div class="tools">{elder_switch}{read_aloud}</div>
            {if elder {
                // 长者模式: the sections fold under one big button, so the page's own content starts on the first screen.
                view! {
                    <details class="menu">
                        <summary>{ui::i18n::t(lang, "nav.menu")}</summary>
                        {nav}
                    </details>
                }
                .into_any()
            } else {
                nav.into_any()
            }}
        </header>
    }
}
