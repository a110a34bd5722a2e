//! Commissioning storage stories on both backends: accreditation by date,
//! placements refused with unaccredited providers, the consortium feed
//! applied whole or not at all, and settings' registration history. The
//! contract stories (agreements and monitoring) are in
//! `commissioning_contracts.rs`.

use authz::cap::{Commission, RecordChildren};
use authz::{Actor, Can};
use kernel::{ChildId, Money, ProviderId, SettingId};
use placements::PlacementCategory;
use providers::accreditation::{Finding, Review, Status};
use providers::register::{Grade, LegalForm, Organisation, RegistrationStatus, Regulator, Setting, SettingType};
use providers::ProviderType;
use store::care_history::{HistoryChange, PlacementDetails};
use store::children::NewChild;
use store::testing::TestDatabase;
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    accreditation_expires_on_fixed_dates,
    a_placement_with_an_unaccredited_provider_is_refused,
    the_consortium_feed_imports_whole_or_not_at_all,
    settings_keep_their_registration_history_and_numbers_are_unique,
);

/// The test clock's day.
const TODAY: Date = date!(2026 - 11 - 22);
const CHECKLIST: [&str; 6] = ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"];

async fn provider(db: &TestDatabase, name: &str) -> ProviderId {
    let org = Organisation {
        legal_name: name.into(),
        companies_house_number: Some("01234567".into()),
        charity_number: None,
        provider_type: ProviderType::Private,
        for_profit: true,
        legal_form: LegalForm::CompanyLimitedByShares,
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::providers::create(&mut cmd, &Can::<Commission>::system(), &org)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    id
}

fn review(item: &str, reviewed_on: Date, expires_on: Date) -> Review {
    Review {
        item: item.into(),
        finding: Finding::Met,
        evidence: format!("{item} certificate seen"),
        reviewed_on,
        expires_on,
    }
}

/// Records a met review of every checklist item, each expiring on the date given for it.
async fn review_all(db: &TestDatabase, provider: ProviderId, expiry: impl Fn(&str) -> Date) {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    for item in CHECKLIST {
        let r = review(item, date!(2026 - 01 - 10), expiry(item));
        store::accreditation::record_review(&mut cmd, &Can::system(), provider, &r, None, TODAY)
            .await
            .unwrap();
    }
    cmd.commit().await.unwrap();
}

async fn status(db: &TestDatabase, provider: ProviderId, on: Date) -> Status {
    let mut conn = db.store.pool().acquire().await.unwrap();
    store::accreditation::status_of(&mut conn, provider, on).await.unwrap()
}

async fn count(db: &TestDatabase, table: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    sqlx::Row::get::<i64, _>(&row, 0)
}

async fn child(db: &TestDatabase, la_child_id: &str) -> ChildId {
    let new = NewChild {
        la_child_id: la_child_id.into(),
        given_names: "Ava".into(),
        family_name: "Smith".into(),
        date_of_birth: date!(2012 - 04 - 01),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::children::insert_many(&mut cmd, &Can::system(), &[new]).await.unwrap()[0];
    cmd.commit().await.unwrap();
    id
}

fn home_with(provider: ProviderId, pounds: i64) -> PlacementDetails {
    PlacementDetails {
        category: PlacementCategory::ChildrensHome,
        place: "K2".into(),
        provider_id: Some(provider),
        provider_type: "PR4".into(),
        urn: None,
        postcode: Some("CF10 1AA".into()),
        weekly_cost: Money::from_pounds(pounds),
        long_term: false,
    }
}

fn start_with(provider: ProviderId, on: Date, pounds: i64) -> HistoryChange {
    HistoryChange::StartPeriod {
        start: on,
        category_of_need: "N1".into(),
        legal_status: "C2".into(),
        placement: home_with(provider, pounds),
    }
}

/// Records a change to the care history, committing only if it is accepted.
async fn change_history(db: &TestDatabase, child: ChildId, change: &HistoryChange) -> Result<(), StoreError> {
    let codes = children::codes::CodeSets::standard();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::care_history::record(&mut cmd, &Can::<RecordChildren>::system(), child, change, &codes).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn accreditation_expires_on_fixed_dates(db: TestDatabase) {
    let p = provider(&db, "Brightwater Care Ltd").await;
    review_all(&db, p, |item| match item {
        "insurance" => date!(2026 - 12 - 20),
        _ => date!(2027 - 01 - 10),
    })
    .await;
    assert_eq!(status(&db, p, TODAY).await, Status::Accredited);
    assert_eq!(status(&db, p, date!(2026 - 12 - 19)).await, Status::Accredited);
    assert_eq!(status(&db, p, date!(2026 - 12 - 20)).await, Status::Expired);
    assert_eq!(status(&db, p, date!(2027 - 02 - 01)).await, Status::Expired);

    let due = store::accreditation::expiring(&db.store, TODAY, 28).await.unwrap();
    let seen: Vec<(ProviderId, &str, &str, Date, i64)> = due
        .iter()
        .map(|e| {
            (
                e.provider_id,
                e.provider.as_str(),
                e.reminder.item.as_str(),
                e.reminder.expires_on,
                e.reminder.days_left,
            )
        })
        .collect();
    assert_eq!(seen, [(p, "Brightwater Care Ltd", "insurance", date!(2026 - 12 - 20), 28)]);
    assert!(store::accreditation::expiring(&db.store, TODAY, 27).await.unwrap().is_empty());
    let all = store::accreditation::expiring(&db.store, TODAY, 49).await.unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!((all[0].reminder.item.as_str(), all[5].reminder.days_left), ("insurance", 49));
    // Past its expiry an item is no longer "expiring".
    assert_eq!(
        store::accreditation::expiring(&db.store, date!(2026 - 12 - 20), 28)
            .await
            .unwrap()
            .len(),
        5
    );

    // A later review of the lapsing item renews it; the latest review counts.
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let renewed = review("insurance", TODAY, date!(2027 - 11 - 22));
    store::accreditation::record_review(&mut cmd, &Can::system(), p, &renewed, None, TODAY)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    assert_eq!(status(&db, p, date!(2026 - 12 - 20)).await, Status::Accredited);
    assert!(store::accreditation::expiring(&db.store, TODAY, 28).await.unwrap().is_empty());
    assert_eq!(status(&db, p, date!(2027 - 01 - 10)).await, Status::Expired);

    // A review of something not on the checklist is refused by field.
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let hats = review("hats", TODAY, date!(2027 - 11 - 22));
    let err = store::accreditation::record_review(&mut cmd, &Can::system(), p, &hats, None, TODAY)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].0 == "item"), "{err:?}");
}

async fn a_placement_with_an_unaccredited_provider_is_refused(db: TestDatabase) {
    let unaccredited = provider(&db, "Unknown Homes Ltd").await;
    let child = child(&db, "CH1").await;
    assert_eq!(status(&db, unaccredited, TODAY).await, Status::NotAccredited);
    let before = (
        count(&db, "placements").await,
        count(&db, "periods_of_care").await,
        store::audit::head(&db.store).await.unwrap().seq,
    );
    let err = change_history(&db, child, &start_with(unaccredited, date!(2026 - 11 - 01), 4_000))
        .await
        .unwrap_err();
    match &err {
        StoreError::Invalid(fields) => {
            assert_eq!(fields.len(), 1, "{fields:?}");
            assert_eq!(fields[0].0, "provider_id");
            assert!(fields[0].1.contains("not accredited"), "{}", fields[0].1);
        }
        other => panic!("expected a field error for provider_id, got {other:?}"),
    }
    let after = (
        count(&db, "placements").await,
        count(&db, "periods_of_care").await,
        store::audit::head(&db.store).await.unwrap().seq,
    );
    assert_eq!(after, before);
    assert!(store::care_history::history_of(&db.store, child)
        .await
        .unwrap()
        .placements
        .is_empty());

    // Accredited, the same start goes ahead.
    let accredited = provider(&db, "Brightwater Care Ltd").await;
    review_all(&db, accredited, |_| date!(2027 - 11 - 01)).await;
    change_history(&db, child, &start_with(accredited, date!(2026 - 11 - 01), 4_000))
        .await
        .unwrap();
    let history = store::care_history::history_of(&db.store, child).await.unwrap();
    assert_eq!(history.placements.len(), 1);
    assert_eq!(history.placements[0].provider_id, Some(accredited));
    assert_eq!(history.placements[0].weekly_cost, Money::from_pounds(4_000));

    // A move to the unaccredited provider is refused too, and leaves the placement open.
    let moving = HistoryChange::MovePlacement {
        on: date!(2026 - 11 - 20),
        reason_for_change: "CARPL".into(),
        placement: home_with(unaccredited, 3_800),
    };
    let err = change_history(&db, child, &moving).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].0 == "provider_id"), "{err:?}");
    let history = store::care_history::history_of(&db.store, child).await.unwrap();
    assert_eq!(history.placements.len(), 1);
    assert_eq!(history.placements[0].interval.end, None);

    // Once its accreditation has expired, the accredited provider is refused
    // as well: a placement is judged on the day it begins.
    let lapsed = provider(&db, "Lapsed Care Ltd").await;
    review_all(&db, lapsed, |item| if item == "financial" { TODAY } else { date!(2027 - 11 - 01) }).await;
    assert_eq!(status(&db, lapsed, TODAY).await, Status::Expired);
    let moving = HistoryChange::MovePlacement {
        on: TODAY,
        reason_for_change: "CARPL".into(),
        placement: home_with(lapsed, 3_800),
    };
    let err = change_history(&db, child, &moving).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].1.contains("expired")), "{err:?}");
}

const FEED_HEADER: &str = "provider_ref,legal_name,companies_house_number,charity_number,provider_type,for_profit,legal_form,framework,lot,tier,accreditation,accredited_until,weekly_rate_pence";
const FEED_ONE: &str =
    "4C-001,\"Brightwater Care, Ltd\",01234567,,PR4,yes,company-limited-by-shares,4Cs Residential,Lot 1,2,accredited,2027-03-31,520000";
const FEED_TWO: &str = "4C-002,Hope Trust,,1098765,PR5,no,charitable-incorporated-organisation,,,,conditional,,";

fn feed(rows: &[&str]) -> String {
    let mut text = FEED_HEADER.to_owned();
    for row in rows {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text
}

async fn import(db: &TestDatabase, feed: &[providers::exchange::FeedProvider]) -> Result<store::frameworks::ImportReport, StoreError> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let report = store::frameworks::import_feed(&mut cmd, &Can::system(), feed, TODAY).await?;
    cmd.commit().await.unwrap();
    Ok(report)
}

/// (provider, lot, tier, weekly pence, joined, left) for every framework member.
async fn members(db: &TestDatabase) -> Vec<(String, String, u8, i64, Date, Option<Date>)> {
    let mut out = Vec::new();
    for f in store::frameworks::list(&db.store).await.unwrap() {
        for lot in f.lots {
            for m in lot.members {
                out.push((
                    m.provider,
                    format!("{} / {}", f.name, lot.name),
                    m.tier,
                    m.weekly_rate.pence(),
                    m.joined_on,
                    m.left_on,
                ));
            }
        }
    }
    out
}

async fn the_consortium_feed_imports_whole_or_not_at_all(db: TestDatabase) {
    let good = providers::exchange::read_feed(&feed(&[FEED_ONE, FEED_TWO])).unwrap();
    let report = import(&db, &good).await.unwrap();
    assert_eq!((report.created, report.updated, report.memberships), (2, 0, 1));
    let details = store::providers::all_details(&db.store).await.unwrap();
    let names: Vec<(&str, Option<&str>)> = details
        .iter()
        .map(|d| (d.organisation.legal_name.as_str(), d.consortium_ref.as_deref()))
        .collect();
    assert_eq!(names, [("Brightwater Care, Ltd", Some("4C-001")), ("Hope Trust", Some("4C-002"))]);
    let frameworks = store::frameworks::list(&db.store).await.unwrap();
    assert_eq!(frameworks.len(), 1);
    assert_eq!(frameworks[0].lots[0].category, PlacementCategory::ChildrensHome);
    let joined = members(&db).await;
    assert_eq!(
        joined,
        [(
            "Brightwater Care, Ltd".to_owned(),
            "4Cs Residential / Lot 1".to_owned(),
            2,
            520_000,
            TODAY,
            None
        )]
    );
    // The consortium's accreditation counts while in date, with no local reviews.
    let (one, two) = (details[0].id, details[1].id);
    assert_eq!(status(&db, one, date!(2027 - 03 - 30)).await, Status::Accredited);
    assert_eq!(status(&db, one, date!(2027 - 03 - 31)).await, Status::NotAccredited);
    assert_eq!(status(&db, two, TODAY).await, Status::Conditional);

    // The same feed again changes no membership and creates nobody.
    let report = import(&db, &good).await.unwrap();
    assert_eq!((report.created, report.updated, report.memberships), (0, 2, 0));
    assert_eq!(members(&db).await.len(), 1);

    // A feed with one bad row is refused by line and column, so nothing reaches the store.
    let bad_row = "4C-004,Kestrel Homes Ltd,07654321,,PR4,yes,company-limited-by-shares,4Cs Residential,Lot 1,12,accredited,,480000";
    let new_row = "4C-003,New Dawn Ltd,07777777,,PR4,yes,company-limited-by-shares,4Cs Residential,Lot 2,1,accredited,,450000";
    let errors = providers::exchange::read_feed(&feed(&[new_row, bad_row])).unwrap_err();
    let places: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
    assert_eq!(places, [(3, "tier")]);
    assert_eq!(errors[0].to_string(), "line 3, column tier: expected a tier from 1 to 9");
    let errors = providers::consortium::read_feed_json(r#"[{"provider_ref": "4C-003", "legal_name": "New Dawn Ltd", "provider_type": "PR4",
        "for_profit": "yes", "legal_form": "company-limited-by-shares", "accreditation": "accredited"},
        {"provider_ref": "4C-005", "legal_name": "X", "provider_type": "PR4", "for_profit": "no", "legal_form": "plc", "accreditation": "accredited"}]"#)
    .unwrap_err();
    assert_eq!(
        (errors[0].unit, errors[0].line, errors[0].column.as_str()),
        ("item", 2, "legal_form")
    );

    // And the store applies a feed whole or not at all: when a later provider
    // cannot be stored, the earlier ones are not left behind.
    let before = (
        count(&db, "providers").await,
        count(&db, "frameworks").await,
        count(&db, "framework_lots").await,
        store::audit::head(&db.store).await.unwrap().seq,
    );
    let mut partial = providers::exchange::read_feed(&feed(&[new_row, FEED_ONE])).unwrap();
    partial[1].weekly_rate_pence = Some(610_000);
    partial[1].legal_name = "Brightwater Renamed Ltd".into();
    let mut broken = partial[0].clone();
    broken.provider_ref = "4C-004".into();
    broken.framework = Some(("4Cs Residential".into(), "Lot 1".into(), 12));
    partial.push(broken);
    assert!(import(&db, &partial).await.is_err());
    let after = (
        count(&db, "providers").await,
        count(&db, "frameworks").await,
        count(&db, "framework_lots").await,
        store::audit::head(&db.store).await.unwrap().seq,
    );
    assert_eq!(after, before);
    assert_eq!(
        members(&db).await,
        [(
            "Brightwater Care, Ltd".to_owned(),
            "4Cs Residential / Lot 1".to_owned(),
            2,
            520_000,
            TODAY,
            None
        )]
    );
    let names: Vec<String> = store::providers::list(&db.store)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Brightwater Care, Ltd", "Hope Trust"]);

    // A new tier or rate ends the old membership and starts another; history is kept.
    let mut moved = good.clone();
    moved[0].framework = Some(("4Cs Residential".into(), "Lot 1".into(), 1));
    moved[0].weekly_rate_pence = Some(540_000);
    let report = import(&db, &moved).await.unwrap();
    assert_eq!((report.created, report.updated, report.memberships), (0, 2, 1));
    let lot = "4Cs Residential / Lot 1".to_owned();
    let brightwater = "Brightwater Care, Ltd".to_owned();
    assert_eq!(
        members(&db).await,
        [
            (brightwater.clone(), lot.clone(), 1, 540_000, TODAY, None),
            (brightwater, lot, 2, 520_000, TODAY, Some(TODAY)),
        ]
    );
    let mut conn = db.store.pool().acquire().await.unwrap();
    let current: Vec<(u8, i64)> = store::frameworks::memberships_of(&mut conn, one)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.is_current(TODAY))
        .map(|m| (m.tier, m.weekly_rate.pence()))
        .collect();
    assert_eq!(current, [(1, 540_000)]);
}

/// Changes setting `id`, committing only if the change is accepted.
async fn update(db: &TestDatabase, id: SettingId, version: i64, setting: Setting, note: &str, on: Date) -> Result<(), StoreError> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::providers::update_setting(&mut cmd, &Can::system(), id, version, &setting, note, on).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

fn oak_house(number: &str) -> Setting {
    Setting {
        name: "Oak House".into(),
        setting_type: SettingType::ChildrensHome,
        regulator: Regulator::Ofsted,
        registration_number: Some(number.into()),
        registration_status: RegistrationStatus::Registered,
        grade: Grade::Good,
        inspected_on: Some(date!(2026 - 03 - 01)),
        capacity: 4,
        age_min: 8,
        age_max: 17,
        needs: vec![],
        postcode: "cf10 1aa".into(),
        local_authority: "Cardiff".into(),
    }
}

async fn settings_keep_their_registration_history_and_numbers_are_unique(db: TestDatabase) {
    let p = provider(&db, "Brightwater Care Ltd").await;
    let can = Can::<Commission>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::providers::add_setting(&mut cmd, &can, p, &oak_house("SC123456"), date!(2026 - 06 - 01))
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let suspended = Setting {
        registration_status: RegistrationStatus::Suspended,
        ..oak_house("SC123456")
    };
    update(&db, id, 1, suspended.clone(), "Suspended after inspection", date!(2026 - 09 - 01))
        .await
        .unwrap();
    // A change that leaves the status alone adds no history.
    update(
        &db,
        id,
        2,
        Setting { capacity: 3, ..suspended },
        "Fewer beds",
        date!(2026 - 10 - 01),
    )
    .await
    .unwrap();
    update(
        &db,
        id,
        3,
        Setting {
            capacity: 3,
            ..oak_house("SC123456")
        },
        "Suspension lifted",
        date!(2026 - 11 - 01),
    )
    .await
    .unwrap();
    let err = update(&db, id, 3, oak_house("SC123456"), "Stale", TODAY).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "setting" }), "{err:?}");

    let mut conn = db.store.pool().acquire().await.unwrap();
    let stored = store::providers::settings(&mut conn, Some(p)).await.unwrap();
    drop(conn);
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].version, stored[0].setting.capacity), (4, 3));
    assert_eq!(stored[0].setting.postcode, "CF10 1AA");
    assert_eq!(
        stored[0].history,
        [
            (
                RegistrationStatus::Registered,
                date!(2026 - 06 - 01),
                "added to the register".to_owned()
            ),
            (
                RegistrationStatus::Suspended,
                date!(2026 - 09 - 01),
                "Suspended after inspection".to_owned()
            ),
            (
                RegistrationStatus::Registered,
                date!(2026 - 11 - 01),
                "Suspension lifted".to_owned()
            ),
        ]
    );

    // A second setting may not reuse the number, added or changed.
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let err = store::providers::add_setting(&mut cmd, &can, p, &oak_house("SC123456"), TODAY)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref f) if f.len() == 1 && f[0].0 == "registration_number"),
        "{err:?}"
    );
    drop(cmd);
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let elm = store::providers::add_setting(&mut cmd, &can, p, &oak_house("SC654321"), TODAY)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let err = store::providers::update_setting(&mut cmd, &can, elm, 1, &oak_house("SC123456"), "", TODAY)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref f) if f[0].0 == "registration_number"),
        "{err:?}"
    );
    drop(cmd);
    assert_eq!(count(&db, "settings").await, 2);
    assert_eq!(
        store::providers::registration_numbers(&db.store).await.unwrap().get("SC654321"),
        Some(&elm)
    );
}
