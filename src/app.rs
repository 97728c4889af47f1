//! The HTML shell, the router and the session every page can read. No business logic.
use crate::components::error_view::NotFoundPage;
use crate::components::layout::{AppLayout, LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECS};
use crate::error::AppError;
use crate::features::auth::api::{SessionInfo, get_session};
use crate::features::auth::login_page::LoginPage;
use crate::features::customers::detail_page::CustomerDetailPage;
use crate::features::customers::import_page::ImportPage;
use crate::features::customers::list_page::CustomerListPage;
use crate::features::customers::new_page::NewCustomerPage;
use crate::features::dashboard::dashboard_page::DashboardPage;
use crate::features::development::page::{DevelopmentPage, EmployeeDevelopmentPage};
use crate::features::discipline::page::DisciplinePage;
use crate::features::growth::page::GrowthPage;
use crate::features::handbook::page::HandbookPage;
use crate::features::orders::detail_page::OrderDetailPage;
use crate::features::orders::list_page::OrdersPage;
use crate::features::orders::new_page::NewOrderPage;
use crate::features::orders::print_page::DeliveryNotePage;
use crate::features::pricing::prices_page::PricesPage;
use crate::features::receivables::aging_page::AgingPage;
use crate::features::receivables::statement_page::StatementPage;
use crate::features::sales::products_page::ProductsPage;
use crate::features::sales::sales_page::SalesPage;
use crate::features::segmentation::page::SegmentationPage;
use crate::features::staff::staff_page::StaffPage;
use crate::features::standards::page::StandardsPage;
use crate::features::tickets::board_page::TicketBoardPage;
use crate::features::tickets::compliance_page::CompliancePage;
use crate::features::tickets::deliveries_page::MyDeliveriesPage;
use crate::features::tickets::detail_page::{DeliveryPage, ObjectionPage};
use crate::features::tiers::changes_page::TierChangesPage;
use crate::features::tiers::policies_page::PoliciesPage;
use crate::features::tiers::transitions_page::TransitionsPage;
use crate::features::visits::page::VisitsPage;
use crate::features::visits::today_page::TodayPage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use leptos_router::{Lazy, LazyRoute, SsrMode};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // the page's content security policy names the nonce Leptos puts on its inline
    // scripts (hydration, resolved resources): no other inline script runs
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(policy) =
        axum::http::HeaderValue::from_str(&crate::server::http::page_csp(&nonce))
    {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    }
    // the head the page never changes after: written here, outside the hydrated app
    #[cfg(feature = "ssr")]
    let description = {
        // the language the app's i18n context will draw the body in
        let locale = use_context::<http::request::Parts>()
            .map(|parts| crate::server::http::page_locale(&parts.headers))
            .unwrap_or_default();
        td_string!(locale, app_tagline).to_string()
    };
    #[cfg(not(feature = "ssr"))]
    let description = String::new();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3261e" />
                <meta name="description" content=description />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <AutoReload options=options.clone() />
                <HydrateAfterPaint options=options.clone() />
                <HashedStylesheet options=options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Starts the app in the browser once the page has been painted, in place of Leptos's
/// `HydrationScripts`. That one preloads the main wasm module from the top of `<head>`
/// (and, with the split build's manifest, the page's chunks): on a slow line those
/// hundreds of KB then share the bandwidth with the stylesheet and images the first paint
/// waits for. Here the page (rendered complete on the server, its forms working without
/// script) is shown first; the main module is fetched right after, and with it the files
/// of the page's chunk group (`lazy_groups!`, named by `name_page_chunks`).
#[component]
fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = main_module_urls(&options);
    let script = format!("{KEEP_TYPED}{START_AFTER_PAINT}")
        .replace("JS_URL", &format!("{js:?}"))
        .replace("WASM_URL", &format!("{wasm:?}"));
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// What the user types before the app runs is kept. Hydrating a bound input (`bind:value`,
/// `prop:value`) sets it to the value its signal starts with, which would wipe what was
/// typed meanwhile — and the later the code comes, the more a fast user types. Until the
/// page says it is hydrated (`data-hydrated` on `<body>`), every field the user changes
/// is noted. The bound inputs' effects run just after that mark: then, and again a quarter
/// of a second later, each noted field the app reset gets its value back, announced by an
/// `input` (text) or `change` (choices) event, so its signal learns it. A field the user
/// changes after the mark is forgotten (the app has it): the app may then clear it, as the
/// sign-in form clears a wrong password, without having it put back.
const KEEP_TYPED: &str = "let h=0;const typed=new Map(),chk=t=>t.type===\"checkbox\"||t.type===\"radio\",\
note=e=>{const t=e.target;if(t instanceof HTMLInputElement||t instanceof HTMLTextAreaElement||t instanceof HTMLSelectElement){if(h)typed.delete(t);else typed.set(t,chk(t)?t.checked:t.value)}},\
put=()=>{for(const[t,v]of typed){const c=chk(t);if(!t.isConnected||(c?t.checked:t.value)===v)continue;\
if(c)t.checked=v;else t.value=v;t.dispatchEvent(new Event(c||t instanceof HTMLSelectElement?\"change\":\"input\",{bubbles:true}))}};\
addEventListener(\"input\",note,true);addEventListener(\"change\",note,true);\
new MutationObserver((_,o)=>{if(!document.body.hasAttribute(\"data-hydrated\"))return;h=1;o.disconnect();setTimeout(put);\
setTimeout(()=>{put();removeEventListener(\"input\",note,true);removeEventListener(\"change\",note,true)},250)})\
.observe(document.body,{attributes:true,attributeFilter:[\"data-hydrated\"]});";

/// Fetches and starts the main module in the frame after the first one (frames wait for
/// the stylesheet, not for images). A hidden tab draws no frames: it starts at once, and a
/// tab hidden before its frames starts when hidden. The wasm is asked for together with
/// its JS, not once the JS (and the chunk loader it imports) has come: two round trips
/// less before the largest download starts. A failed fetch is reported once, by the start
/// that waits for it, not also as a rejection nobody handled. The module is made ready
/// (its last bytes compiled, instantiated) in one task and hydrates the page in the next:
/// two shorter tasks, between which a tap is answered, instead of one long one.
///
/// The files of the page's chunk group (named in `<head>` by [`name_page_chunks`]) are
/// asked for right after the main module, as preloads that the chunk loader's own fetches
/// then take: asked for by the loader alone, they came only once the main module had come
/// and started, a round trip and the module's start later, while the line stood idle. At
/// low priority: the main module, which every page needs first, goes ahead of them.
const START_AFTER_PAINT: &str = "let s=0;const go=()=>s++||(w=>{w.catch(()=>{});const j=import(JS_URL);preloadChunks();\
j.then(m=>m.default({module_or_path:w}).then(()=>new Promise(r=>setTimeout(r))).then(()=>m.hydrate()))})(fetch(WASM_URL));\
const preloadChunks=()=>{for(const u of(document.head.querySelector(\"meta[name=qudao-chunks]\")?.content??\"\").split(\" \")){if(!u.startsWith(\"/pkg/\"))continue;\
const l=document.createElement(\"link\");if(u.endsWith(\".js\"))l.rel=\"modulepreload\";else{l.rel=\"preload\";l.as=\"fetch\";l.crossOrigin=\"anonymous\";l.fetchPriority=\"low\"}\
l.href=u;document.head.append(l)}};\
if(document.hidden)setTimeout(go);else requestAnimationFrame(()=>requestAnimationFrame(()=>setTimeout(go)));\
addEventListener(\"visibilitychange\",()=>setTimeout(go),{once:true});";

/// The URLs of the main module's JS and wasm, named as `HydrationScripts` names them: with
/// the build's hashes (`hash.txt` beside the server's binary) when the build hashes them.
#[cfg(feature = "ssr")]
fn main_module_urls(options: &LeptosOptions) -> (String, String) {
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| {
        let mut js = options.output_name.to_string();
        let mut wasm = options.output_name.to_string();
        if let Some(hashes) = crate::server::http::assets::build_hashes(options) {
            use crate::server::http::assets::hash_in;
            if let Some(h) = hash_in(&hashes, "js") {
                js = format!("{js}.{h}");
            }
            if let Some(h) = hash_in(&hashes, "wasm") {
                wasm = format!("{wasm}.{h}");
            }
        } else if !options.hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            wasm.push_str("_bg");
        }
        (js, wasm)
    });
    let pkg = &options.site_pkg_dir;
    (format!("/{pkg}/{js}.js"), format!("/{pkg}/{wasm}.wasm"))
}

/// Names the files of a page's chunk group in `<head>` (`<meta name="qudao-chunks">`, the
/// URLs separated by spaces) for the start script to fetch with the main module
/// ([`START_AFTER_PAINT`]). Nothing when the build is not split: the chunk loader then
/// fetches them as before, once hydration reaches the page. (It reaches `<head>` because
/// every route renders in `Async` mode: the head is written once the whole page is.)
#[cfg(feature = "ssr")]
fn name_page_chunks(group: &'static str) {
    let Some(state) = use_context::<crate::server::state::AppState>() else {
        return;
    };
    if let Some(urls) = state.page_chunks.get(group) {
        // leptos_meta writes it into `<head>`, nothing into the body (which hydrates)
        let _ = view! { <leptos_meta::Meta name="qudao-chunks" content=urls.clone() /> }.to_html();
    }
}

/// The browser never draws the document's shell.
#[cfg(not(feature = "ssr"))]
fn main_module_urls(_options: &LeptosOptions) -> (String, String) {
    (String::new(), String::new())
}

// Every route renders in `Async` mode: the whole page is ready before the first byte, so
// a page can still answer with a redirect (signed out), 403 or 404 status.

/// The session, loaded once per page load. Sign-in and sign-out reload the page, so it
/// never goes stale within one.
pub type SessionResource = Resource<Result<SessionInfo, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session: SessionResource = Resource::new(|| (), |()| get_session());
    provide_context(session);
    view! {
        // the server reads the language from this cookie and refreshes it (the browser
        // writes it when the language is switched: `LanguageSwitch`)
        <I18nContextProvider cookie_name=LANGUAGE_COOKIE cookie_options=language_cookie_options()>
            <Head />
            <Router>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("staff") view={Lazy::<StaffRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("today") view={Lazy::<TodayRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("visits") view={Lazy::<VisitsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("customers") view={Lazy::<CustomerListRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("customers/new") view={Lazy::<NewCustomerRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("customers/import") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("customers/:id") view={Lazy::<CustomerDetailRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("orders/new") view={Lazy::<NewOrderRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("orders/:id") view={Lazy::<OrderDetailRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("orders/:id/print") view={Lazy::<DeliveryNoteRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("receivables") view={Lazy::<AgingRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("receivables/:id") view={Lazy::<StatementRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("sales") view={Lazy::<SalesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("products") view={Lazy::<ProductsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("prices") view={Lazy::<PricesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("segmentation") view={Lazy::<SegmentationRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tiers") view={Lazy::<TransitionsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tiers/policies") view={Lazy::<PoliciesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tiers/changes") view={Lazy::<TierChangesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("growth") view={Lazy::<GrowthRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("discipline") view={Lazy::<DisciplineRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tickets") view={Lazy::<TicketBoardRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tickets/compliance") view={Lazy::<ComplianceRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tickets/objections/:id") view={Lazy::<ObjectionRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("tickets/deliveries/:id") view={Lazy::<DeliveryRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("deliveries") view={Lazy::<MyDeliveriesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("standards") view={Lazy::<StandardsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("handbook") view={Lazy::<HandbookRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("development") view={Lazy::<DevelopmentRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("development/:id") view={Lazy::<EmployeeDevelopmentRoute>::new()} ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// How leptos_i18n writes the language cookie: on the server it sets it again on every
/// page drawn for a request that carries it, so there it must be the cookie
/// `language_cookie` describes (site-wide, `SameSite=Lax`, `Secure` behind HTTPS as the
/// session cookie), not a plain one beside it. Every response that draws the app has the
/// state in its context (page routes and the not-found fallback alike). The browser's
/// build never writes it through leptos_i18n (`LanguageSwitch` does).
fn language_cookie_options() -> leptos_i18n::context::CookieOptions<crate::i18n::Locale> {
    let options = leptos_i18n::context::CookieOptions::default()
        .path("/".to_string())
        .max_age(LANGUAGE_COOKIE_SECS * 1000);
    #[cfg(feature = "ssr")]
    let options = options.same_site(cookie::SameSite::Lax).secure(
        use_context::<crate::server::state::AppState>().is_some_and(|s| s.config.secure_cookies),
    );
    options
}

/// A route the router reaches by hydrating it after its `preload` (a [`LazyRoute`]): the
/// pages of a chunk (`lazy_groups!`) and those kept in the main module
/// (`main_module_routes!`) differ only in how they draw the page and what they wait for.
macro_rules! lazy_route {
    (#[doc = $doc:expr] $route:ident, view: $view:block, preload: $preload:block) => {
        #[doc = $doc]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView $view

            async fn preload() $preload
        }
    };
}

/// Pages whose code travels in wasm chunks (`cargo leptos build --split`), fetched when a
/// page of the group is first opened: the first load carries only the sign-in page, the
/// shell and Today, and the service worker keeps every chunk for offline use. On the
/// server the pages render as any other.
///
/// Pages are split by group, not one by one: each split point gets its code, and code
/// shared by several split points goes into chunks of its own, one per combination. One
/// split point per page made ~870 chunks, and opening the customer list fetched 185 of
/// them (a second of round trips each six files on a tablet's line); a handful of groups
/// of pages that share their code keeps that to a few files.
macro_rules! lazy_groups {
    ($($group:ident ($preload:ident): $which:ident { $($route:ident => $page:ident),* $(,)? })*) => {$(
        #[doc = concat!("The pages of the `", stringify!($group), "` chunk.")]
        #[derive(Clone, Copy, Debug)]
        pub enum $which {
            $($route),*
        }

        impl $which {
            /// Each page stays a function of its own, called through a pointer: called
            /// directly, the optimisers inline every page of the group into this one
            /// function (each page has one caller), and the browser compiles a function
            /// whole the first time it runs it, on the main thread, while the page
            /// waits: the office group's took ~40 ms on a slow tablet for any one page.
            fn draw(self) -> AnyView {
                let page: fn() -> AnyView = match self {
                    $($which::$route => || $page().into_any()),*
                };
                std::hint::black_box(page)()
            }
        }

        #[doc = concat!("Draws a page of the `", stringify!($group), "` chunk, loading it first; ")]
        #[doc = "an error when it cannot be fetched (no network, and the service worker does not have it yet)."]
        #[cfg_attr(feature = "hydrate", ::leptos::wasm_split::wasm_split(
            $group,
            wasm_split_path = ::leptos::wasm_split,
            preload(#[doc(hidden)] $preload),
            fallible
        ))]
        #[cfg(feature = "hydrate")]
        fn $group(page: $which) -> Result<AnyView, ChunkError> {
            Ok(page.draw())
        }

        #[cfg(not(feature = "hydrate"))]
        async fn $group(page: $which) -> Result<AnyView, ChunkError> {
            // No `prefetch_lazy_fn_on_server` (which preloads the chunk's files from the
            // top of `<head>`): like the main module they are fetched once the page is
            // painted, together with it (see `HydrateAfterPaint`).
            #[cfg(feature = "ssr")]
            name_page_chunks(stringify!($group));
            Ok(page.draw())
        }

        $(
            lazy_route! {
                #[doc = concat!("The route of [`", stringify!($page), "`] (the `", stringify!($group), "` chunk).")]
                $route,
                view: {
                    $group($which::$route).await.unwrap_or_else(|_| crate::components::error_view::ChunkFailed().into_any())
                },
                // hydration loads the page's chunk first (the loader exists in the
                // browser only); a failure is told by `view`
                preload: {
                    #[cfg(feature = "hydrate")]
                    let _ = $preload().await;
                }
            }
        )*
    )*};
}

/// Routes of pages whose code is in the main module (the sign-in page, and Today, which a
/// rep's tablet opens first, also offline), reached by hydration as a page of a chunk is:
/// after a pause. The app's start (language, router) then hydrates in one task, and the
/// matched routes (the signed-in layout with the page in it) in the next: two shorter
/// tasks, between which a tap is answered, instead of one long one (the browser compiles
/// each wasm function the first time it runs, on the main thread). The router waits for
/// every matched route's loader before it hydrates them (`hydrate_async`).
macro_rules! main_module_routes {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        lazy_route! {
            #[doc = concat!("The route of [`", stringify!($page), "`] (in the main module).")]
            $route,
            view: { $page().into_any() },
            preload: {
                #[cfg(feature = "hydrate")]
                crate::offline::pause(0).await;
            }
        }
    )*};
}

main_module_routes! {
    LoginRoute => LoginPage,
    TodayRoute => TodayPage,
}

/// Why a chunk could not be loaded (in the browser: the fetch failed).
#[cfg(feature = "hydrate")]
pub type ChunkError = leptos::wasm_split::SplitLoaderError;
/// On the server every page is in the binary: nothing to load.
#[cfg(not(feature = "hydrate"))]
#[derive(Debug)]
pub struct ChunkError;

lazy_groups! {
    // the customer list alone, the office's most opened page: its first load fetches the
    // list's own code (0.11 MB brotli), not every office page's (0.59 MB)
    customer_list(__preload_customer_list): CustomerListChunk {
        CustomerListRoute => CustomerListPage,
    }
    // the office's daily work on customers, orders and money
    office(__preload_office): OfficePage {
        NewCustomerRoute => NewCustomerPage,
        ImportRoute => ImportPage,
        CustomerDetailRoute => CustomerDetailPage,
        OrdersRoute => OrdersPage,
        NewOrderRoute => NewOrderPage,
        OrderDetailRoute => OrderDetailPage,
        DeliveryNoteRoute => DeliveryNotePage,
        AgingRoute => AgingPage,
        StatementRoute => StatementPage,
        PricesRoute => PricesPage,
        ProductsRoute => ProductsPage,
        SalesRoute => SalesPage,
        VisitsRoute => VisitsPage,
    }
    // the owner's and managers' figures: tiers, growth, channel order
    analysis(__preload_analysis): AnalysisPage {
        DashboardRoute => DashboardPage,
        SegmentationRoute => SegmentationPage,
        TransitionsRoute => TransitionsPage,
        PoliciesRoute => PoliciesPage,
        TierChangesRoute => TierChangesPage,
        GrowthRoute => GrowthPage,
        DisciplineRoute => DisciplinePage,
    }
    // service standards, tickets, deliveries, the handbook and the staff
    service(__preload_service): ServicePage {
        TicketBoardRoute => TicketBoardPage,
        ComplianceRoute => CompliancePage,
        ObjectionRoute => ObjectionPage,
        DeliveryRoute => DeliveryPage,
        MyDeliveriesRoute => MyDeliveriesPage,
        StandardsRoute => StandardsPage,
        HandbookRoute => HandbookPage,
        DevelopmentRoute => DevelopmentPage,
        EmployeeDevelopmentRoute => EmployeeDevelopmentPage,
        StaffRoute => StaffPage,
    }
}

/// The title's suffix (the app's name, in the current language), and the app's name alone
/// for pages without a title of their own. It is written into `<head>` on the server; in the browser the
/// pages' titles set the window's name themselves (`components::Title`), so this draws
/// nothing there. Both sides put the same empty placeholder in the body: the browser's
/// `()` (an empty comment, then, with erased components, the marker after it) must find
/// what the server wrote, so the server's `()` comes first too.
#[component]
fn Head() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let i18n = use_i18n();
        // the formatter runs when the response is written, possibly outside the request's
        // reactive arena: it must not read signals there (see `head_text`)
        let app_name = t_string!(i18n, app_name).to_string();
        (
            (),
            // an empty title under every page's own: a page that draws none (a load error
            // in place of a profile) is still named after the app, not left untitled
            view! { <leptos_meta::Title text="" formatter=move |page: String| crate::components::title::full_title(&page, &app_name) /> },
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        crate::components::title::app_title();
    }
}
