//! The county's providers: its own services, independent agencies and
//! homes, supported accommodation, other councils and a secure home.

use std::collections::BTreeMap;

use placements::PlacementCategory;
use providers::register::LegalForm;
use providers::ProviderType;
use store::providers::NewProvider;

use crate::names;
use crate::plan::County;
use crate::random::Random;

/// Providers able to take each placement category, by index into the
/// county's provider list.
#[derive(Debug, Default)]
pub struct Catalogue {
    by_category: BTreeMap<PlacementCategory, Vec<usize>>,
    types: Vec<ProviderType>,
}

impl Catalogue {
    /// The type of the provider at `index`.
    pub fn provider_type(&self, index: usize) -> ProviderType {
        self.types[index]
    }

    pub fn pick(&self, random: &mut Random, category: PlacementCategory) -> Option<usize> {
        self.by_category
            .get(&category)
            .filter(|list| !list.is_empty())
            .map(|list| *random.pick(list))
    }

    fn add(&mut self, category: PlacementCategory, index: usize) {
        self.by_category.entry(category).or_default().push(index);
    }
}

/// A synthetic postcode: "DC" districts are in the county, others outside.
pub fn postcode(random: &mut Random, in_county: bool) -> String {
    const AWAY: [&str; 10] = ["BS", "CF", "NP", "B", "M", "LS", "GL", "HR", "SY", "BA"];
    let area = if in_county { "DC" } else { random.pick(&AWAY) };
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let letter = |r: &mut Random| char::from(*r.pick(letters));
    format!(
        "{area}{} {}{}{}",
        random.between(1, 20),
        random.between(1, 9),
        letter(random),
        letter(random)
    )
}

fn urn(random: &mut Random, childrens_home: bool) -> String {
    if childrens_home {
        format!("SC{:06}", random.between(100_000, 999_999))
    } else {
        format!("{:07}", random.between(1_000_000, 9_999_999))
    }
}

/// A provider with a legal identity to match its type: companies for
/// private providers, charities for voluntary ones, public bodies for
/// councils.
fn new_provider(name: String, provider_type: ProviderType, ofsted_urn: Option<String>, postcode: Option<String>) -> NewProvider {
    // A number derived from the name, so it is stable and distinct enough.
    let number = name.bytes().fold(7u64, |n, b| (n * 31 + u64::from(b)) % 9_000_000);
    let (legal_form, companies_house_number, charity_number) = match provider_type {
        ProviderType::Private => (LegalForm::CompanyLimitedByShares, Some(format!("{:08}", 1_000_000 + number)), None),
        ProviderType::Voluntary => (
            LegalForm::CharitableIncorporatedOrganisation,
            None,
            Some(format!("{}", 1_000_000 + number % 200_000)),
        ),
        _ => (LegalForm::PublicBody, None, None),
    };
    NewProvider {
        name,
        provider_type,
        ofsted_urn,
        postcode,
        companies_house_number,
        charity_number,
        for_profit: provider_type == ProviderType::Private,
        legal_form,
    }
}

pub fn plan_providers(county: &mut County, random: &mut Random, children: usize) -> Catalogue {
    let mut catalogue = Catalogue::default();
    let mut push = |county: &mut County, provider: NewProvider, categories: &[PlacementCategory]| {
        catalogue.types.push(provider.provider_type);
        county.providers.push(provider);
        county.provider_categories.push(categories[0]);
        let index = county.providers.len() - 1;
        for category in categories {
            catalogue.add(*category, index);
        }
    };
    push(
        county,
        new_provider(
            "Demo County Council Fostering Service".into(),
            ProviderType::OwnCouncil,
            Some(urn(random, false)),
            Some(postcode(random, true)),
        ),
        &[PlacementCategory::InHouseFoster, PlacementCategory::Kinship],
    );
    for name in ["Elm House", "Birch Lodge"] {
        push(
            county,
            new_provider(
                format!("Demo County Council – {name}"),
                ProviderType::OwnCouncil,
                Some(urn(random, true)),
                Some(postcode(random, true)),
            ),
            &[PlacementCategory::ChildrensHome],
        );
    }
    // 62 providers for a small county, growing to about 140 for a large one.
    let scale = children / 100;
    let groups: [(usize, &[&str], PlacementCategory, bool); 5] = [
        (
            (14 + scale).min(40),
            names::FOSTERING_SUFFIXES,
            PlacementCategory::IndependentFoster,
            false,
        ),
        (
            (24 + scale * 2).min(60),
            names::HOME_SUFFIXES,
            PlacementCategory::ChildrensHome,
            true,
        ),
        (
            (10 + scale).min(25),
            names::SUPPORTED_SUFFIXES,
            PlacementCategory::SupportedAccommodation,
            false,
        ),
        (5, &["Specialist Support"], PlacementCategory::Bespoke, false),
        (3, &["Family Services"], PlacementCategory::Other, false),
    ];
    for (group, (count, suffixes, category, home)) in groups.into_iter().enumerate() {
        for n in 0..count {
            // Each word once per suffix, starting at a different word in each group.
            let words = names::PROVIDER_WORDS;
            let word = words[(n + group * 7) % words.len()];
            let suffix = suffixes[(n / words.len()) % suffixes.len()];
            let provider_type = if random.chance(70) {
                ProviderType::Private
            } else {
                ProviderType::Voluntary
            };
            let legal = if provider_type == ProviderType::Private { " Ltd" } else { "" };
            // Bespoke arrangements are often unregistered.
            let registered = category != PlacementCategory::Bespoke;
            let in_county = random.chance(50);
            push(
                county,
                {
                    let urn = registered.then(|| urn(random, home));
                    let postcode = Some(postcode(random, in_county));
                    new_provider(format!("{word} {suffix}{legal}"), provider_type, urn, postcode)
                },
                &[category],
            );
        }
    }
    for council in ["Neighbouring Borough Council", "Riverside City Council"] {
        push(
            county,
            new_provider(council.into(), ProviderType::OtherCouncil, None, Some(postcode(random, false))),
            &[PlacementCategory::Other],
        );
    }
    push(
        county,
        new_provider(
            "Regional Secure Children's Home".into(),
            // Secure children's homes are run by councils (PR3, another
            // public body, is not allowed with K1).
            ProviderType::OtherCouncil,
            Some(urn(random, true)),
            Some(postcode(random, false)),
        ),
        &[PlacementCategory::Secure],
    );
    catalogue
}
