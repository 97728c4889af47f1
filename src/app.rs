//! The HTML shell, the router and the session every page can read. No business logic.
use crate::components::error_view::NotFoundPage;
use crate::components::layout::AppLayout;
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
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

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
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options=options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
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
        <I18nContextProvider>
            <Head />
            <Router>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("staff") view=StaffPage ssr=SsrMode::Async />
                        <Route path=path!("today") view=TodayPage ssr=SsrMode::Async />
                        <Route path=path!("visits") view=VisitsPage ssr=SsrMode::Async />
                        <Route path=path!("customers") view=CustomerListPage ssr=SsrMode::Async />
                        <Route path=path!("customers/new") view=NewCustomerPage ssr=SsrMode::Async />
                        <Route path=path!("customers/import") view=ImportPage ssr=SsrMode::Async />
                        <Route path=path!("customers/:id") view=CustomerDetailPage ssr=SsrMode::Async />
                        <Route path=path!("orders") view=OrdersPage ssr=SsrMode::Async />
                        <Route path=path!("orders/new") view=NewOrderPage ssr=SsrMode::Async />
                        <Route path=path!("orders/:id") view=OrderDetailPage ssr=SsrMode::Async />
                        <Route path=path!("orders/:id/print") view=DeliveryNotePage ssr=SsrMode::Async />
                        <Route path=path!("receivables") view=AgingPage ssr=SsrMode::Async />
                        <Route path=path!("receivables/:id") view=StatementPage ssr=SsrMode::Async />
                        <Route path=path!("sales") view=SalesPage ssr=SsrMode::Async />
                        <Route path=path!("products") view=ProductsPage ssr=SsrMode::Async />
                        <Route path=path!("prices") view=PricesPage ssr=SsrMode::Async />
                        <Route path=path!("segmentation") view=SegmentationPage ssr=SsrMode::Async />
                        <Route path=path!("tiers") view=TransitionsPage ssr=SsrMode::Async />
                        <Route path=path!("tiers/policies") view=PoliciesPage ssr=SsrMode::Async />
                        <Route path=path!("tiers/changes") view=TierChangesPage ssr=SsrMode::Async />
                        <Route path=path!("growth") view=GrowthPage ssr=SsrMode::Async />
                        <Route path=path!("discipline") view=DisciplinePage ssr=SsrMode::Async />
                        <Route path=path!("tickets") view=TicketBoardPage ssr=SsrMode::Async />
                        <Route path=path!("tickets/compliance") view=CompliancePage ssr=SsrMode::Async />
                        <Route path=path!("tickets/objections/:id") view=ObjectionPage ssr=SsrMode::Async />
                        <Route path=path!("tickets/deliveries/:id") view=DeliveryPage ssr=SsrMode::Async />
                        <Route path=path!("deliveries") view=MyDeliveriesPage ssr=SsrMode::Async />
                        <Route path=path!("standards") view=StandardsPage ssr=SsrMode::Async />
                        <Route path=path!("handbook") view=HandbookPage ssr=SsrMode::Async />
                        <Route path=path!("development") view=DevelopmentPage ssr=SsrMode::Async />
                        <Route path=path!("development/:id") view=EmployeeDevelopmentPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// Title suffix, manifest and icons, in the current language.
#[component]
fn Head() -> impl IntoView {
    let i18n = use_i18n();
    // On the server the formatter runs when the response is written, possibly outside the
    // request's reactive arena: it must not read signals there (see `head_text`).
    #[cfg(feature = "ssr")]
    let app_name = {
        let name = t_string!(i18n, app_name).to_string();
        move || name.clone()
    };
    #[cfg(not(feature = "ssr"))]
    let app_name = move || t_string!(i18n, app_name).to_string();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { app_name() } else { format!("{page} · {}", app_name()) }
        } />
        <Meta name="theme-color" content="#b3261e" />
        <Meta name="description" content=crate::components::head_text(move || t_string!(i18n, app_tagline).to_string()) />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="icon" href="/favicon.ico" />
        <Link rel="apple-touch-icon" href="/icons/icon-192.png" />
    }
}
