//! Building a large catalog from parts, one product at a time.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::parts::{
    BRANDS, Brand, GIVEN_NAMES, PHONE_PREFIXES, ProductTemplate, SURNAMES, TEMPLATES,
};
use super::promotions::demo_promotions_for;
use super::rng::SplitMix64;
use crate::catalog::{DeviceClass, Lot, Product, Tracking, gs1_check_digit};
use crate::hanzi::pinyin_initials;
use crate::import::{CatalogImport, SerialRecord, StockRecord};
use crate::member::{Member, Tier};

const LOT_TRACKED_PERCENT: u64 = 30;
const SERIAL_TRACKED_PERCENT: u64 = 10;
const TWO_BARCODES_PERCENT: u64 = 20;
const MEMBERS_PER_TIER_MIN: usize = 10;
const SKUS_PER_MEMBER: usize = 100;

pub(crate) fn generate(skus: usize, seed: u64, today: NaiveDate) -> CatalogImport {
    let mut generator = Generator::new(seed, today, skus);
    for index in 0..skus {
        generator.add_product(index);
    }
    let members_per_tier = (skus / SKUS_PER_MEMBER).max(MEMBERS_PER_TIER_MIN);
    for (tier_index, tier) in Tier::ALL.into_iter().enumerate() {
        for n in 0..members_per_tier {
            generator.add_member(tier_index * members_per_tier + n, tier);
        }
    }
    let mut catalog = generator.catalog;
    catalog.promotions = demo_promotions_for(&catalog.products);
    catalog
}

struct Generator {
    rng: SplitMix64,
    today: NaiveDate,
    barcodes: UniqueNumbers,
    phones: UniqueNumbers,
    /// Templates by tracking, so tracking comes out in the wanted shares.
    untracked: Vec<usize>,
    lot_tracked: Vec<usize>,
    serial_tracked: Vec<usize>,
    /// Pinyin initials of each template and brand, worked out once: the initials of a
    /// name are the initials of its parts joined.
    template_initials: Vec<String>,
    brand_initials: Vec<String>,
    template_category_codes: Vec<usize>,
    catalog: CatalogImport,
}

impl Generator {
    fn new(seed: u64, today: NaiveDate, skus: usize) -> Generator {
        let mut rng = SplitMix64::new(seed);
        let templates_with = |tracking: Tracking| -> Vec<usize> {
            (0..TEMPLATES.len())
                .filter(|&i| TEMPLATES[i].tracking == tracking)
                .collect()
        };
        let catalog = CatalogImport {
            products: Vec::with_capacity(skus),
            barcodes: Vec::with_capacity(skus + skus / 4),
            ..CatalogImport::default()
        };
        Generator {
            barcodes: UniqueNumbers::new(BARCODE_SPACE, rng.next_u64()),
            phones: UniqueNumbers::new(PHONE_SPACE, rng.next_u64()),
            rng,
            today,
            untracked: templates_with(Tracking::None),
            lot_tracked: templates_with(Tracking::Lot),
            serial_tracked: templates_with(Tracking::Serial),
            template_initials: TEMPLATES.iter().map(|t| pinyin_initials(t.name)).collect(),
            brand_initials: BRANDS.iter().map(|b| pinyin_initials(b.name)).collect(),
            template_category_codes: category_codes(),
            catalog,
        }
    }

    fn add_product(&mut self, index: usize) {
        let roll = self.rng.below(100);
        let templates = if roll < LOT_TRACKED_PERCENT {
            &self.lot_tracked
        } else if roll < LOT_TRACKED_PERCENT + SERIAL_TRACKED_PERCENT {
            &self.serial_tracked
        } else {
            &self.untracked
        };
        let template_index = *self.rng.pick(templates);
        let template = &TEMPLATES[template_index];
        let brand_index = self.rng.below(BRANDS.len() as u64) as usize;
        let brand = &BRANDS[brand_index];
        let model_no = self.rng.between(100, 9_999);
        let sku = format!("{}{index:07}", self.template_category_codes[template_index]);
        let product = Product {
            name: format!("{}{} {}-{model_no}", brand.name, template.name, brand.code),
            pinyin: format!(
                "{}{}{}{model_no}",
                self.brand_initials[brand_index],
                self.template_initials[template_index],
                brand.code.to_ascii_lowercase()
            ),
            category: template.category.to_owned(),
            unit: template.unit.to_owned(),
            price: self.price(template),
            vat_rate: Decimal::new(template.vat_percent, 2),
            device_class: template.class.map(|(class, _)| class),
            registration_no: self.registration_no(template, brand),
            tracking: template.tracking,
            safety_stock: self.rng.between(2, 30),
            model_spec: None,
            manufacturer: None,
            manufacturer_licence: None,
            warranty_months: None,
            sku,
        };
        let barcode_count = if self.rng.percent_chance(TWO_BARCODES_PERCENT) {
            2
        } else {
            1
        };
        for _ in 0..barcode_count {
            let barcode = self.next_barcode();
            self.catalog.barcodes.push((product.sku.clone(), barcode));
        }
        match product.tracking {
            Tracking::None => {
                let quantity = self.rng.between(0, 120);
                self.add_stock(&product.sku, None, quantity);
            }
            Tracking::Lot => self.add_lots(&product.sku),
            Tracking::Serial => self.add_serials(&product.sku, brand, index),
        }
        self.catalog.products.push(product);
    }

    /// Prices end in 0 fen, like shelf prices do.
    fn price(&mut self, template: &ProductTemplate) -> Decimal {
        let (low, high) = template.price_fen;
        let fen = self.rng.between(low, high);
        Decimal::new(fen - fen % 10, 2)
    }

    /// 备案号 for class I, 注册证号 for II (province) and III (national).
    fn registration_no(&mut self, template: &ProductTemplate, brand: &Brand) -> Option<String> {
        let (class, group) = template.class?;
        let year = self.rng.between(2015, 2024);
        let number = self.rng.between(1, 999);
        Some(match class {
            DeviceClass::I => format!("{}{year}{number:04}号", brand.filing_prefix),
            DeviceClass::II => format!("{}械注准{year}2{group}{number:04}", brand.province),
            DeviceClass::III => format!("国械注准{year}3{group}{number:04}"),
        })
    }

    /// GTIN-13 with a Chinese prefix (690-699) and a right check digit.
    fn next_barcode(&mut self) -> String {
        let mut code = format!("69{:010}", self.barcodes.next());
        let check = gs1_check_digit(&code).unwrap_or(0);
        code.push(char::from_digit(check, 10).unwrap_or('0'));
        code
    }

    /// 1 to 3 lots, expiring from two months ago to two and a half years ahead, so some
    /// are expired and some near expiry on `today`.
    fn add_lots(&mut self, sku: &str) {
        for n in 1..=self.rng.between(1, 3) {
            let expiry_date = add_days(self.today, self.rng.between(-60, 900));
            let made = add_days(expiry_date, -730);
            let lot_no = format!("{}{n:02}", made.format("%y%m%d"));
            let quantity = self.rng.between(1, 60);
            self.add_stock(sku, Some(lot_no.clone()), quantity);
            self.catalog.lots.push(Lot {
                sku: sku.to_owned(),
                lot_no,
                expiry_date,
            });
        }
    }

    /// 1 to 3 units, each with a serial no other unit of the catalog has.
    fn add_serials(&mut self, sku: &str, brand: &Brand, index: usize) {
        let units = self.rng.between(1, 3);
        for n in 1..=units {
            self.catalog.serials.push(SerialRecord {
                sku: sku.to_owned(),
                serial: format!("{}{index:08}{n}", brand.code),
                lot_no: None,
            });
        }
        self.add_stock(sku, None, units);
    }

    fn add_stock(&mut self, sku: &str, lot_no: Option<String>, quantity: i64) {
        self.catalog.stock.push(StockRecord {
            sku: sku.to_owned(),
            lot_no,
            quantity,
        });
    }

    fn add_member(&mut self, index: usize, tier: Tier) {
        let number = index + 1;
        let prefix = PHONE_PREFIXES[index % PHONE_PREFIXES.len()];
        let (low, high) = points_range(tier);
        let member = Member {
            id: format!("M{number:07}"),
            card_no: format!("8860{number:08}"),
            phone: format!("{prefix}{:08}", self.phones.next()),
            name: format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(GIVEN_NAMES)),
            tier,
            points_balance: self.rng.between(low, high) / 10 * 10,
            phone_key: None,
            tier_spend: None,
            segment: None,
        };
        self.catalog.members.push(member);
    }
}

/// Category code of each template as in the demo catalog's SKUs (10 = 血压监测, then
/// one up per new category). A SKU is the code and the product's index: never repeated.
fn category_codes() -> Vec<usize> {
    let mut categories: Vec<&str> = Vec::new();
    TEMPLATES
        .iter()
        .map(|template| {
            let position = categories.iter().position(|&c| c == template.category);
            let position = position.unwrap_or_else(|| {
                categories.push(template.category);
                categories.len() - 1
            });
            10 + position
        })
        .collect()
}

fn points_range(tier: Tier) -> (i64, i64) {
    match tier {
        Tier::Standard => (0, 3_000),
        Tier::Gold => (1_000, 9_000),
        Tier::Platinum => (5_000, 25_000),
        Tier::Diamond => (15_000, 68_000),
    }
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let step = Days::new(days.unsigned_abs());
    let moved = if days >= 0 {
        date.checked_add_days(step)
    } else {
        date.checked_sub_days(step)
    };
    moved.unwrap_or(date)
}

/// 10 digits after "69": the barcode space of one generated catalog.
const BARCODE_SPACE: u64 = 10_000_000_000;
/// 8 digits after a mobile prefix; with the prefix cycling, phones never repeat.
const PHONE_SPACE: u64 = 100_000_000;

/// Numbers that look random but never repeat within `space` draws: `k * step + offset`
/// modulo `space`, with `step` coprime to the power-of-ten `space` (odd, not a multiple
/// of 5), is a one-to-one map.
struct UniqueNumbers {
    space: u64,
    step: u64,
    offset: u64,
    drawn: u64,
}

impl UniqueNumbers {
    fn new(space: u64, seed: u64) -> UniqueNumbers {
        const STEP: u64 = 7_919_123_457;
        UniqueNumbers {
            space,
            step: STEP % space,
            offset: seed % space,
            drawn: 0,
        }
    }

    fn next(&mut self) -> u64 {
        let k = u128::from(self.drawn);
        self.drawn += 1;
        ((k * u128::from(self.step) + u128::from(self.offset)) % u128::from(self.space)) as u64
    }
}
