//! One setting per provider, registered with the right regulator for
//! where it is, with needs, a grade and vacancies.

use std::collections::{BTreeSet, HashMap};

use authz::cap::Commission;
use authz::Can;
use kernel::ProviderId;
use placements::PlacementCategory;
use providers::register::{self, Grade, Need, RegistrationStatus, Regulator, Setting, SettingType};
use providers::ProviderType;
use store::providers::NewVacancy;
use store::{Command, StoreError};

use crate::plan::County;
use crate::random::Random;

use super::{days, Placed, HOME_AUTHORITY};

/// The authority a postcode is in: "DC" districts are the county's own.
fn authority(postcode: &str) -> &'static str {
    let area: String = postcode.chars().take_while(char::is_ascii_alphabetic).collect();
    match area.as_str() {
        "DC" => HOME_AUTHORITY,
        "BS" => "Bristol",
        "CF" => "Cardiff",
        "NP" => "Newport",
        "B" => "Birmingham",
        "M" => "Manchester",
        "LS" => "Leeds",
        "GL" => "Gloucestershire",
        "HR" => "Herefordshire",
        "SY" => "Shropshire",
        "BA" => "Bath and North East Somerset",
        _ => "Neighbouring Borough",
    }
}

fn in_wales(local_authority: &str) -> bool {
    matches!(local_authority, "Cardiff" | "Newport")
}

/// The type of setting a provider's placements are made in.
fn setting_type(provider_type: ProviderType, category: PlacementCategory) -> Option<SettingType> {
    match (provider_type, category) {
        (ProviderType::Parent, _) => None,
        (ProviderType::OwnCouncil, PlacementCategory::ChildrensHome) => Some(SettingType::ChildrensHome),
        (ProviderType::OwnCouncil, _) => None,
        (_, PlacementCategory::ChildrensHome) => Some(SettingType::ChildrensHome),
        (_, PlacementCategory::SupportedAccommodation) => Some(SettingType::SupportedAccommodation),
        (_, PlacementCategory::Bespoke) => Some(SettingType::Unregistered),
        (_, PlacementCategory::Secure) => Some(SettingType::SecureHome),
        (ProviderType::OtherCouncil, _) | (_, PlacementCategory::IndependentFoster) => Some(SettingType::FosteringAgency),
        _ => Some(SettingType::FamilyCentre),
    }
}

fn setting_name(random: &mut Random, provider: &str, setting_type: SettingType) -> String {
    let plain = provider.trim_end_matches(" Ltd");
    let word = plain.split_whitespace().next().unwrap_or(plain);
    match setting_type {
        SettingType::ChildrensHome => match plain.split_once("– ") {
            Some((_, home)) => home.to_owned(),
            None => format!("{word} {}", random.pick(&["House", "Lodge", "View", "Cottage", "Grange"])),
        },
        SettingType::FosteringAgency if plain.ends_with("Council") => format!("{plain} Fostering Service"),
        SettingType::SupportedAccommodation => format!("{word} {}", random.pick(&["Court", "Place", "Flats"])),
        SettingType::Unregistered => format!("{word} Cottage (bespoke)"),
        SettingType::FamilyCentre => format!("{word} Family Centre"),
        _ => plain.to_owned(),
    }
}

/// A registration number of the right shape, not yet on the register.
fn registration_number(
    random: &mut Random,
    used: &mut BTreeSet<String>,
    regulator: Regulator,
    home: bool,
    preferred: Option<&str>,
) -> Option<String> {
    if regulator == Regulator::None {
        return None;
    }
    if let Some(number) = preferred.filter(|n| regulator == Regulator::Ofsted && register::valid_ofsted_urn(n)) {
        if used.insert(number.to_owned()) {
            return Some(number.to_owned());
        }
    }
    loop {
        let number = match regulator {
            Regulator::Ciw => {
                let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
                let tail: String = (0..4).map(|_| char::from(*random.pick(letters))).collect();
                format!("SIN-{:08}-{tail}", random.between(1, 99_999_999))
            }
            _ if home => format!("SC{:06}", random.between(100_000, 999_999)),
            _ => format!("{:07}", random.between(1_000_000, 9_999_999)),
        };
        if used.insert(number.clone()) {
            return Some(number);
        }
    }
}

fn needs(random: &mut Random, setting_type: SettingType) -> Vec<Need> {
    use Need::*;
    let pool: &[Need] = match setting_type {
        SettingType::FosteringAgency => &[
            EmotionalBehavioural,
            SiblingGroup,
            ParentAndChild,
            LearningDisability,
            Unaccompanied,
            ComplexHealth,
        ],
        SettingType::SupportedAccommodation => &[Unaccompanied, MentalHealth, SubstanceMisuse, GoingMissing, EmotionalBehavioural],
        SettingType::FamilyCentre => &[ParentAndChild, LearningDisability, MentalHealth],
        _ => &[
            EmotionalBehavioural,
            Autism,
            LearningDisability,
            SexualExploitation,
            CriminalExploitation,
            GoingMissing,
            SelfHarm,
            MentalHealth,
            ComplexHealth,
        ],
    };
    let wanted = usize::try_from(random.between(2, 4)).unwrap_or(2).min(pool.len());
    let mut chosen: Vec<Need> = pool.to_vec();
    random.shuffle(&mut chosen);
    chosen.truncate(wanted);
    chosen.sort();
    chosen
}

/// The setting for provider `index`, or none for the council's fostering
/// service (its carers are households) and parents.
fn plan_setting(random: &mut Random, county: &County, index: usize, used: &mut BTreeSet<String>) -> Option<Setting> {
    let provider = &county.providers[index];
    let setting_type = setting_type(provider.provider_type, county.provider_categories[index])?;
    let postcode = provider.postcode.clone().unwrap_or_else(|| "DC1 1AA".to_owned());
    let local_authority = authority(&postcode);
    let regulator = match setting_type {
        SettingType::Unregistered => Regulator::None,
        _ if in_wales(local_authority) => Regulator::Ciw,
        _ => Regulator::Ofsted,
    };
    let home = matches!(setting_type, SettingType::ChildrensHome | SettingType::SecureHome);
    let registration_status = match setting_type {
        SettingType::Unregistered => RegistrationStatus::NotRegistered,
        SettingType::SupportedAccommodation if random.chance(25) => RegistrationStatus::ApplicationAccepted,
        _ => RegistrationStatus::Registered,
    };
    let (capacity, age_min, age_max) = match setting_type {
        SettingType::ChildrensHome => (random.between(2, 6), random.between(8, 11), 17),
        SettingType::FosteringAgency => (random.between(25, 140), 0, 17),
        SettingType::SupportedAccommodation => (random.between(4, 24), 16, 17),
        SettingType::Unregistered => (1, random.between(10, 13), 17),
        SettingType::SecureHome => (random.between(8, 24), 10, 17),
        _ => (random.between(4, 10), 0, 17),
    };
    Some(Setting {
        name: setting_name(random, &provider.name, setting_type),
        setting_type,
        regulator,
        registration_number: registration_number(random, used, regulator, home, provider.ofsted_urn.as_deref()),
        registration_status,
        grade: Grade::NotInspected,
        inspected_on: None,
        capacity: u32::try_from(capacity).unwrap_or(1),
        age_min: u8::try_from(age_min).unwrap_or(0),
        age_max: u8::try_from(age_max).unwrap_or(17),
        needs: needs(random, setting_type),
        postcode,
        local_authority: local_authority.to_owned(),
    })
}

/// One setting per provider (bar the council's fostering service), graded
/// in the national mix, with the provider's placements made there and a
/// recent vacancy figure for most.
pub(super) async fn load_settings(
    cmd: &mut Command,
    random: &mut Random,
    county: &County,
    provider_ids: &[ProviderId],
    can: &Can<Commission>,
) -> Result<HashMap<ProviderId, Placed>, StoreError> {
    let today = county.today;
    let mut used = BTreeSet::new();
    let mut planned: Vec<(usize, Setting)> = (0..county.providers.len())
        .filter_map(|index| plan_setting(random, county, index, &mut used).map(|s| (index, s)))
        .collect();
    // Outstanding, good, requires improvement, inadequate, for those inspected.
    let inspected: Vec<usize> = planned
        .iter()
        .enumerate()
        .filter(|(_, (_, s))| s.registration_status == RegistrationStatus::Registered)
        .map(|(i, _)| i)
        .collect();
    let mut grades = random.quota(&[15, 60, 20, 5], inspected.len());
    random.shuffle(&mut grades);
    for (i, grade) in inspected.into_iter().zip(grades) {
        let setting = &mut planned[i].1;
        setting.grade = [Grade::Outstanding, Grade::Good, Grade::RequiresImprovement, Grade::Inadequate][grade];
        setting.inspected_on = Some(today - days(random.between(20, 900)));
    }
    let mut placed = HashMap::with_capacity(planned.len());
    let mut vacancies = Vec::new();
    for (index, setting) in &planned {
        let provider = provider_ids[*index];
        let id = store::providers::add_setting(cmd, can, provider, setting, today).await?;
        sqlx::query("UPDATE placements SET setting_id = $1 WHERE provider_id = $2")
            .bind(id.get())
            .bind(provider.get())
            .execute(cmd.conn())
            .await?;
        if setting.setting_type != SettingType::Unregistered && random.chance(70) {
            let most = if setting.setting_type == SettingType::FosteringAgency {
                6
            } else {
                2
            };
            vacancies.push(NewVacancy {
                setting: id,
                recorded_on: today - days(random.between(0, 10)),
                places: u32::try_from(random.between(0, most)).unwrap_or(0),
                note: String::new(),
            });
        }
        placed.insert(
            provider,
            Placed {
                setting: id,
                setting_type: setting.setting_type,
                regulator: setting.regulator,
                grade: setting.grade,
                local_authority: setting.local_authority.clone(),
            },
        );
    }
    if !vacancies.is_empty() {
        store::providers::record_vacancies(cmd, can, &vacancies, "manual").await?;
    }
    Ok(placed)
}
