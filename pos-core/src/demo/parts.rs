//! The parts generated products, members and registrations are built from. Categories
//! are those of the demo catalog, so the demo promotions find products to apply to.

use crate::catalog::{DeviceClass, Tracking};

/// One kind of product: the generator adds a brand and a model to the name.
pub(crate) struct ProductTemplate {
    pub(crate) category: &'static str,
    pub(crate) name: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) tracking: Tracking,
    /// Device class and the two-digit code of its group in the 2017 classification
    /// catalogue (07 = 医用诊察和监护器械); none for goods that are not devices.
    pub(crate) class: Option<(DeviceClass, &'static str)>,
    /// Price range in fen (cents), tax included.
    pub(crate) price_fen: (i64, i64),
    /// VAT rate in percent.
    pub(crate) vat_percent: i64,
}

const fn template(
    category: &'static str,
    name: &'static str,
    unit: &'static str,
    tracking: Tracking,
    class: Option<(DeviceClass, &'static str)>,
    price_fen: (i64, i64),
    vat_percent: i64,
) -> ProductTemplate {
    ProductTemplate {
        category,
        name,
        unit,
        tracking,
        class,
        price_fen,
        vat_percent,
    }
}

use DeviceClass::{I, II, III};
use Tracking::{Lot, None as Untracked, Serial};

#[rustfmt::skip] // a table reads best one row per line
pub(crate) const TEMPLATES: &[ProductTemplate] = &[
    template("血压监测", "上臂式电子血压计", "台", Serial, Some((II, "07")), (12_900, 89_900), 13),
    template("血压监测", "腕式电子血压计", "台", Serial, Some((II, "07")), (15_900, 39_900), 13),
    template("血压监测", "血压计袖带", "个", Untracked, Some((II, "07")), (3_900, 14_900), 13),
    template("血糖监测", "血糖仪", "台", Serial, Some((II, "07")), (9_900, 29_900), 13),
    template("血糖监测", "血糖试纸", "盒", Lot, Some((II, "40")), (5_900, 19_900), 13),
    template("血糖监测", "一次性使用末梢采血针", "盒", Lot, Some((II, "14")), (1_990, 3_900), 13),
    template("体温监测", "电子体温计", "支", Untracked, Some((II, "07")), (1_590, 5_900), 13),
    template("体温监测", "红外额温枪", "个", Serial, Some((II, "07")), (12_900, 32_900), 13),
    template("口罩防护", "医用外科口罩", "包", Lot, Some((II, "14")), (590, 3_900), 13),
    template("口罩防护", "一次性使用医用口罩", "盒", Lot, Some((II, "14")), (590, 2_990), 13),
    template("口罩防护", "KN95防护口罩", "包", Untracked, None, (1_990, 4_500), 13),
    template("口罩防护", "一次性使用医用橡胶检查手套", "盒", Lot, Some((II, "14")), (2_900, 4_900), 13),
    template("呼吸治疗", "压缩式雾化器", "台", Serial, Some((II, "08")), (19_900, 89_900), 13),
    template("呼吸治疗", "医用分子筛制氧机", "台", Serial, Some((II, "08")), (188_000, 498_000), 13),
    template("呼吸治疗", "雾化面罩套装", "套", Untracked, Some((II, "08")), (1_990, 3_900), 13),
    template("康复辅具", "手动轮椅车", "台", Untracked, Some((I, "19")), (59_900, 128_000), 0),
    template("康复辅具", "助行器", "台", Untracked, Some((I, "19")), (15_800, 26_800), 13),
    template("康复辅具", "铝合金手杖", "支", Untracked, Some((I, "19")), (5_900, 8_900), 13),
    template("康复辅具", "腋下拐杖", "副", Untracked, Some((I, "19")), (9_900, 15_900), 13),
    template("医用护具", "医用护腰带", "个", Untracked, Some((I, "14")), (6_900, 15_900), 13),
    template("医用护具", "医用护膝", "副", Untracked, Some((I, "14")), (4_900, 8_900), 13),
    template("医用护具", "医用颈托", "个", Untracked, Some((I, "14")), (4_900, 9_900), 13),
    template("敷料耗材", "医用棉签", "包", Lot, Some((I, "14")), (350, 990), 13),
    template("敷料耗材", "创可贴", "盒", Lot, Some((I, "14")), (990, 1_990), 13),
    template("敷料耗材", "弹力绷带", "卷", Untracked, Some((I, "14")), (690, 1_590), 13),
    template("敷料耗材", "医用纱布块", "包", Lot, Some((I, "14")), (590, 990), 13),
    template("敷料耗材", "一次性使用无菌注射器", "包", Lot, Some((III, "14")), (990, 1_290), 13),
    template("消毒用品", "碘伏消毒液", "瓶", Lot, None, (590, 1_990), 13),
    template("消毒用品", "75%酒精消毒液", "瓶", Lot, None, (490, 1_190), 13),
    template("消毒用品", "免洗手消毒凝胶", "瓶", Untracked, None, (1_590, 3_290), 13),
    template("诊断器械", "听诊器", "个", Untracked, Some((I, "07")), (3_900, 6_900), 13),
    template("诊断器械", "指夹式脉搏血氧仪", "台", Serial, Some((II, "07")), (13_900, 25_900), 13),
    template("助听器", "耳背式助听器", "台", Serial, Some((II, "19")), (69_800, 588_000), 13),
    template("助听器", "助听器电池", "板", Untracked, None, (1_500, 2_500), 13),
    template("理疗康复", "低频治疗仪", "台", Serial, Some((II, "09")), (29_900, 59_900), 13),
    template("理疗康复", "医用热敷贴", "盒", Lot, Some((I, "09")), (1_990, 3_990), 13),
    template("中医理疗", "真空拔罐器", "套", Untracked, Some((I, "20")), (4_900, 8_900), 13),
    template("中医理疗", "艾条", "盒", Lot, None, (1_990, 3_990), 9),
    template("中医理疗", "随身灸艾灸盒", "个", Untracked, Some((I, "20")), (2_990, 3_990), 13),
    template("眼部护理", "隐形眼镜护理液", "瓶", Lot, Some((III, "16")), (2_900, 6_900), 13),
    template("眼部护理", "软性亲水接触镜", "盒", Lot, Some((III, "16")), (8_900, 19_900), 13),
    template("计生用品", "天然胶乳橡胶避孕套", "盒", Lot, Some((II, "18")), (3_900, 6_900), 0),
    template("计生用品", "早早孕检测试纸", "盒", Lot, Some((II, "40")), (690, 1_290), 13),
];

/// A maker: its name, the province of its 注册证 and the city prefix of its 备案号.
pub(crate) struct Brand {
    pub(crate) name: &'static str,
    /// Latin letters for models and serials.
    pub(crate) code: &'static str,
    pub(crate) province: &'static str,
    pub(crate) filing_prefix: &'static str,
}

const fn brand(
    name: &'static str,
    code: &'static str,
    province: &'static str,
    filing_prefix: &'static str,
) -> Brand {
    Brand {
        name,
        code,
        province,
        filing_prefix,
    }
}

pub(crate) const BRANDS: &[Brand] = &[
    brand("鱼跃", "YE", "苏", "苏镇械备"),
    brand("欧姆龙", "HEM", "辽", "辽连械备"),
    brand("三诺", "SN", "湘", "湘长械备"),
    brand("可孚", "KF", "湘", "湘长械备"),
    brand("稳健", "WJ", "粤", "粤深械备"),
    brand("振德", "ZD", "浙", "浙绍械备"),
    brand("海氏海诺", "HN", "鲁", "鲁青械备"),
    brand("九安", "KD", "津", "津械备"),
    brand("乐普", "LBP", "京", "京械备"),
    brand("康泰", "CMS", "冀", "冀秦械备"),
    brand("互邦", "HB", "沪", "沪械备"),
    brand("华佗", "HT", "苏", "苏苏械备"),
    brand("倍尔康", "JXB", "粤", "粤深械备"),
    brand("英科", "YK", "鲁", "鲁淄械备"),
];

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "欧阳", "司马",
];

pub(crate) const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "玉兰", "海燕", "淑珍", "志强", "国庆",
    "建国", "丽华", "红梅", "秀珍", "文博", "欣怡", "浩然", "雨桐", "德明", "振华",
];

/// Mainland mobile prefixes (13x, 15x, 18x).
pub(crate) const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185", "186",
    "187", "188", "189",
];
