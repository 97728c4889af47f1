//! The tablet's side of "Today": what the page holds (the plan from the device or the
//! server, the outbox) and how it syncs with the server — at start, when the device
//! comes back online (trying again within seconds while the network is still down),
//! and every half minute while records wait.
use super::api::{ItemKind, OfflineBundle, OutboxEntry, PhotoRef, ProductChoice};
#[cfg(feature = "hydrate")]
use crate::components::error_view::error_message;
use crate::domain::ids::CustomerId;
#[cfg(feature = "hydrate")]
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// Where the device and the server stand.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncStatus {
    /// Reading the device.
    Starting,
    Offline,
    Syncing,
    Synced,
    /// The session ended: records stay on the device until the rep signs in again.
    SignedOut,
    /// The device's storage is full: the record was not kept (the form still holds it).
    StorageFull,
    Failed(String),
}

/// The Beijing minute now, from the device's clock.
pub(super) fn now_beijing() -> chrono::NaiveDateTime {
    #[cfg(feature = "ssr")]
    let now = chrono::Utc::now();
    #[cfg(not(feature = "ssr"))]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "milliseconds since 1970 fit in i64"
    )]
    let now =
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    crate::domain::time::to_beijing(now)
}

pub(super) fn minute_text(at: chrono::NaiveDateTime) -> String {
    crate::domain::time::input_minute_text(at)
}

/// What the page holds: the plan from the device or the server, the outbox, and the
/// sync status. Copied into every widget of the page.
#[derive(Clone, Copy)]
pub struct Today {
    pub(super) bundle: RwSignal<Option<OfflineBundle>>,
    pub(super) from_device: RwSignal<bool>,
    pub(super) entries: RwSignal<Vec<OutboxEntry>>,
    /// The customers of the visits waiting in `entries` ([`Today::waiting_visits`]).
    pub(super) visited: Memo<std::collections::BTreeSet<String>>,
    pub(super) status: RwSignal<SyncStatus>,
    /// The bundle's customers, sent as columns, could not be read (their chunk could not
    /// be fetched): "my customers" says so.
    pub(super) customers_failed: RwSignal<bool>,
    /// The next try after the device came back online, while one waits.
    #[cfg_attr(not(feature = "hydrate"), expect(dead_code, reason = "the browser's"))]
    pub(super) retry: StoredValue<Option<TimeoutHandle>>,
}

impl Today {
    pub(super) fn user_id(self) -> Option<String> {
        self.bundle
            .with_untracked(|b| b.as_ref().map(|b| b.user_id.to_string()))
    }

    /// The products of the bundle, for the forms' choices.
    pub(super) fn products(self) -> Vec<ProductChoice> {
        self.bundle.with_untracked(|b| {
            b.as_ref()
                .and_then(|b| b.products.get().ok())
                .unwrap_or_default()
        })
    }

    /// The price entries the device holds (the lists, the user's customers' agreed prices);
    /// none when they cannot be read (the order form then prices nothing by itself).
    pub(super) fn prices(self) -> Vec<crate::domain::pricing::PriceEntry> {
        self.bundle.with_untracked(|b| {
            b.as_ref()
                .and_then(|b| b.prices.get().ok())
                .unwrap_or_default()
        })
    }

    /// Records of the signed-in user: `(waiting, refused)`.
    pub(super) fn counts(self) -> (usize, usize) {
        let me = self
            .bundle
            .with(|b| b.as_ref().map(|b| b.user_id.to_string()));
        self.entries.with(|es| {
            es.iter()
                .filter(|e| Some(&e.user_id) == me.as_ref())
                .fold((0, 0), |(w, r), e| {
                    if e.refused.is_some() {
                        (w, r + 1)
                    } else {
                        (w + 1, r)
                    }
                })
        })
    }

    /// The customers of the visits `me` has waiting in `entries` ([`visits_waiting`]),
    /// read once per change of the outbox rather than once per row.
    pub(super) fn waiting_visits(
        entries: RwSignal<Vec<OutboxEntry>>,
        me: Option<String>,
    ) -> Memo<std::collections::BTreeSet<String>> {
        Memo::new(move |_| entries.with(|es| visits_waiting(es, me.as_deref())))
    }

    /// Customers with a visit waiting in the outbox count as visited today.
    pub(super) fn visited_here(self, customer: CustomerId) -> bool {
        let customer = customer.to_string();
        self.visited.with(|v| v.contains(&customer))
    }

    #[cfg(feature = "hydrate")]
    pub(super) async fn reload_entries(self) {
        if let Ok(es) = crate::offline::outbox::entries().await {
            self.entries.set(es);
        }
    }

    /// Fetches a fresh bundle (the server's view of the plan) and keeps it on the device.
    #[cfg(feature = "hydrate")]
    pub(super) async fn refresh(self, i18n: leptos_i18n::I18nContext<Locale>) -> bool {
        let fetched = match super::api::get_offline_bundle(true)
            .await
            .and_then(|raw| Ok((raw.read_answer()?, raw)))
        {
            Ok((b, raw)) => super::today_page::with_customers(b).await.map(|b| (b, raw)),
            Err(e) => Err(e),
        };
        match fetched {
            Ok((b, raw)) => {
                if crate::offline::outbox::save_bundle(raw.text(), b.user_id)
                    .await
                    .is_err()
                {
                    self.status.set(SyncStatus::StorageFull);
                }
                let failed = b.customers.is_none();
                // (the page may have been left meanwhile: `try_`, no panic; `set` then
                // does nothing)
                if self.customers_failed.try_get_untracked() != Some(failed) {
                    self.customers_failed.set(failed);
                }
                self.bundle.set(Some(b));
                self.from_device.set(false);
                true
            }
            Err(AppError::Unauthorized) => {
                self.status.set(SyncStatus::SignedOut);
                false
            }
            Err(AppError::ServerFn(leptos::server_fn::error::ServerFnErrorErr::Request(_))) => {
                self.status.set(SyncStatus::Offline);
                false
            }
            Err(e) => {
                self.status.set(SyncStatus::Failed(error_message(i18n, &e)));
                false
            }
        }
    }

    /// Reads the customers of the device's copy, sent as columns, in Today's card chunk
    /// where their decoder is. A fresh bundle that came meanwhile is left as it is.
    #[cfg(feature = "hydrate")]
    async fn read_customers(self) {
        // (the page may have been left while the copy was read: `try_`, no panic)
        let Some((at, columns)) = self
            .bundle
            .try_with_untracked(|b| {
                b.as_ref()
                    .filter(|b| b.customers.is_none())
                    .map(|b| (b.generated_at.clone(), b.columns.clone()))
            })
            .flatten()
        else {
            return;
        };
        let read = super::today_page::read_columns(columns).await;
        match read {
            // only into the copy it was read from: a fresh bundle came with its own
            Ok(Ok(rows)) => self.bundle.maybe_update(|b| match b.as_mut() {
                Some(b) if b.generated_at == at && b.customers.is_none() => {
                    b.customers = Some(rows);
                    b.columns = Default::default();
                    true
                }
                _ => false,
            }),
            // no chunk, or a damaged copy: the next fresh bundle replaces it
            Ok(Err(_)) | Err(_) => self.customers_failed.set(true),
        }
    }

    #[cfg(feature = "hydrate")]
    pub(super) async fn sync(self, i18n: leptos_i18n::I18nContext<Locale>) {
        use crate::offline::outbox;
        // started after the page was left (a refresh that ended late, a timer): reading
        // its state would fail
        if self.bundle.is_disposed() {
            return;
        }
        let Some(user) = self.user_id() else {
            return;
        };
        if self.from_device.get_untracked() && !self.refresh(i18n).await {
            return;
        }
        self.status.set(SyncStatus::Syncing);
        let report = outbox::sync(&user).await;
        if report.busy {
            // another run is under way; it sets the status when it ends
            return;
        }
        self.reload_entries().await;
        match report.failed {
            Some(AppError::Unauthorized) => self.status.set(SyncStatus::SignedOut),
            Some(AppError::ServerFn(leptos::server_fn::error::ServerFnErrorErr::Request(_))) => {
                self.status.set(SyncStatus::Offline);
            }
            Some(e) => self.status.set(SyncStatus::Failed(error_message(i18n, &e))),
            None if report.photos_waiting > 0 => {
                self.status.set(SyncStatus::Offline);
            }
            None if report.try_later > 0 => {
                let count = report.try_later;
                self.status.set(SyncStatus::Failed(
                    td_string!(i18n.get_locale_untracked(), visits.try_later, count = count)
                        .to_string(),
                ));
            }
            None => {
                if report.sent > 0 {
                    self.refresh(i18n).await;
                }
                self.status.set(SyncStatus::Synced);
            }
        }
    }

    /// Starts the page's work on the device: reads the plan and the outbox kept there,
    /// fetches a fresh plan and syncs; then syncs again when the device comes back online
    /// and every half minute while records wait. Leaving the page stops all of it.
    ///
    /// `me` is who the page was drawn for. A plan another user left on the device (their
    /// session ended without signing out, on a shared tablet) is never shown: its
    /// customers are not this user's to see, not even offline. It is not deleted here
    /// (this may be a kept copy of the page, drawn for someone else): the fresh plan
    /// replaces it, and signed-in pages forget it ([`crate::offline::forget_other_users`]).
    #[cfg(feature = "hydrate")]
    pub(super) fn start(
        self,
        i18n: leptos_i18n::I18nContext<Locale>,
        me: Option<crate::domain::ids::EmployeeId>,
    ) {
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                use crate::offline::outbox;
                // in a task of its own, after the one that hydrated the page: a slow
                // tablet's first tap is not kept waiting behind both
                crate::offline::pause(0).await;
                // the page was left meanwhile
                if self.bundle.is_disposed() {
                    return;
                }
                crate::offline::keep_page("/today");
                if let Some(b) = outbox::load_bundle().await
                    && Some(b.user_id) == me
                {
                    // the plan at once; the customers once their chunk has read them
                    self.bundle.set(Some(b));
                    leptos::task::spawn_local(self.read_customers());
                }
                self.reload_entries().await;
                if self.refresh(i18n).await {
                    self.sync(i18n).await;
                }
            });
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            self.sync_after_reconnect(i18n, 0);
        });
        let offline = window_event_listener(leptos::ev::offline, move |_| {
            self.status.set(SyncStatus::Offline);
        });
        // while records wait, try again every half minute
        let timer = set_interval_with_handle(
            move || {
                if self.counts().0 > 0 && self.status.get_untracked() != SyncStatus::Syncing {
                    leptos::task::spawn_local(self.sync(i18n));
                }
            },
            std::time::Duration::from_secs(30),
        )
        .ok();
        on_cleanup(move || {
            self.cancel_retry();
            online.remove();
            offline.remove();
            if let Some(t) = timer {
                t.clear();
            }
        });
    }

    /// Syncs when the device says it is back online. The first requests often still meet
    /// the network down (the radio reconnects after the event): while they do, try again
    /// after 2, 4, 8 and 16 seconds rather than leave the records to the half-minute round.
    /// One chain of retries at a time (a new "online" event starts it again); leaving the
    /// page cancels it ([`Today::cancel_retry`]).
    #[cfg(feature = "hydrate")]
    pub(super) fn sync_after_reconnect(self, i18n: leptos_i18n::I18nContext<Locale>, attempt: u32) {
        const RETRIES: u32 = 4;
        self.cancel_retry();
        leptos::task::spawn_local(async move {
            self.sync(i18n).await;
            // the page was left meanwhile: nothing more to do
            let Some(status) = self.status.try_get_untracked() else {
                return;
            };
            // still no network, or another run was under way (it may end offline too)
            if attempt < RETRIES && matches!(status, SyncStatus::Offline | SyncStatus::Syncing) {
                let next = set_timeout_with_handle(
                    move || self.sync_after_reconnect(i18n, attempt + 1),
                    std::time::Duration::from_secs(2u64 << attempt),
                )
                .ok();
                self.retry.try_update_value(|r| *r = next);
            }
        });
    }

    /// Cancels a waiting retry, if any.
    #[cfg(feature = "hydrate")]
    pub(super) fn cancel_retry(self) {
        if let Some(Some(waiting)) = self.retry.try_update_value(Option::take) {
            waiting.clear();
        }
    }

    /// Puts a record in the outbox with its new photos (a corrected record replaces the
    /// refused one: it keeps its id) and tries to send it.
    #[allow(unused_variables, reason = "the browser build uses every argument")]
    pub(super) fn queue(
        self,
        i18n: leptos_i18n::I18nContext<Locale>,
        entry: OutboxEntry,
        photos: Vec<(PhotoRef, Vec<u8>)>,
        done: Callback<()>,
    ) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::offline::outbox;
            match outbox::add(&entry, &photos).await {
                Ok(()) => {
                    self.reload_entries().await;
                    done.run(());
                    self.sync(i18n).await;
                }
                Err(crate::offline::store::StoreError::Full) => {
                    self.status.set(SyncStatus::StorageFull);
                }
                Err(e) => {
                    leptos::logging::warn!("outbox: {e:?}");
                    self.status.set(SyncStatus::Failed(
                        t_string!(i18n, visits.device_failed).to_string(),
                    ));
                }
            }
        });
    }
}

/// The customers of the visits `me` made that wait in `entries`: not the refused ones (they
/// may never be stored), and not another user's, whose customer may now be someone
/// else's (a reassignment) and whose visit says nothing of this user's day.
pub(super) fn visits_waiting(
    entries: &[OutboxEntry],
    me: Option<&str>,
) -> std::collections::BTreeSet<String> {
    entries
        .iter()
        .filter(|e| e.refused.is_none() && Some(e.user_id.as_str()) == me)
        .filter_map(OutboxEntry::head)
        .filter(|h| h.kind == ItemKind::Visit)
        .map(|h| h.customer)
        .collect()
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::domain::tickets::ObjectionInput;
    use crate::domain::visits::VisitInput;
    use crate::features::visits::api::OutboxItem;

    fn entry(user: &str, item: OutboxItem, refused: bool) -> OutboxEntry {
        let mut e = OutboxEntry::new(
            user.into(),
            "2026-12-06T09:30".into(),
            "店".into(),
            &item,
            Vec::new(),
        )
        .unwrap();
        if refused {
            e.refused =
                Some(crate::wire::Deferred::new(&crate::error::AppError::Internal).unwrap());
        }
        e
    }

    fn visit(id: &str, customer: &str) -> OutboxItem {
        OutboxItem::Visit(VisitInput {
            id: id.into(),
            customer_id: customer.into(),
            ..VisitInput::default()
        })
    }

    #[test]
    fn only_the_users_own_waiting_visits_mark_a_customer_visited() {
        let entries = vec![
            entry("me", visit("v1", "c1"), false),
            // another rep's visit left on a shared tablet, to a customer now mine
            entry("other", visit("v2", "c2"), false),
            // refused: it may never be stored
            entry("me", visit("v3", "c3"), true),
            // an objection is not a visit
            entry(
                "me",
                OutboxItem::Objection(ObjectionInput {
                    client_id: "o1".into(),
                    customer: "c4".into(),
                    ..ObjectionInput::default()
                }),
                false,
            ),
        ];
        let mine = visits_waiting(&entries, Some("me"));
        assert_eq!(mine.into_iter().collect::<Vec<_>>(), vec!["c1".to_owned()]);
        assert_eq!(
            visits_waiting(&entries, Some("other"))
                .into_iter()
                .collect::<Vec<_>>(),
            vec!["c2".to_owned()]
        );
        assert!(
            visits_waiting(&entries, None).is_empty(),
            "nobody signed in"
        );
    }
}
