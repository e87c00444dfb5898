//! Writes a ledger sheet of N rows in an office's layout (title row, synonyms, mixed dates,
//! several supporters per cell), for trying imports at scale and for the benchmarks:
//! `cargo run --release -p taizhang-exchange --example ledger_sheet -- 100000 /tmp/big.xlsx`

use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{Format, Workbook};

const TOWNSHIPS: &[&str] = &["城关街道", "西山镇", "东湖街道", "南岭镇", "北河乡", "新区街道"];
const DEPARTMENTS: &[&str] = &[
    "区工业和信息化局",
    "区自然资源局",
    "区人力资源和社会保障局",
    "区住房和城乡建设局",
    "区生态环境局",
    "区市场监督管理局",
    "区税务局",
    "区发展和改革局",
    "区商务局",
    "区交通运输局",
    "区供电公司",
    "区金融服务中心",
];
const CATEGORIES: &[&str] =
    &["融资", "用地", "用工", "审批/政务服务", "水电气等要素", "政策兑现", "税费", "环保", "其他"];
const TOPICS: &[&str] = &[
    "扩建厂房用地指标未落实，影响二期投产",
    "流动资金贷款到期续贷困难",
    "缺少熟练焊工和数控操作工",
    "冷链仓库用电增容审批时间长",
    "技改补贴申报后尚未兑现",
    "环评批复等待时间较长",
    "厂区门前道路破损影响货车通行",
    "出口退税到账慢",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let out = args.get(2).cloned().unwrap_or_else(|| "ledger_sheet.xlsx".into());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    sheet.set_name("问题台账").unwrap();
    let header = [
        "序号",
        "企业名称",
        "所属镇(街道)",
        "存在问题",
        "问题类别",
        "反映时间",
        "主办单位",
        "协办单位",
        "办理时限",
        "办理进展",
        "是否办结",
        "企业满意度",
    ];
    sheet.write_string(0, 0, "2026年企业服务年问题台账").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let start = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
    let mut seed: u64 = 2026;
    let mut next = |m: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    for i in 0..n {
        let r = i as u32 + 2;
        let raised = start + Duration::days((i * 300 / n.max(1)) as i64);
        let lead = next(DEPARTMENTS.len());
        let support = (lead + 1 + next(DEPARTMENTS.len() - 1)) % DEPARTMENTS.len();
        let done = next(3) == 0;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        sheet.write_string(r, 1, format!("示范区第{}号企业有限公司", i % 5000 + 1)).unwrap();
        sheet.write_string(r, 2, TOWNSHIPS[i % TOWNSHIPS.len()]).unwrap();
        sheet.write_string(r, 3, format!("{}（第{}项）", TOPICS[next(TOPICS.len())], i + 1)).unwrap();
        sheet.write_string(r, 4, CATEGORIES[next(CATEGORIES.len())]).unwrap();
        match i % 3 {
            0 => sheet.write_date_with_format(r, 5, raised, &date_format).map(|_| ()).unwrap(),
            1 => sheet.write_string(r, 5, raised.format("%Y/%-m/%-d").to_string()).map(|_| ()).unwrap(),
            _ => sheet.write_string(r, 5, raised.format("%Y年%-m月%-d日").to_string()).map(|_| ()).unwrap(),
        }
        sheet.write_string(r, 6, DEPARTMENTS[lead]).unwrap();
        if next(2) == 0 {
            sheet.write_string(r, 7, DEPARTMENTS[support]).unwrap();
        }
        sheet.write_string(r, 8, ["10个工作日", "15个工作日", "30天"][next(3)]).unwrap();
        if done || next(2) == 0 {
            sheet.write_string(r, 9, "已对接企业，正在协调").unwrap();
        }
        sheet.write_string(r, 10, if done { "是" } else { "否" }).unwrap();
        if done {
            sheet.write_string(r, 11, ["满意", "基本满意", "满意"][next(3)]).unwrap();
        }
    }
    book.save(&out).unwrap();
    eprintln!("wrote {n} rows to {out}");
}
