//! The demo district (示范区): a realistic ledger for trying the product, training and tests.
//!
//! `generate` fills a freshly created ledger through `Ledger::execute` only — the one write
//! path — so every demo fact is a validated, hash-chained event with an actor and a time.
//!
//! How it works: every problem gets a scripted fate, chosen with a seeded RNG, which is laid
//! out as dated steps (working-day indices) that respect every rule of the workflow (objection
//! window, extension notice, supporter opinions before resolving, …). The steps of all
//! problems and visits are merged on one clock and executed in time order; whatever would
//! happen after `end` does not happen, so recent problems are caught mid-flight. On top of
//! the natural flow, a set of anchored fates is timed backwards from `end` so that every
//! state and situation is guaranteed to be on screen at `end` (awaiting assignment, overdue
//! to sign, disputed, due soon, yellow and red, pending extension and withdrawal, …).
//!
//! For a given seed and end time the distribution of states is always the same; ids differ
//! between runs (UUIDv7 with random bits).

use std::collections::{BinaryHeap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use taizhang_core::calendar::Calendar;
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::credit_code::check_char;
use taizhang_core::*;

use crate::append::new_id;
use crate::error::{LedgerError, Result};
use crate::Ledger;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoOptions {
    /// Number of problems (default 520). At least about 45 are needed to show every situation.
    pub problems: usize,
    pub seed: u64,
    /// "Now": the demo's last day. Nothing is recorded after this instant.
    pub end: DateTime<Utc>,
    /// Length of the history in calendar days before `end` (default 150, at least 60).
    pub days: u32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { problems: 520, seed: 2026, end: Utc::now(), days: 150 }
    }
}

impl DemoOptions {
    /// The first instant of the demo history (07:00 Beijing time on its first day). Creating
    /// the ledger at this instant keeps the whole event log in time order.
    pub fn start(&self) -> DateTime<Utc> {
        instant(self.start_date(), 7 * 60)
    }

    fn start_date(&self) -> NaiveDate {
        local_date(self.end) - Duration::days(i64::from(self.days.max(MIN_DAYS)))
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DemoReport {
    pub townships: usize,
    pub departments: usize,
    pub users: usize,
    pub enterprises: usize,
    pub visits: usize,
    pub problems: usize,
    #[ts(type = "number")]
    pub events: i64,
}

const MIN_DAYS: u32 = 60;

// ---------------------------------------------------------------------------------------------
// The district
// ---------------------------------------------------------------------------------------------

/// (login, name) of a user.
type Person = (&'static str, &'static str);

/// (name, short name, two officials).
const TOWNS: &[(&str, &str, [Person; 2])] = &[
    ("城关街道", "城关", [("cg_zhang", "张伟"), ("cg_liu", "刘洋")]),
    ("东城街道", "东城", [("dc_wang", "王芳"), ("dc_zhou", "周杰")]),
    ("西山镇", "西山", [("xs_li", "李娜"), ("xs_huang", "黄磊")]),
    ("南湖镇", "南湖", [("nh_chen", "陈静怡"), ("nh_xu", "徐斌")]),
    ("北岗镇", "北岗", [("bg_zhao", "赵磊"), ("bg_ma", "马丽")]),
    ("临江镇", "临江", [("lj_sun", "孙浩"), ("lj_he", "何敏")]),
];
/// How many of the enterprises each township holds (relative).
const TOWN_WEIGHTS: &[u32] = &[20, 22, 18, 18, 16, 20];

/// (full name, short name, login, handler's name).
const DEPTS: &[(&str, &str, &str, &str)] = &[
    ("区发展和改革局", "发改局", "fgj_li", "李建华"),
    ("区工业和信息化局", "工信局", "gxj_wang", "王志刚"),
    ("区财政局", "财政局", "czj_zhang", "张丽华"),
    ("区人力资源和社会保障局", "人社局", "rsj_chen", "陈晓东"),
    ("区自然资源局", "自然资源局", "zrj_zhou", "周永明"),
    ("区生态环境分局", "生态环境局", "sthj_wu", "吴海燕"),
    ("区住房和城乡建设局", "住建局", "zjj_sun", "孙国强"),
    ("区交通运输局", "交通局", "jtj_ma", "马俊"),
    ("区商务局", "商务局", "swj_hu", "胡晓梅"),
    ("区市场监督管理局", "市场监管局", "scjg_guo", "郭宏伟"),
    ("区行政审批服务局", "审批局", "xzsp_lin", "林晓琳"),
    ("国家税务总局示范区税务局", "税务局", "shuiwu_he", "何振宇"),
    ("国网示范区供电公司", "供电公司", "gdgs_gao", "高峰"),
    ("示范区水务集团", "水务集团", "swjt_luo", "罗文斌"),
    ("区金融工作局", "金融局", "jrj_liang", "梁晓燕"),
    ("区应急管理局", "应急局", "yjj_song", "宋立军"),
];

const OFFICE_USERS: &[Person] = &[("office_wang", "王敏"), ("office_chen", "陈静")];
const LEADERS: &[Person] = &[("leader_zhao", "赵建国"), ("leader_sun", "孙立新")];

struct Item {
    desc: &'static str,
    demand: &'static str,
    /// Short name of the lead department, and of the unit a return would propose.
    lead: &'static str,
    alt: &'static str,
}

struct Cat {
    name: &'static str,
    weight: u32,
    support: &'static [&'static str],
    items: &'static [Item],
    results: &'static [&'static str],
}

macro_rules! item {
    ($d:literal, $q:literal, $l:literal, $a:literal) => {
        Item { desc: $d, demand: $q, lead: $l, alt: $a }
    };
}

/// Templates: `{n}` is a small number (2–9), `{m}` a larger one (10–60), `{y}` the year,
/// `{py}` the year before.
const CATS: &[Cat] = &[
    Cat {
        name: "融资",
        weight: 12,
        support: &["财政局", "工信局"],
        items: &[
            item!(
                "企业扩产需流动资金约{n}00万元，现有银行授信额度不足，新增授信审批周期长",
                "协调银行加快授信审批，争取纳入政银企对接名单",
                "金融局",
                "财政局"
            ),
            item!(
                "企业申请{n}00万元技改贷款，因抵押物不足未获银行批准",
                "协助对接政府性融资担保公司提供担保",
                "金融局",
                "财政局"
            ),
            item!(
                "下游客户回款周期长，应收账款约{m}00万元，资金周转紧张",
                "推荐供应链金融、应收账款质押融资产品",
                "金融局",
                "工信局"
            ),
            item!(
                "企业一笔{n}00万元贷款{m}天后到期，续贷手续尚未落实",
                "协调银行无还本续贷或过桥资金支持",
                "金融局",
                "财政局"
            ),
        ],
        results: &[
            "已组织合作银行与企业对接，新增授信{n}00万元已审批通过",
            "已推荐区融资担保公司提供担保，贷款已于本月发放",
            "已协调银行办理无还本续贷，企业资金周转恢复正常",
        ],
    },
    Cat {
        name: "用地",
        weight: 9,
        support: &["住建局", "发改局"],
        items: &[
            item!(
                "企业二期项目需新增工业用地约{m}亩，园区暂无可供地块",
                "协调安排新增工业用地指标",
                "自然资源局",
                "发改局"
            ),
            item!(
                "厂房不动产权证因历史遗留问题至今未能办理",
                "协调解决历史遗留问题，尽快办理不动产权证",
                "自然资源局",
                "住建局"
            ),
            item!(
                "项目用地红线内有约{n}00平方米临时建筑未拆除，影响开工",
                "协调清表交地，保障按期开工",
                "自然资源局",
                "住建局"
            ),
            item!(
                "企业拟利用现有厂区空地加层扩建，容积率调整手续不清楚",
                "指导办理容积率调整和规划许可",
                "自然资源局",
                "审批局"
            ),
        ],
        results: &[
            "已将项目纳入年度供地计划，地块挂牌出让方案已报批",
            "经多部门会商，历史遗留问题已处理，不动产权证已办结",
            "已完成地块清表并交付企业，项目已开工",
        ],
    },
    Cat {
        name: "用工",
        weight: 10,
        support: &["工信局"],
        items: &[
            item!("企业新增生产线，急需招聘普工约{m}人、技术工人{n}人", "协助组织专场招聘会", "人社局", "工信局"),
            item!("高级技工流失严重，希望获得职业技能培训补贴支持", "指导申报职业技能培训补贴", "人社局", "财政局"),
            item!("外地员工子女入学难，影响员工稳定", "协调解决员工子女就近入学", "人社局", "发改局"),
            item!(
                "企业拟引进{n}名研发人才，人才公寓和安家补贴政策不清楚",
                "解读人才政策，协助申报人才补贴",
                "人社局",
                "工信局"
            ),
        ],
        results: &[
            "已举办企业专场招聘会，现场达成就业意向{m}人",
            "已上门指导企业申报培训补贴，补贴资金已拨付",
            "已协调教育部门安排员工子女就近入学",
        ],
    },
    Cat {
        name: "审批/政务服务",
        weight: 9,
        support: &["住建局", "市场监管局", "自然资源局"],
        items: &[
            item!("新建厂房施工许可已提交材料{n}周仍未获批复", "加快施工许可审批", "审批局", "住建局"),
            item!("企业变更经营范围涉及多个部门，材料需重复提交", "提供一站式帮办代办服务", "审批局", "市场监管局"),
            item!("技改项目备案信息填报有疑问，系统多次退回", "派员上门指导项目备案", "审批局", "发改局"),
            item!("新建项目节能审查排队时间长，影响项目开工", "加快节能审查", "发改局", "审批局"),
        ],
        results: &[
            "已开通绿色通道，施工许可证已核发",
            "已安排帮办专员全程代办，变更登记已办结",
            "已上门指导并完成项目备案",
        ],
    },
    Cat {
        name: "水电气等要素",
        weight: 8,
        support: &["发改局", "工信局"],
        items: &[
            item!("新上设备需将变压器扩容至{n}000千伏安，报装周期较长", "加快电力扩容报装", "供电公司", "发改局"),
            item!("厂区供水管网压力不足，用水高峰期影响生产", "协调改造供水管网", "水务集团", "住建局"),
            item!(
                "园区天然气管道尚未接入新厂区，企业只能使用液化气",
                "协调燃气公司尽快接通管道天然气",
                "住建局",
                "发改局"
            ),
            item!("近期厂区频繁短时停电，造成生产线停机", "排查线路故障，保障稳定供电", "供电公司", "工信局"),
        ],
        results: &[
            "已完成扩容工程并送电，企业新设备已投产",
            "已完成管网改造，厂区供水压力恢复正常",
            "已排查并更换故障线路，供电恢复稳定",
        ],
    },
    Cat {
        name: "基础设施/园区配套",
        weight: 9,
        support: &["发改局", "财政局"],
        items: &[
            item!("园区道路约{n}00米路段破损严重，大货车通行困难", "尽快维修道路", "住建局", "交通局"),
            item!("园区周边无公交线路，员工通勤不便", "增设公交线路或班车站点", "交通局", "住建局"),
            item!("厂区门前雨水管网排水不畅，雨季积水严重", "疏通改造雨水管网", "住建局", "水务集团"),
            item!("园区路灯损坏较多，夜班员工出行存在安全隐患", "修复园区路灯", "住建局", "供电公司"),
        ],
        results: &[
            "道路维修工程已完工，通行条件明显改善",
            "已新增公交站点并调整线路，员工通勤问题解决",
            "雨水管网已疏通改造完毕",
        ],
    },
    Cat {
        name: "政策兑现",
        weight: 11,
        support: &["财政局", "发改局"],
        items: &[
            item!("企业申报的技改补助{m}万元尚未拨付", "加快兑现技改补助资金", "工信局", "财政局"),
            item!("企业不清楚“专精特新”认定条件和奖励政策", "上门解读政策，指导申报", "工信局", "发改局"),
            item!("首台（套）装备奖励资金审核进度慢", "加快审核拨付奖励资金", "工信局", "财政局"),
            item!("外贸企业{py}年度出口奖励资金尚未兑现", "加快兑现外贸奖励", "商务局", "财政局"),
            item!("企业{py}年度亩均效益奖励资金{m}万元尚未兑现", "尽快拨付奖励资金", "财政局", "工信局"),
            item!("企业购置设备享受的贴息资金迟迟未到账", "加快审核拨付贴息资金", "财政局", "金融局"),
        ],
        results: &["补助资金{m}万元已拨付到企业账户", "已上门解读政策，企业已完成申报", "奖励资金已审核完毕并拨付"],
    },
    Cat {
        name: "市场开拓",
        weight: 5,
        support: &["工信局"],
        items: &[
            item!("企业产品希望进入本地政府采购和国企供应商名录", "协助对接采购需求", "商务局", "工信局"),
            item!("企业希望参加{y}年广交会等重点展会，申请展位补贴", "给予参展补贴支持", "商务局", "财政局"),
            item!("出口订单受汇率波动影响，希望了解出口信用保险政策", "协调出口信保支持", "商务局", "金融局"),
        ],
        results: &[
            "已组织产销对接会，企业与{n}家采购单位达成合作意向",
            "已将企业纳入重点展会补贴名单",
            "已协调保险机构为企业办理出口信用保险",
        ],
    },
    Cat {
        name: "物流交通",
        weight: 5,
        support: &["住建局", "发改局"],
        items: &[
            item!(
                "厂区出入口与主干道交叉口无信号灯，货车进出存在安全隐患",
                "增设交通信号灯和警示标志",
                "交通局",
                "住建局"
            ),
            item!("大件运输通行证办理时间长，影响交货", "简化大件运输许可办理", "交通局", "审批局"),
            item!("园区内货车停车位不足，车辆沿路停放", "规划建设货车停车场", "交通局", "住建局"),
        ],
        results: &[
            "已增设信号灯和警示标志，交通安全隐患消除",
            "大件运输许可已实行网上办理，办理时间缩短至{n}个工作日",
            "已在园区规划临时货车停车场",
        ],
    },
    Cat {
        name: "税费",
        weight: 5,
        support: &["财政局"],
        items: &[
            item!("研发费用加计扣除政策理解有偏差，担心申报出错", "税务部门上门辅导", "税务局", "财政局"),
            item!("增值税留抵退税申请约{m}万元尚未到账", "加快办理留抵退税", "税务局", "财政局"),
            item!("城镇土地使用税减免申请条件不清楚", "解读减免政策，指导申请", "税务局", "自然资源局"),
        ],
        results: &[
            "税务部门已上门辅导，企业已完成加计扣除申报",
            "留抵退税{m}万元已退付到账",
            "已为企业办理城镇土地使用税减免",
        ],
    },
    Cat {
        name: "环保",
        weight: 6,
        support: &["审批局", "工信局"],
        items: &[
            item!("新建项目环评审批进度慢，影响投产计划", "加快环评审批", "生态环境局", "审批局"),
            item!("周边居民投诉噪声，企业已完成整改，希望尽快复核", "组织复核，及时销案", "生态环境局", "市场监管局"),
            item!("危险废物处置单位少、处置费用高", "协调危险废物处置渠道", "生态环境局", "工信局"),
        ],
        results: &[
            "环评批复已出具，项目可按计划投产",
            "已完成现场复核，投诉事项已销案",
            "已协调处置单位签订危废处置协议",
        ],
    },
    Cat {
        name: "安全生产",
        weight: 4,
        support: &["住建局", "市场监管局"],
        items: &[
            item!("企业希望得到安全生产标准化创建指导", "派专家上门指导", "应急局", "市场监管局"),
            item!("消防验收整改意见不明确，复验迟迟未安排", "明确整改要求，加快复验", "应急局", "住建局"),
            item!("危化品仓库设置标准不清楚", "提供政策解读和技术指导", "应急局", "生态环境局"),
        ],
        results: &[
            "已组织专家上门指导，企业已通过标准化三级评审",
            "已明确整改要求并完成复验",
            "已上门指导企业完成仓库改造",
        ],
    },
    Cat {
        name: "市场监管/执法",
        weight: 4,
        support: &["审批局"],
        items: &[
            item!("同一事项一个月内被不同部门重复检查{n}次", "推行“综合查一次”，减少重复检查", "市场监管局", "审批局"),
            item!("企业商标被外地企业恶意抢注", "协助开展商标维权", "市场监管局", "商务局"),
            item!("计量器具检定排队时间长，影响出厂检验", "加快计量检定", "市场监管局", "工信局"),
        ],
        results: &[
            "已将企业纳入“综合查一次”名单，涉企检查合并开展",
            "已指导企业提出商标异议，维权工作进展顺利",
            "已开通检定绿色通道，检定已完成",
        ],
    },
    Cat {
        name: "其他",
        weight: 3,
        support: &["住建局", "人社局"],
        items: &[
            item!("厂区周边治安环境较差，夜间偷盗时有发生", "加强周边治安巡逻", "发改局", "住建局"),
            item!("企业筹备上市，需要政府协调出具相关合规证明", "协调各部门出具合规证明", "金融局", "发改局"),
            item!("企业食堂建设手续不清楚", "指导办理食堂建设相关手续", "工信局", "市场监管局"),
        ],
        results: &["已协调加强周边巡逻，治安状况明显好转", "相关部门已出具合规证明", "已上门指导，企业手续已办结"],
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "平",
    "刚", "建华", "晓东", "海峰", "志强", "玉兰", "春梅", "国庆", "文斌", "红梅", "立新",
];
const BRANDS: &[&str] = &[
    "恒达", "华腾", "瑞丰", "金诚", "鑫源", "宏远", "天成", "永泰", "明阳", "博创", "佳美", "富春", "远航", "信达",
    "利民", "海纳", "启明", "卓越", "德润", "汇通", "嘉禾", "新宇", "安泰", "盛世", "凯隆", "亿丰", "同创", "华光",
    "锦程", "兴业", "美达", "精工", "长青", "润泽", "万邦", "中盛", "泰和", "宏图", "金鼎", "华彩", "立信", "恒昌",
    "瑞祥", "东升", "科力",
];
/// (word in the name, industry).
const TRADES: &[(&str, &str)] = &[
    ("精密机械", "装备制造"),
    ("智能装备", "装备制造"),
    ("新材料科技", "新材料"),
    ("电子科技", "电子信息"),
    ("光电科技", "电子信息"),
    ("食品", "食品加工"),
    ("纺织", "纺织服装"),
    ("服饰", "纺织服装"),
    ("生物医药", "生物医药"),
    ("物流", "现代物流"),
    ("建材", "建材"),
    ("汽车零部件", "汽车零部件"),
    ("化工", "化工"),
    ("软件", "软件和信息服务"),
    ("包装材料", "轻工"),
    ("家居", "轻工"),
    ("环保科技", "节能环保"),
    ("农业发展", "现代农业"),
];
const ROADS: &[&str] =
    &["工业大道", "创业路", "科技路", "兴业街", "园区一路", "滨江路", "迎宾大道", "经五路", "纬三路", "振兴路"];
const AREA_CODE: &str = "330106";
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

const VISIT_NOTES: &[&str] = &[
    "走访企业生产车间，了解订单、用工和资金情况",
    "与企业负责人座谈，宣传惠企政策",
    "了解企业年度投资计划和项目进展",
    "了解企业生产经营情况，企业运行平稳",
    "上门送政策，收集企业困难诉求",
    "电话回访企业，了解前期问题办理情况",
    "参加企业座谈，听取意见建议",
];
const NOTES: &[&str] = &[
    "已与企业对接，正在研究解决方案",
    "已召开协调会，明确责任分工和时间节点",
    "已到企业现场踏勘，形成初步处理方案",
    "已向上级主管部门请示，等待批复",
    "相关材料已补齐，正在走审批流程",
    "已与相关单位会商，方案基本确定",
];
const SUPPORT_NOTES: &[&str] =
    &["已按牵头单位要求提供相关资料", "已派员参加协调会并提出意见", "已完成本单位职责范围内的工作"];
const OPINIONS: &[&str] = &[
    "同意牵头单位处理意见，我单位将配合做好相关工作",
    "已核实相关情况，建议按政策规定办理，我单位全力配合",
    "经研究，本单位职责范围内事项已办理完毕，相关材料已报送牵头单位",
    "我单位已安排专人对接，同意牵头单位方案",
];
const EXPLANATIONS: &[&str] = &[
    "该事项涉及上级审批权限，区级暂无法解决，已向上级部门反映并书面告知企业",
    "企业诉求不符合现行政策规定，已向企业做好政策解释",
    "受年度指标限制，本年度暂无法安排，已纳入下一年度计划",
];
const LONG_TERM: &[&str] =
    &["已纳入区重点问题推进清单，按月报送进展", "该事项需分阶段实施，已制定推进计划并纳入长期跟踪"];

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// The instant `minute` minutes after local (Beijing) midnight of `d`.
fn instant(d: NaiveDate, minute: u32) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(minute));
    china_offset().from_local_datetime(&local).single().expect("fixed offset").with_timezone(&Utc)
}

/// Working days from the start of the history to well beyond the end, addressed by index.
/// Every action happens on a working day, so "n working days after day i" is day i + n,
/// exactly as `Calendar::add_working_days` counts.
struct Days {
    list: Vec<NaiveDate>,
}

impl Days {
    fn new(cal: &Calendar, first: NaiveDate, last: NaiveDate) -> Days {
        Days { list: first.iter_days().take_while(|d| *d <= last).filter(|d| cal.is_working_day(*d)).collect() }
    }

    fn date(&self, i: usize) -> NaiveDate {
        self.list[i.min(self.list.len() - 1)]
    }

    /// Index of the first working day on or after `d`.
    fn index_from(&self, d: NaiveDate) -> usize {
        self.list.partition_point(|x| *x < d)
    }
}

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

// Order of steps of one problem within one day (and one handling round).
const VISIT: u8 = 0;
const REGISTER: u8 = 1;
const LOCAL: u8 = 2;
const ASSIGN: u8 = 3;
const RETURN: u8 = 4;
const RULE: u8 = 5;
const ACK: u8 = 6;
const SIGN: u8 = 7;
const INSTRUCT: u8 = 8;
const OPINION: u8 = 9;
const WAIVE: u8 = 10;
const NOTE: u8 = 11;
const EXT_REQ: u8 = 12;
const EXT_RULE: u8 = 13;
const URGE: u8 = 14;
const WD_REQ: u8 = 15;
const WD_RULE: u8 = 16;
const RESOLVE: u8 = 17;
const EVAL: u8 = 18;
const CLOSE: u8 = 19;

struct Step {
    day: usize,
    round: u32,
    rank: u8,
    login: String,
    cmd: Command,
}

impl Step {
    fn key(&self) -> (usize, u32, u8) {
        (self.day, self.round, self.rank)
    }
}

#[derive(Debug, Clone, Copy)]
enum Opinion {
    /// Given this many working days before the sub-deadline.
    OnTime(usize),
    /// Given this many working days after the sub-deadline.
    Late(usize),
    /// Never given; the office waives it two days after the sub-deadline.
    Waived,
}

#[derive(Debug, Clone, Copy)]
enum Resolve {
    /// Between the earliest possible day and the deadline, at this fraction.
    OnTime(f64),
    /// This many working days after the (approved) deadline.
    Late(usize),
    /// On this day index (not before the earliest possible day).
    At(usize),
}

#[derive(Debug, Clone, Copy)]
struct LocalK {
    delay: usize,
    eval_delay: usize,
    satisfaction: Satisfaction,
    close_delay: usize,
    /// After a 不满意, the office assigns it this many working days later.
    assign_after: usize,
}

#[derive(Debug, Clone, Copy)]
struct ReturnK {
    day_off: usize,
    rule_delay: usize,
    upheld: bool,
}

#[derive(Debug, Clone, Copy)]
struct ExtK {
    /// Asked this many working days before the deadline.
    before: usize,
    extra: usize,
    approve: bool,
    rule_delay: usize,
}

#[derive(Debug, Clone, Copy)]
struct WithdrawK {
    /// Asked this many working days after signing.
    after_sign: usize,
    rule_delay: usize,
    approve: bool,
}

#[derive(Debug, Clone, Copy)]
struct EvalK {
    satisfaction: Satisfaction,
    delay: usize,
    by_office: bool,
}

/// Every choice of one problem's fate.
#[derive(Debug, Clone)]
struct Knobs {
    reg: usize,
    local: Option<LocalK>,
    assign_delay: usize,
    supporters: usize,
    ret: Option<ReturnK>,
    sign_delay: usize,
    sign_urge: bool,
    opinions: Vec<Opinion>,
    ack_delay: usize,
    notes: usize,
    stage_reply: bool,
    supporter_note: bool,
    ext: Option<ExtK>,
    resolve: Resolve,
    result: ResultType,
    late_urges: bool,
    reminder_urge: bool,
    instruct: bool,
    withdraw: Option<WithdrawK>,
    evals: Vec<EvalK>,
    reopen_resolve: Resolve,
    close_delay: usize,
    /// Anchored fates: nothing after this day happens.
    cutoff: Option<usize>,
}

impl Knobs {
    /// A plain, quick fate; anchors start from this and change what they need.
    fn plain(reg: usize) -> Knobs {
        Knobs {
            reg,
            local: None,
            assign_delay: 1,
            supporters: 0,
            ret: None,
            sign_delay: 1,
            sign_urge: false,
            opinions: vec![],
            ack_delay: 0,
            notes: 1,
            stage_reply: false,
            supporter_note: false,
            ext: None,
            resolve: Resolve::OnTime(0.8),
            result: ResultType::Solved,
            late_urges: false,
            reminder_urge: false,
            instruct: false,
            withdraw: None,
            evals: vec![EvalK { satisfaction: Satisfaction::Satisfied, delay: 1, by_office: false }],
            reopen_resolve: Resolve::OnTime(0.7),
            close_delay: 2,
            cutoff: None,
        }
    }
}

/// Who and what a problem is about (fixed at registration).
struct Base {
    pid: Id,
    town: usize,
    ent: usize,
    registrar: String,
    by_township: bool,
    source: Source,
    cat: usize,
    item: usize,
    priority: Priority,
    description: String,
    demand: String,
    raised_offset: i64,
    leader: String,
    with_visit: Option<VisitForm>,
    new_enterprise: Option<Enterprise>,
}

struct Town {
    id: Id,
    name: String,
    short: String,
    users: Vec<(String, String)>,
}

struct Dept {
    id: Id,
    short: String,
    login: String,
    person: String,
}

struct Ent {
    id: Id,
    town: usize,
    key: KeyLevel,
    /// Never visited: keeps the coverage rate below 100%.
    unvisited: bool,
}

struct Gen<'a> {
    rng: StdRng,
    days: Days,
    /// Index of the last working day strictly before the end date.
    last: usize,
    settings: &'a Settings,
    towns: Vec<Town>,
    depts: Vec<Dept>,
    ents: Vec<Ent>,
    cats: Vec<usize>,
    year: i32,
}

fn fill(rng: &mut StdRng, template: &str, year: i32) -> String {
    let n = rng.random_range(2..=9).to_string();
    let m = rng.random_range(10..=60).to_string();
    template
        .replace("{n}", &n)
        .replace("{m}", &m)
        .replace("{py}", &(year - 1).to_string())
        .replace("{y}", &year.to_string())
}

fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn person(rng: &mut StdRng) -> String {
    format!("{}{}", SURNAMES.choose(rng).expect("names"), GIVEN.choose(rng).expect("names"))
}

fn phone(rng: &mut StdRng) -> String {
    let prefix = ["138", "139", "137", "135", "158", "159", "186", "187", "189", "177"].choose(rng).expect("prefixes");
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

fn credit_code(rng: &mut StdRng, bad: bool) -> String {
    let mut s = format!("91{AREA_CODE}");
    if rng.random_bool(0.5) {
        s.push_str("MA");
        for _ in 0..7 {
            s.push(*CODE_ALPHABET.choose(rng).expect("alphabet") as char);
        }
    } else {
        for _ in 0..8 {
            s.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        s.push(*CODE_ALPHABET[..11].choose(rng).expect("alphabet") as char);
    }
    let good = check_char(&s).expect("17 characters from the alphabet");
    let check = if bad {
        // Any other character: a legal-looking code that fails the check (a warning).
        let i = CODE_ALPHABET.iter().position(|c| *c as char == good).unwrap_or(0);
        CODE_ALPHABET[(i + 1 + rng.random_range(0..29)) % CODE_ALPHABET.len()] as char
    } else {
        good
    };
    s.push(check);
    s
}

impl Gen<'_> {
    fn dept(&self, short: &str) -> usize {
        self.depts.iter().position(|d| d.short == short).unwrap_or(0)
    }

    fn office(&mut self) -> String {
        // Mostly the two office clerks, now and then the administrator.
        if self.rng.random_bool(0.08) {
            "admin".into()
        } else {
            OFFICE_USERS.choose(&mut self.rng).expect("office users").0.to_string()
        }
    }

    fn town_user(&mut self, town: usize) -> String {
        self.towns[town].users.choose(&mut self.rng).expect("township users").0.clone()
    }

    fn date(&self, i: usize) -> NaiveDate {
        self.days.date(i)
    }

    fn new_enterprise(&mut self, town: usize, names: &mut HashSet<String>, code: Option<String>) -> Enterprise {
        let (name, industry) = loop {
            let brand = BRANDS.choose(&mut self.rng).expect("brands");
            let (word, industry) = TRADES.choose(&mut self.rng).expect("trades");
            let prefix =
                if self.rng.random_bool(0.7) { "示范区".to_string() } else { self.towns[town].short.clone() };
            let suffix = if self.rng.random_bool(0.15) { "股份有限公司" } else { "有限公司" };
            let name = format!("{prefix}{brand}{word}{suffix}");
            if names.insert(name.clone()) {
                break (name, industry.to_string());
            }
        };
        let roll: f64 = self.rng.random();
        let key_level = if roll < 0.3 {
            KeyLevel::District
        } else if roll < 0.5 {
            KeyLevel::Town
        } else {
            KeyLevel::General
        };
        let above = match key_level {
            KeyLevel::District => 0.9,
            KeyLevel::Town => 0.7,
            KeyLevel::General => 0.3,
        };
        let scale = if self.rng.random_bool(above) { Scale::Above } else { Scale::Below };
        let road = ROADS.choose(&mut self.rng).expect("roads");
        let steward = self.towns[town].users.choose(&mut self.rng).expect("users").1.clone();
        Enterprise {
            id: String::new(),
            name,
            credit_code: code,
            township_id: self.towns[town].id.clone(),
            industry,
            scale,
            key_level,
            address: format!("示范区{}{}{}号", self.towns[town].name, road, self.rng.random_range(1..=399)),
            contact: person(&mut self.rng),
            phone: phone(&mut self.rng),
            steward,
        }
    }

    /// Who, what and where of one problem; `day` is the registration day.
    fn base(&mut self, day: usize, force_township: bool) -> Base {
        let cat =
            self.cats[pick_weighted(&mut self.rng, &self.cats.iter().map(|c| CATS[*c].weight).collect::<Vec<_>>())];
        let item = self.rng.random_range(0..CATS[cat].items.len());
        let source = [Source::Visit, Source::Forum, Source::Hotline, Source::Letter, Source::Other]
            [pick_weighted(&mut self.rng, &[50, 12, 15, 13, 10])];
        let by_township = force_township
            || match source {
                Source::Hotline => self.rng.random_bool(0.4),
                Source::Letter => self.rng.random_bool(0.5),
                _ => true,
            };
        let with_visit = match source {
            Source::Visit if by_township => Some(
                [VisitForm::OnSite, VisitForm::Phone, VisitForm::Online][pick_weighted(&mut self.rng, &[75, 15, 10])],
            ),
            Source::Forum if by_township => Some(VisitForm::Forum),
            _ => None,
        };
        // Key enterprises raise more problems; problems from visits need a visited enterprise.
        let weights: Vec<u32> = self
            .ents
            .iter()
            .map(|e| {
                if with_visit.is_some() && e.unvisited {
                    0
                } else {
                    match e.key {
                        KeyLevel::District => 4,
                        KeyLevel::Town => 3,
                        KeyLevel::General => 1,
                    }
                }
            })
            .collect();
        let ent = pick_weighted(&mut self.rng, &weights);
        let town = self.ents[ent].town;
        let registrar = if by_township { self.town_user(town) } else { self.office() };
        let priority =
            [Priority::Normal, Priority::Urgent, Priority::Major][pick_weighted(&mut self.rng, &[80, 13, 7])];
        let leader = match priority {
            Priority::Normal if self.rng.random_bool(0.8) => String::new(),
            _ => LEADERS.choose(&mut self.rng).expect("leaders").1.to_string(),
        };
        let it = &CATS[cat].items[item];
        let year = self.date(day).year();
        let description = fill(&mut self.rng, it.desc, year);
        let demand = fill(&mut self.rng, it.demand, year);
        let raised_offset = match source {
            Source::Visit | Source::Forum => 0,
            _ => self.rng.random_range(0..=3),
        };
        let pid = new_id(instant(self.date(day), 9 * 60));
        Base {
            pid,
            town,
            ent,
            registrar,
            by_township,
            source,
            cat,
            item,
            priority,
            description,
            demand,
            raised_offset,
            leader,
            with_visit,
            new_enterprise: None,
        }
    }

    fn handling_days(&self, b: &Base) -> usize {
        self.settings.handling_days(b.priority, CATS[b.cat].name) as usize
    }

    /// A natural fate, drawn at random.
    fn natural(&mut self, b: &Base, reg: usize) -> Knobs {
        let r = &mut self.rng;
        let mut k = Knobs::plain(reg);
        if b.by_township && b.priority == Priority::Normal && r.random_bool(0.10) {
            let satisfaction = [Satisfaction::Satisfied, Satisfaction::Basic, Satisfaction::Unsatisfied]
                [pick_weighted(r, &[70, 20, 10])];
            k.local = Some(LocalK {
                delay: r.random_range(0..=3),
                eval_delay: r.random_range(1..=3),
                satisfaction,
                close_delay: r.random_range(1..=5),
                assign_after: r.random_range(1..=2),
            });
        }
        k.assign_delay = pick_weighted(r, &[30, 55, 15]);
        k.supporters = pick_weighted(r, &[55, 33, 12]);
        if r.random_bool(0.09) {
            k.ret = Some(ReturnK {
                day_off: r.random_range(0..=1),
                rule_delay: pick_weighted(r, &[60, 40]),
                upheld: r.random_bool(0.5),
            });
        }
        k.sign_delay = [0, 1, 2, 3][pick_weighted(r, &[35, 50, 10, 5])];
        k.sign_urge = r.random_bool(0.6);
        k.opinions = (0..k.supporters)
            .map(|_| match pick_weighted(r, &[78, 14, 8]) {
                0 => Opinion::OnTime(r.random_range(0..=2)),
                1 => Opinion::Late(r.random_range(1..=4)),
                _ => Opinion::Waived,
            })
            .collect();
        k.ack_delay = r.random_range(0..=1);
        k.notes = match b.priority {
            Priority::Major => r.random_range(2..=4),
            _ => r.random_range(0..=3),
        };
        k.stage_reply = r.random_bool(0.3);
        k.supporter_note = r.random_bool(0.3);
        if r.random_bool(0.09) {
            k.ext = Some(ExtK {
                before: r.random_range(1..=5),
                extra: r.random_range(5..=10),
                approve: r.random_bool(0.75),
                rule_delay: r.random_range(0..=2),
            });
        }
        k.resolve = if r.random_bool(0.85) {
            Resolve::OnTime(0.35 + 0.65 * r.random::<f64>())
        } else {
            Resolve::Late(r.random_range(1..=9))
        };
        k.result = [ResultType::Solved, ResultType::Explained, ResultType::LongTerm][pick_weighted(r, &[80, 12, 8])];
        k.late_urges = r.random_bool(0.8);
        k.reminder_urge = r.random_bool(0.1);
        k.instruct = match b.priority {
            Priority::Major => r.random_bool(0.6),
            Priority::Urgent => r.random_bool(0.1),
            Priority::Normal => false,
        };
        if k.ext.is_none() && r.random_bool(0.035) {
            k.withdraw = Some(WithdrawK {
                after_sign: r.random_range(1..=3),
                rule_delay: r.random_range(1..=2),
                approve: r.random_bool(0.7),
            });
        }
        let mut eval = || EvalK {
            satisfaction: if r.random_bool(0.74) { Satisfaction::Satisfied } else { Satisfaction::Basic },
            delay: [1, 2, 3][pick_weighted(r, &[60, 25, 15])],
            by_office: r.random_bool(0.15),
        };
        let first = eval();
        k.evals = vec![first];
        if r.random_bool(0.08) {
            k.evals[0].satisfaction = Satisfaction::Unsatisfied;
            let second = EvalK {
                satisfaction: if r.random_bool(0.6) { Satisfaction::Basic } else { Satisfaction::Satisfied },
                delay: r.random_range(1..=3),
                by_office: r.random_bool(0.15),
            };
            k.evals.push(second);
        }
        k.reopen_resolve = if r.random_bool(0.85) {
            Resolve::OnTime(0.3 + 0.6 * r.random::<f64>())
        } else {
            Resolve::Late(r.random_range(1..=4))
        };
        k.close_delay = r.random_range(1..=6);
        k
    }

    /// Lays one fate out as dated steps.
    fn plan(&mut self, b: &Base, k: &Knobs) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        let pid = b.pid.clone();
        let st = self.settings;
        let (sign_days, objection_days, supporter_days) =
            (st.sign_days as usize, st.objection_days as usize, st.supporter_days as usize);
        let notice = st.extension_notice_days as usize;
        let red_days = st.red_days as usize;
        let h = self.handling_days(b);
        let cat = &CATS[b.cat];
        let item = &cat.items[b.item];
        let s_ = &mut steps;

        // Registration (with the visit it came from, if any).
        let r = k.reg;
        let reg_date = self.date(r);
        let mut visit_id = None;
        if let Some(form) = b.with_visit {
            let v = Visit {
                id: new_id(instant(reg_date, 9 * 60)),
                enterprise_id: self.ents[b.ent].id.clone(),
                township_id: self.towns[b.town].id.clone(),
                date: reg_date,
                visitors: self.visitors(b.town, &b.registrar),
                form,
                notes: self.pick(VISIT_NOTES),
            };
            visit_id = Some(v.id.clone());
            add(s_, r, 0, VISIT, &b.registrar, Command::RecordVisit { visit: v });
        }
        add(
            s_,
            r,
            0,
            REGISTER,
            &b.registrar,
            Command::Register {
                problem_id: pid.clone(),
                enterprise_id: if b.new_enterprise.is_some() { None } else { Some(self.ents[b.ent].id.clone()) },
                new_enterprise: b.new_enterprise.clone(),
                visit_id,
                source: b.source,
                category: cat.name.to_string(),
                description: b.description.clone(),
                demand: b.demand.clone(),
                raised_on: reg_date - Duration::days(b.raised_offset),
                priority: b.priority,
                responsible_leader: b.leader.clone(),
            },
        );

        let mut round = 0u32;
        let a_day;
        if let Some(l) = k.local {
            let ld = r + l.delay;
            let who = if b.by_township { b.registrar.clone() } else { self.town_user(b.town) };
            let result = self.result_text(cat);
            add(
                s_,
                ld,
                0,
                LOCAL,
                &who,
                Command::ResolveLocally { problem_id: pid.clone(), result_text: format!("经镇街协调，{result}") },
            );
            let e = ld + l.eval_delay.max(1);
            let evaluator = self.town_user(b.town);
            if l.satisfaction.is_positive() {
                add(
                    s_,
                    e,
                    0,
                    EVAL,
                    &evaluator,
                    Command::Evaluate {
                        problem_id: pid.clone(),
                        satisfaction: l.satisfaction,
                        comment: "企业对镇街就地解决结果认可".into(),
                    },
                );
                let office = self.office();
                add(
                    s_,
                    e + l.close_delay.max(1),
                    0,
                    CLOSE,
                    &office,
                    Command::Close {
                        problem_id: pid.clone(), note: "就地解决，回访满意，予以销号".into()
                    },
                );
                return finish(steps, k.cutoff, None);
            }
            add(
                s_,
                e,
                0,
                EVAL,
                &evaluator,
                Command::Evaluate {
                    problem_id: pid.clone(),
                    satisfaction: Satisfaction::Unsatisfied,
                    comment: "企业反映问题未根本解决，需提请区级部门协调".into(),
                },
            );
            round = 1;
            a_day = e + l.assign_after.max(1);
        } else {
            a_day = r + k.assign_delay;
        }

        // Assignment, and a return within the objection window now and then.
        let lead0 = self.dept(item.lead);
        let mut pool: Vec<usize> = cat.support.iter().map(|s| self.dept(s)).filter(|d| *d != lead0).collect();
        pool.shuffle(&mut self.rng);
        let mut sups: Vec<usize> = pool.into_iter().take(k.supporters).collect();
        let office = self.office();
        let request = self.request(lead0, &sups);
        add(s_, a_day, round, ASSIGN, &office, Command::Assign { problem_id: pid.clone(), request });
        let mut lead = lead0;
        let mut deadline = a_day + h;
        let mut sign_deadline = a_day + sign_days;
        let mut sup_base = a_day;
        let mut a_eff = a_day;
        if let Some(rt) = k.ret {
            let ret_day = a_day + rt.day_off.min(objection_days);
            let mut alt = self.dept(item.alt);
            if alt == lead0 {
                alt = self.dept(if lead0 == self.dept("发改局") { "工信局" } else { "发改局" });
            }
            let alt_name = self.depts[alt].short.clone();
            add(
                s_,
                ret_day,
                round,
                RETURN,
                &self.depts[lead0].login,
                Command::Return {
                    problem_id: pid.clone(),
                    reason: format!("该事项主要涉及{alt_name}职责，建议由{alt_name}牵头办理"),
                    proposed_unit_id: self.depts[alt].id.clone(),
                },
            );
            let rule_day = ret_day + rt.rule_delay;
            let office = self.office();
            if rt.upheld {
                add(
                    s_,
                    rule_day,
                    round,
                    RULE,
                    &office,
                    Command::RuleReturn {
                        problem_id: pid.clone(),
                        ruling: ReturnRuling::Uphold,
                        note: format!(
                            "经研究，该事项属{}职责范围，维持原交办，请抓紧签收办理",
                            self.depts[lead0].short
                        ),
                    },
                );
            } else {
                sups.retain(|s| *s != alt);
                add(
                    s_,
                    rule_day,
                    round,
                    RULE,
                    &office,
                    Command::RuleReturn {
                        problem_id: pid.clone(),
                        ruling: ReturnRuling::Reassign(self.request(alt, &sups)),
                        note: format!("退回理由成立，改由{alt_name}牵头办理"),
                    },
                );
                lead = alt;
                deadline = rule_day + h;
                sup_base = rule_day;
            }
            sign_deadline = rule_day + sign_days;
            a_eff = rule_day;
        }
        let lead_login = self.depts[lead].login.clone();

        // Signing, late now and then (with a reminder from the office).
        let s = a_eff + k.sign_delay;
        if k.sign_urge && sign_deadline + 1 < s {
            let office = self.office();
            add(
                s_,
                sign_deadline + 1,
                round,
                URGE,
                &office,
                Command::Urge {
                    problem_id: pid.clone(),
                    level: Escalation::Reminder,
                    notice: "已超过签收时限，请立即签收".into(),
                },
            );
        }
        add(
            s_,
            s,
            round,
            SIGN,
            &lead_login,
            Command::Sign { problem_id: pid.clone(), handler: self.depts[lead].person.clone() },
        );

        // Extension (asked at least the notice period before the deadline), then the day it
        // is resolved.
        let mut final_deadline = deadline;
        let mut earliest = s + 1;
        if let Some(x) = k.ext {
            let before = x.before.max(notice);
            if deadline >= s + before {
                let req = deadline - before;
                let rule = req + x.rule_delay;
                let new_deadline = deadline + x.extra;
                let reason = self.pick(&[
                    "涉及上级部门审批，预计无法按期办结",
                    "需多部门会商，申请延长办理时限",
                    "企业补充材料时间较长，申请延期",
                ]);
                add(
                    s_,
                    req,
                    round,
                    EXT_REQ,
                    &lead_login,
                    Command::RequestExtension {
                        problem_id: pid.clone(),
                        new_deadline: self.date(new_deadline),
                        reason,
                    },
                );
                let office = self.office();
                add(
                    s_,
                    rule,
                    round,
                    EXT_RULE,
                    &office,
                    Command::RuleExtension {
                        problem_id: pid.clone(),
                        approve: x.approve,
                        note: if x.approve {
                            "同意延期".into()
                        } else {
                            "延期理由不充分，请按原时限办结".into()
                        },
                    },
                );
                if x.approve {
                    final_deadline = new_deadline;
                }
                earliest = earliest.max(rule);
            }
        }
        let rr = resolve_day(k.resolve, earliest, final_deadline);

        // Supporters: acknowledge, then an opinion (sometimes late), or the office waives it.
        let sub_deadline = sup_base + supporter_days;
        for (i, sup) in sups.iter().enumerate() {
            let login = self.depts[*sup].login.clone();
            let unit_id = self.depts[*sup].id.clone();
            let kind = k.opinions.get(i).copied().unwrap_or(Opinion::OnTime(0));
            let settle = match kind {
                Opinion::OnTime(back) => sub_deadline.saturating_sub(back),
                Opinion::Late(n) => sub_deadline + n,
                Opinion::Waived => sub_deadline + 2,
            }
            .min(rr)
            .max(a_eff);
            let ack = (a_eff + k.ack_delay).min(settle);
            if !matches!(kind, Opinion::Waived) || i % 2 == 0 {
                add(s_, ack, round, ACK, &login, Command::Acknowledge { problem_id: pid.clone() });
            }
            if let Opinion::Waived = kind {
                let office = self.office();
                add(
                    s_,
                    settle,
                    round,
                    WAIVE,
                    &office,
                    Command::WaiveOpinion {
                        problem_id: pid.clone(),
                        unit_id,
                        reason: "配合单位逾期未反馈，经办公室核实不影响办理，免予协办意见".into(),
                    },
                );
            } else {
                let opinion = self.pick(OPINIONS);
                add(s_, settle, round, OPINION, &login, Command::SubmitOpinion { problem_id: pid.clone(), opinion });
            }
        }
        if k.supporter_note && !sups.is_empty() && rr > a_eff {
            let day = self.rng.random_range(a_eff..rr);
            let text = self.pick(SUPPORT_NOTES);
            add(
                s_,
                day,
                round,
                NOTE,
                &self.depts[sups[0]].login,
                Command::NoteProgress { problem_id: pid.clone(), text, stage_reply: false },
            );
        }
        self.notes(s_, &pid, &lead_login, round, s, rr, k.notes, k.stage_reply);

        // Urges: a reminder before the deadline, yellow the day after it, red after red_days.
        if k.reminder_urge && final_deadline > s && final_deadline - 1 <= rr {
            let office = self.office();
            add(
                s_,
                final_deadline - 1,
                round,
                URGE,
                &office,
                Command::Urge {
                    problem_id: pid.clone(),
                    level: Escalation::Reminder,
                    notice: "办理时限临近，请抓紧办理并及时报送结果".into(),
                },
            );
        }
        if k.late_urges {
            let office = self.office();
            urge_late(s_, &pid, &office, round, final_deadline, rr, red_days);
        }
        if k.instruct && rr > a_day {
            let day = self.rng.random_range(a_day..rr);
            let leader = self.pick(&[LEADERS[0].0, LEADERS[1].0]);
            add(
                s_,
                day,
                round,
                INSTRUCT,
                &leader,
                Command::Instruct {
                    problem_id: pid.clone(),
                    text: format!(
                        "请{}主要负责同志亲自过问，加强协调，务必按期办结并报告结果。",
                        self.depts[lead].short
                    ),
                },
            );
        }

        // Withdrawal: the township asks, the office rules before the item would be resolved.
        let mut stop = None;
        if let Some(w) = k.withdraw {
            let req = s + w.after_sign.max(1);
            let rule = req + w.rule_delay;
            if rule < rr {
                let who = self.town_user(b.town);
                let reason = self.pick(&[
                    "企业已自行解决，申请撤回",
                    "企业经营调整，该诉求不再存在",
                    "企业表示问题已通过其他渠道解决",
                ]);
                add(s_, req, round, WD_REQ, &who, Command::RequestWithdrawal { problem_id: pid.clone(), reason });
                let office = self.office();
                add(
                    s_,
                    rule,
                    round,
                    WD_RULE,
                    &office,
                    Command::RuleWithdrawal {
                        problem_id: pid.clone(),
                        approve: w.approve,
                        note: if w.approve {
                            "经电话回访企业核实，同意撤回".into()
                        } else {
                            "经回访核实，企业诉求仍然存在，不予撤回".into()
                        },
                    },
                );
                if w.approve {
                    stop = Some((rule, round, WD_RULE));
                }
            }
        }

        // Resolve, evaluate (不满意 reopens it to the same lead), close out.
        let mut rr = rr;
        let mut result = k.result;
        for (i, ev) in k.evals.iter().enumerate() {
            let (result_text, explanation) = match result {
                ResultType::Solved => (self.result_text(cat), String::new()),
                ResultType::Explained => ("已向企业书面答复并做好解释工作".to_string(), self.pick(EXPLANATIONS)),
                ResultType::LongTerm => (self.pick(LONG_TERM), String::new()),
            };
            add(
                s_,
                rr,
                round,
                RESOLVE,
                &lead_login,
                Command::Resolve { problem_id: pid.clone(), result_type: result, result_text, explanation },
            );
            let e = rr + ev.delay.max(1);
            let evaluator = if ev.by_office { self.office() } else { self.town_user(b.town) };
            let comment = match ev.satisfaction {
                Satisfaction::Unsatisfied => "企业反映问题未实际解决，要求重新办理",
                Satisfaction::Basic => "企业基本认可办理结果",
                Satisfaction::Satisfied => "企业对办理结果满意",
            };
            add(
                s_,
                e,
                round,
                EVAL,
                &evaluator,
                Command::Evaluate { problem_id: pid.clone(), satisfaction: ev.satisfaction, comment: comment.into() },
            );
            if ev.satisfaction.is_positive() {
                let office = self.office();
                add(
                    s_,
                    e + k.close_delay.max(1),
                    round,
                    CLOSE,
                    &office,
                    Command::Close { problem_id: pid.clone(), note: "经回访企业认可，予以销号".into() },
                );
                break;
            }
            if i + 1 == k.evals.len() {
                break;
            }
            // 重办: a fresh deadline counted from the evaluation.
            round += 1;
            let d2 = e + h;
            rr = resolve_day(k.reopen_resolve, e + 1, d2);
            result = ResultType::Solved;
            let n = self.rng.random_range(1..=2);
            self.notes(s_, &pid, &lead_login, round, e, rr, n, true);
            if k.late_urges {
                let office = self.office();
                urge_late(s_, &pid, &office, round, d2, rr, red_days);
            }
        }
        finish(steps, k.cutoff, stop)
    }

    fn request(&self, lead: usize, sups: &[usize]) -> AssignRequest {
        AssignRequest {
            lead_unit_id: self.depts[lead].id.clone(),
            handler: self.depts[lead].person.clone(),
            supporters: sups
                .iter()
                .map(|s| SupporterRequest { unit_id: self.depts[*s].id.clone(), sub_deadline: None })
                .collect(),
            sign_deadline: None,
            handling_deadline: None,
        }
    }

    fn pick(&mut self, texts: &[&str]) -> String {
        texts.choose(&mut self.rng).expect("a non-empty list").to_string()
    }

    fn result_text(&mut self, cat: &Cat) -> String {
        let t = self.pick(cat.results);
        fill(&mut self.rng, &t, self.year)
    }

    #[allow(clippy::too_many_arguments)]
    fn notes(
        &mut self,
        steps: &mut Vec<Step>,
        pid: &str,
        login: &str,
        round: u32,
        from: usize,
        to: usize,
        n: usize,
        stage: bool,
    ) {
        if to <= from {
            return;
        }
        let mut days: Vec<usize> = (0..n).map(|_| self.rng.random_range(from..to)).collect();
        days.sort();
        for (i, day) in days.into_iter().enumerate() {
            let stage_reply = stage && i == 0;
            let text = if stage_reply {
                format!(
                    "阶段性答复：相关工作正在推进，预计{}个工作日内办结，已向企业说明",
                    self.rng.random_range(3..=10)
                )
            } else {
                NOTES.choose(&mut self.rng).expect("notes").to_string()
            };
            steps.push(Step {
                day,
                round,
                rank: NOTE,
                login: login.to_string(),
                cmd: Command::NoteProgress { problem_id: pid.to_string(), text, stage_reply },
            });
        }
    }

    fn visitors(&mut self, town: usize, login: &str) -> String {
        let users = &self.towns[town].users;
        let me = users.iter().find(|u| u.0 == login).map(|u| u.1.clone()).unwrap_or_else(|| users[0].1.clone());
        if self.rng.random_bool(0.4) {
            let other = users.iter().find(|u| u.0 != login).map(|u| u.1.clone()).unwrap_or_default();
            format!("{me}、{other}")
        } else {
            me
        }
    }

    /// The plan of the `i`th natural problem, registered on day `reg`; the first `n_new` are
    /// companies new to the ledger, registered from a 12345 call in the same step.
    fn natural_plan(
        &mut self,
        reg: usize,
        i: usize,
        n_new: usize,
        names: &mut HashSet<String>,
        codes: &mut HashSet<String>,
    ) -> Vec<Step> {
        let mut b = self.base(reg, false);
        if i < n_new {
            b.source = Source::Hotline;
            b.with_visit = None;
            b.by_township = false;
            b.registrar = self.office();
            let code = if i == 0 {
                None
            } else {
                Some(loop {
                    let c = credit_code(&mut self.rng, false);
                    if codes.insert(c.clone()) {
                        break c;
                    }
                })
            };
            let mut e = self.new_enterprise(b.town, names, code);
            e.id = new_id(instant(self.date(reg), 9 * 60));
            e.key_level = KeyLevel::General;
            b.new_enterprise = Some(e);
        }
        let k = self.natural(&b, reg);
        self.plan(&b, &k)
    }

    /// An anchored fate: timed backwards from the end so that the situation is on screen at the
    /// end. `None` when the history is too short for it.
    fn anchor(&mut self, which: usize) -> Option<(Base, Knobs)> {
        let last = self.last as i64;
        let local = matches!(which, 1 | 41 | 42);
        let major = which == 19;
        // A provisional base to learn the handling limit; the registration day is fixed below.
        let mut b = self.base(self.last, local);
        b.priority = if major { Priority::Major } else { Priority::Normal };
        if major && b.leader.is_empty() {
            b.leader = LEADERS[0].1.to_string();
        }
        let h = self.handling_days(&b) as i64;
        // Registration day so that the handling deadline falls on `d` (assigned the next day).
        let reg_for = |d: i64| d - h - 1;
        let mut k = Knobs::plain(0);
        k.cutoff = Some(self.last);
        let reg: i64 = match which {
            // 待交办.
            0 | 2 | 3 => {
                k.assign_delay = 2;
                last - (which as i64 % 2)
            }
            // 就地解决 → 不满意 → back to 待交办 (reopened once).
            1 => {
                k.local = Some(LocalK {
                    delay: 0,
                    eval_delay: 1,
                    satisfaction: Satisfaction::Unsatisfied,
                    close_delay: 2,
                    assign_after: 2,
                });
                last - 2
            }
            // 待签收, not yet late.
            4 | 5 => last - 1,
            // 待签收 and overdue to sign (one reminded).
            6 | 7 => {
                k.sign_delay = 30;
                k.sign_urge = which == 6;
                last - 4 - (which as i64 - 6)
            }
            // 退回待裁定 (returned the day after assignment, or the same day).
            8 | 9 => {
                k.ret = Some(ReturnK { day_off: if which == 8 { 1 } else { 0 }, rule_delay: 1, upheld: true });
                if which == 8 {
                    last - 2
                } else {
                    last - 1
                }
            }
            // A return upheld / reassigned, now in progress.
            10 | 11 => {
                k.ret = Some(ReturnK { day_off: 1, rule_delay: 0, upheld: which == 10 });
                k.resolve = Resolve::OnTime(1.0);
                last - 7
            }
            // Due soon (提醒).
            12..=14 => {
                k.resolve = Resolve::Late(3);
                k.supporters = if which == 13 { 1 } else { 0 };
                k.opinions = vec![Opinion::OnTime(1)];
                reg_for(last + 1 + (which as i64 % 2))
            }
            // Yellow: overdue 0–2 working days before the end, one urged.
            15..=17 => {
                k.resolve = Resolve::Late(10);
                k.late_urges = which == 16;
                reg_for(last - (which as i64 - 15))
            }
            // Red by time (urged twice, or not urged, or a 重大 item with an instruction).
            18..=20 => {
                k.resolve = Resolve::Late(20);
                k.late_urges = which != 19;
                k.instruct = which == 19;
                k.notes = 3;
                k.stage_reply = true;
                reg_for(last - 6 - 2 * (which as i64 - 18))
            }
            // Red by two urges while only just overdue.
            21 => {
                k.resolve = Resolve::Late(10);
                k.late_urges = true;
                k.reminder_urge = true;
                reg_for(last - 1)
            }
            // Extension pending.
            22 | 23 => {
                let d = last + 4 + (which as i64 - 22);
                k.ext = Some(ExtK { before: (d - last) as usize, extra: 10, approve: true, rule_delay: 1 });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(d)
            }
            // Extension approved; the original deadline has passed, the new one has not.
            24 | 25 => {
                k.ext = Some(ExtK { before: 5, extra: 8, approve: true, rule_delay: 1 });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last - 1 + (which as i64 - 24))
            }
            // Extension refused, now overdue.
            26 => {
                k.ext = Some(ExtK { before: 3, extra: 8, approve: false, rule_delay: 1 });
                k.resolve = Resolve::Late(6);
                k.late_urges = true;
                reg_for(last - 2)
            }
            // A supporter overdue with its opinion (one of two supporters answered).
            27 | 28 => {
                k.supporters = which - 26;
                k.opinions =
                    if which == 27 { vec![Opinion::Late(40)] } else { vec![Opinion::Late(40), Opinion::OnTime(1)] };
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last + 5)
            }
            // A supporter's opinion waived by the office, still in progress.
            29 => {
                k.supporters = 1;
                k.opinions = vec![Opinion::Waived];
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last + 3)
            }
            // 已办结待评价.
            30..=32 => {
                let rr = last - (which as i64 % 2);
                k.resolve = Resolve::At(rr.max(0) as usize);
                k.result = [ResultType::Solved, ResultType::Explained, ResultType::LongTerm][which - 30];
                k.evals = vec![EvalK { satisfaction: Satisfaction::Satisfied, delay: 5, by_office: false }];
                k.supporters = if which == 30 { 1 } else { 0 };
                k.opinions = vec![Opinion::OnTime(0)];
                reg_for(last + 3)
            }
            // Evaluated 满意 / 基本满意, awaiting close-out.
            33..=35 => {
                k.resolve = Resolve::At((last - 3).max(0) as usize);
                let satisfaction = if which == 34 { Satisfaction::Basic } else { Satisfaction::Satisfied };
                k.evals = vec![EvalK { satisfaction, delay: 2 + (which % 2), by_office: which == 35 }];
                k.close_delay = 5;
                reg_for(last + 2)
            }
            // 不满意 → reopened, in progress again.
            36 | 37 => {
                k.resolve = Resolve::At((last - 8).max(0) as usize);
                k.evals = vec![
                    EvalK { satisfaction: Satisfaction::Unsatisfied, delay: 1, by_office: which == 37 },
                    EvalK { satisfaction: Satisfaction::Satisfied, delay: 1, by_office: false },
                ];
                k.reopen_resolve = Resolve::OnTime(1.0);
                reg_for(last - 4)
            }
            // Withdrawal asked, awaiting the office; withdrawn; refused.
            38..=40 => {
                let d = last + 5;
                let s = d - h + 1; // assigned at d - h, signed a day later
                let req = match which {
                    38 => last,
                    39 => last - 3,
                    _ => last - 4,
                };
                k.withdraw =
                    Some(WithdrawK { after_sign: (req - s).max(1) as usize, rule_delay: 1, approve: which == 39 });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(d)
            }
            // 就地解决, awaiting evaluation.
            41 => {
                k.local = Some(LocalK {
                    delay: 0,
                    eval_delay: 3,
                    satisfaction: Satisfaction::Satisfied,
                    close_delay: 2,
                    assign_after: 1,
                });
                last
            }
            // 就地解决 and closed.
            42 => {
                k.local = Some(LocalK {
                    delay: 1,
                    eval_delay: 1,
                    satisfaction: Satisfaction::Basic,
                    close_delay: 2,
                    assign_after: 1,
                });
                last - 10
            }
            // Signed late and resolved late, then closed.
            _ => {
                k.sign_delay = 3;
                k.sign_urge = true;
                k.resolve = Resolve::Late(4);
                k.late_urges = true;
                reg_for(last - 20)
            }
        };
        if reg < 0 {
            return None;
        }
        k.reg = reg as usize;
        // Redo the date-dependent parts of the base for the real registration day.
        b.pid = new_id(instant(self.date(k.reg), 9 * 60));
        Some((b, k))
    }
}

fn resolve_day(how: Resolve, earliest: usize, deadline: usize) -> usize {
    match how {
        Resolve::OnTime(f) if deadline > earliest => earliest + ((deadline - earliest) as f64 * f).round() as usize,
        Resolve::OnTime(_) => earliest,
        Resolve::Late(n) => (deadline + n).max(earliest),
        Resolve::At(d) => d.max(earliest),
    }
}

fn add(steps: &mut Vec<Step>, day: usize, round: u32, rank: u8, login: &str, cmd: Command) {
    steps.push(Step { day, round, rank, login: login.to_string(), cmd });
}

/// Number of anchored fates (see `Gen::anchor`).
const ANCHORS: usize = 44;

fn urge_late(
    steps: &mut Vec<Step>,
    pid: &str,
    office: &str,
    round: u32,
    deadline: usize,
    resolved: usize,
    red_days: usize,
) {
    if resolved > deadline {
        add(
            steps,
            deadline + 1,
            round,
            URGE,
            office,
            Command::Urge {
                problem_id: pid.to_string(),
                level: Escalation::Yellow,
                notice: "已超过办理时限，予以黄牌督办，请于3个工作日内办结并报送情况".into(),
            },
        );
    }
    if resolved >= deadline + red_days {
        add(
            steps,
            deadline + red_days,
            round,
            URGE,
            office,
            Command::Urge {
                problem_id: pid.to_string(),
                level: Escalation::Red,
                notice: format!("超期{red_days}个工作日以上仍未办结，予以红牌督办并通报"),
            },
        );
    }
}

/// Orders the steps and drops what never happens: after an approved withdrawal, or after the
/// cut-off day of an anchored fate.
fn finish(mut steps: Vec<Step>, cutoff: Option<usize>, stop: Option<(usize, u32, u8)>) -> Vec<Step> {
    steps.sort_by_key(|s| s.key());
    steps.retain(|s| cutoff.is_none_or(|c| s.day <= c) && stop.is_none_or(|k| s.key() <= k));
    steps
}

/// One command on the global clock.
struct Scheduled {
    at: DateTime<Utc>,
    group: usize,
    seq: usize,
    login: String,
    cmd: Command,
}

/// Steps in the order they happen: by time, then problem (its plan's number), then its order
/// in the plan.
struct Due(Scheduled);

impl Due {
    fn key(&self) -> (DateTime<Utc>, usize, usize) {
        (self.0.at, self.0.group, self.0.seq)
    }
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    /// Reversed: `BinaryHeap` pops its greatest, the clock wants the earliest.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.key().cmp(&self.key())
    }
}

/// The steps planned and not yet run, earliest first.
struct Clock {
    heap: BinaryHeap<Due>,
    end: DateTime<Utc>,
    /// Plans added so far (the next plan's group).
    groups: usize,
}

impl Clock {
    fn push(&mut self, s: Scheduled) {
        // Nothing is recorded after the demo's "now".
        if s.at <= self.end {
            self.heap.push(Due(s));
        }
    }

    /// One problem's plan on the clock: a time of day for each step, later steps of the
    /// same day a few minutes apart.
    fn add(&mut self, gen: &mut Gen<'_>, steps: Vec<Step>) {
        let group = self.groups;
        self.groups += 1;
        let mut prev: Option<(usize, u32)> = None;
        for (seq, st) in steps.into_iter().enumerate() {
            let minute = match prev {
                Some((d, m)) if d == st.day => (m + gen.rng.random_range(3..=40)).min(23 * 60 + 50),
                _ => gen.rng.random_range(9 * 60..=16 * 60 + 30),
            };
            prev = Some((st.day, minute));
            self.push(Scheduled { at: instant(gen.date(st.day), minute), group, seq, login: st.login, cmd: st.cmd });
        }
    }
}

/// Days of history per transaction when generating. Each command is still decided, appended
/// to the chain and folded exactly as `Ledger::execute` does; only the commit is shared, which
/// takes a 1M-problem ledger from hours to minutes (one WAL commit per command dominated). A
/// transaction as long as a problem's life also lets its events fold into one aggregate held
/// in memory and written back about once (`project::Projector`). Measured in days, not
/// commands, so that holds at every scale: transactions of 100,000 commands were a month of a
/// 100k district's history but three days of a 1M one, whose problems were then written back
/// ten times each (300k problems: 261 s in 100,000-command transactions, 187 s in
/// 1,000,000-command ones). The price is the WAL, which grows to the pages a window dirties.
const WINDOW_DAYS: i64 = 60;

/// Problems a generating transaction holds in memory (a few KB each): a 60-day window of a
/// 1M-problem district registers about 200,000, and with room for only 100,000 a fifth of the
/// generator went into writing problems back early and reading them again.
const HELD: usize = 250_000;

/// The generating connection's page cache (KiB), instead of the ledger's 64 MB: a window's
/// transaction reads pages it dirtied long before, and each one not in the cache is looked up
/// in a WAL of gigabytes (300k problems: 187 s with 64 MB, 178 s with 1 GB). Filled only as
/// pages are read, so a small district never uses it.
const GENERATOR_CACHE_KIB: i64 = 1024 * 1024;

/// `Ledger::execute` for a run of steps in one IMMEDIATE transaction: the same decide →
/// append → project as `execute_all`, but each step with its own actor and time. The steps
/// are taken as they come, so a long transaction holds none of its commands. All are recorded
/// or none; a refused step is a bug in the script and is returned as the error.
fn execute_steps(
    ledger: &mut Ledger,
    steps: impl Iterator<Item = Scheduled>,
    progress: &mut dyn FnMut(DateTime<Utc>),
) -> Result<()> {
    use rusqlite::TransactionBehavior;
    use std::collections::HashMap;
    use taizhang_core::workflow::{decide, Context};
    let device = ledger.device_id.clone();
    let tx = ledger.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut calendar = crate::read::calendar(&tx)?;
    let mut settings = crate::read::settings(&tx)?;
    // Demo users never change unit or role once created, so an actor read once stays true.
    let mut actors: HashMap<String, Actor> = HashMap::new();
    let projector = std::cell::RefCell::new(crate::project::Projector::with_capacity(&tx, HELD)?);
    // The time rule of the write path holds here too: the script runs on one clock.
    let mut latest = crate::clock::latest_event_time(&tx, &ledger.high_water, &taizhang_core::dates::DateRange::of(&settings))?;
    let mut day = None;
    for Scheduled { login, cmd, at: now, .. } in steps {
        if day != Some(local_date(now)) {
            day = Some(local_date(now));
            progress(now);
        }
        if !actors.contains_key(&login) {
            let actor = crate::read::actor(&tx, &login)?;
            actors.insert(login.clone(), actor);
        }
        let actor = &actors[&login];
        let ctx = Context { now, calendar: &calendar, settings: &settings };
        let decided = {
            let world = crate::world::SqlWorld::new(&tx, &projector);
            use taizhang_core::workflow::World;
            let problem_latest = cmd.problem_id().and_then(|id| world.problem(id)).map(|p| p.updated_at);
            taizhang_core::admit::check_time(now, latest, problem_latest, settings.clock_tolerance_seconds)?;
            latest = Some(latest.map_or(now, |l| l.max(now)));
            let decided = decide(&cmd, actor, &ctx, &world);
            world.into_result()?;
            decided
        };
        let bodies = decided.map_err(|e| {
            if cfg!(test) {
                eprintln!("demo step refused at {now} by {login}: {cmd:?}\n  -> {e}");
            }
            LedgerError::from(e)
        })?;
        for body in &bodies {
            crate::append::append(&tx, &mut projector.borrow_mut(), &device, &actor.user.id, now, body)?;
        }
        if bodies.iter().any(|b| {
            matches!(b, EventBody::CalendarYearSet { .. } | EventBody::CalendarDaySet { .. } | EventBody::SettingsChanged { .. })
        }) {
            calendar = crate::read::calendar(&tx)?;
            settings = crate::read::settings(&tx)?;
        }
    }
    projector.into_inner().finish(&tx)?;
    tx.commit()?;
    ledger.cache.borrow_mut().clear();
    Ok(())
}

/// Fills a freshly created ledger with the demo district. Every fact goes through
/// `Ledger::execute`; a refused step is a bug in the script and is returned as the error.
/// `progress(done, total)` counts the days of history generated.
pub fn generate(ledger: &mut Ledger, opts: &DemoOptions, progress: &mut dyn FnMut(usize, usize)) -> Result<DemoReport> {
    ledger.conn.pragma_update(None, "cache_size", -GENERATOR_CACHE_KIB)?;
    let report = generate_district(ledger, opts, progress);
    ledger.conn.pragma_update(None, "cache_size", crate::file::CACHE_SIZE_KIB)?;
    report
}

fn generate_district(ledger: &mut Ledger, opts: &DemoOptions, progress: &mut dyn FnMut(usize, usize)) -> Result<DemoReport> {
    let existing: i64 = ledger.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    if existing > 0 || ledger.units()?.len() > 1 {
        return Err(LedgerError::bad_input("ledger", "the demo district needs a freshly created ledger"));
    }
    let office_user = ledger
        .users()?
        .into_iter()
        .find(|u| u.role == Role::Office && u.active)
        .ok_or_else(|| LedgerError::bad_input("ledger", "no office user"))?;
    let office_unit = office_user.unit_id.clone();
    let admin = office_user.login.clone();
    let calendar = ledger.calendar()?;
    let settings = ledger.settings()?;
    let end_date = local_date(opts.end);
    let start_date = opts.start_date();
    let days = Days::new(&calendar, start_date, end_date + Duration::days(730));
    let after_end = days.index_from(end_date);
    if after_end < 30 {
        return Err(LedgerError::bad_input("days", "the history is too short"));
    }
    let last = after_end - 1;
    let cats: Vec<usize> = (0..CATS.len()).filter(|c| settings.categories.iter().any(|x| x == CATS[*c].name)).collect();
    if cats.is_empty() {
        return Err(LedgerError::bad_input("categories", "none of the demo categories is in the settings"));
    }
    let rng = StdRng::seed_from_u64(opts.seed);

    // --- Units, users, enterprises: on the morning of the first day ------------------------
    let setup_at = instant(days.date(0), 8 * 60);
    let mut setup: Vec<(String, Command)> = Vec::new();
    let mut towns = Vec::new();
    for (name, short, users) in TOWNS {
        let id = new_id(setup_at);
        setup.push((
            admin.clone(),
            Command::CreateUnit {
                unit_id: id.clone(),
                name: name.to_string(),
                short_name: short.to_string(),
                kind: UnitKind::Township,
            },
        ));
        towns.push(Town {
            id,
            name: name.to_string(),
            short: short.to_string(),
            users: users.iter().map(|(l, n)| (l.to_string(), n.to_string())).collect(),
        });
    }
    let mut depts = Vec::new();
    for (name, short, login, person) in DEPTS {
        let id = new_id(setup_at);
        setup.push((
            admin.clone(),
            Command::CreateUnit {
                unit_id: id.clone(),
                name: name.to_string(),
                short_name: short.to_string(),
                kind: UnitKind::Department,
            },
        ));
        depts.push(Dept { id, short: short.to_string(), login: login.to_string(), person: person.to_string() });
    }
    let leadership = new_id(setup_at);
    setup.push((
        admin.clone(),
        Command::CreateUnit {
            unit_id: leadership.clone(),
            name: "区政府领导".into(),
            short_name: "区领导".into(),
            kind: UnitKind::Leadership,
        },
    ));
    let user = |login: &str, name: &str, unit: &str, role: Role| Command::CreateUser {
        user_id: new_id(setup_at),
        login: login.to_string(),
        name: name.to_string(),
        unit_id: unit.to_string(),
        role,
    };
    for (login, name) in OFFICE_USERS {
        setup.push((admin.clone(), user(login, name, &office_unit, Role::Office)));
    }
    for (login, name) in LEADERS {
        setup.push((admin.clone(), user(login, name, &leadership, Role::Leader)));
    }
    for t in &towns {
        for (login, name) in &t.users {
            setup.push((admin.clone(), user(login, name, &t.id, Role::Township)));
        }
    }
    for d in &depts {
        setup.push((admin.clone(), user(&d.login, &d.person, &d.id, Role::Department)));
    }

    let mut gen =
        Gen { rng, days, last, settings: &settings, towns, depts, ents: Vec::new(), cats, year: end_date.year() };
    let n_new = (opts.problems / 90).min(6);
    let n_ents = (120usize.saturating_sub(n_new)).max(20);
    let bad_codes = [7usize, 43];
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for i in 0..n_ents {
        let town = pick_weighted(&mut gen.rng, TOWN_WEIGHTS);
        let code = loop {
            let c = credit_code(&mut gen.rng, bad_codes.contains(&i));
            if codes.insert(c.clone()) {
                break c;
            }
        };
        let mut e = gen.new_enterprise(town, &mut names, Some(code));
        e.id = new_id(setup_at);
        let unvisited = e.key_level.is_key() && gen.rng.random_bool(0.14);
        gen.ents.push(Ent { id: e.id.clone(), town, key: e.key_level, unvisited });
        let by = gen.towns[town].users[0].0.clone();
        setup.push((by, Command::CreateEnterprise { enterprise: e }));
    }

    // --- Visits without a problem, for the coverage figures ---------------------------------
    let mut visits: Vec<(usize, String, Visit)> = Vec::new();
    let n_visits = 150 * opts.problems.max(100) / 520;
    let weights: Vec<u32> = gen
        .ents
        .iter()
        .map(|e| {
            if e.unvisited {
                0
            } else {
                match e.key {
                    KeyLevel::District => 5,
                    KeyLevel::Town => 4,
                    KeyLevel::General => 1,
                }
            }
        })
        .collect();
    for _ in 0..n_visits {
        let day = gen.rng.random_range(0..=last);
        let ent = pick_weighted(&mut gen.rng, &weights);
        let town = gen.ents[ent].town;
        let login = gen.town_user(town);
        let form = [VisitForm::OnSite, VisitForm::Forum, VisitForm::Phone, VisitForm::Online]
            [pick_weighted(&mut gen.rng, &[60, 15, 15, 10])];
        let visit = Visit {
            id: new_id(instant(gen.date(day), 9 * 60)),
            enterprise_id: gen.ents[ent].id.clone(),
            township_id: gen.towns[town].id.clone(),
            date: gen.date(day),
            visitors: gen.visitors(town, &login),
            form,
            notes: VISIT_NOTES.choose(&mut gen.rng).expect("notes").to_string(),
        };
        visits.push((day, login, visit));
    }

    // --- One clock ------------------------------------------------------------------------
    // A problem's steps are planned on the day it is registered, not all at the start: only
    // the steps of the problems under way are held (a 1M-problem district planned whole held
    // about 11 GB of commands). Every step of a problem is on or after its registration day,
    // so the steps before the next registration day are final and run in time order.
    let mut clock = Clock { heap: BinaryHeap::new(), end: opts.end, groups: 0 };
    for which in 0..ANCHORS.min(opts.problems) {
        if let Some((b, k)) = gen.anchor(which) {
            let steps = gen.plan(&b, &k);
            clock.add(&mut gen, steps);
        }
    }
    let anchors = clock.groups;
    let first_visit_group = opts.problems + ANCHORS;
    for (i, (day, login, visit)) in visits.into_iter().enumerate() {
        let minute = gen.rng.random_range(9 * 60..=17 * 60);
        clock.push(Scheduled {
            at: instant(gen.date(day), minute),
            group: first_visit_group + i,
            seq: 0,
            login,
            cmd: Command::RecordVisit { visit },
        });
    }
    // The natural problems by registration day (and their draw, so a seed gives one district).
    let mut natural: Vec<(usize, usize)> =
        (0..opts.problems - anchors).map(|i| (gen.rng.random_range(0..=last), i)).collect();
    natural.sort_unstable();
    let mut natural = natural.into_iter().peekable();

    // Progress counts days of history: the number of steps is known only once all are planned.
    let total = (end_date - start_date).num_days().max(1) as usize;
    let day_of = |at: DateTime<Utc>| ((local_date(at) - start_date).num_days().max(0) as usize).min(total);
    progress(0, total);
    let setup_steps = setup.into_iter().enumerate().map(|(i, (login, cmd))| Scheduled {
        at: setup_at + Duration::seconds(i as i64),
        group: 0,
        seq: i,
        login,
        cmd,
    });
    execute_steps(ledger, setup_steps, &mut |_| {})?;
    // The next step in time order, once every problem registered on or before its day is
    // planned.
    let mut next_step = || -> Option<Scheduled> {
        loop {
            let next_reg = natural.peek().map(|(reg, _)| *reg);
            let next_at = clock.heap.peek().map(|s| s.0.at);
            match (next_reg, next_at) {
                (Some(reg), Some(at)) if local_date(at) < gen.date(reg) => break,
                (Some(_), _) => {
                    let (reg, i) = natural.next().expect("peeked");
                    let steps = gen.natural_plan(reg, i, n_new, &mut names, &mut codes);
                    clock.add(&mut gen, steps);
                }
                (None, _) => break,
            }
        }
        clock.heap.pop().map(|d| d.0)
    };
    // One transaction per WINDOW_DAYS of history, fed step by step.
    let mut first = next_step();
    while let Some(step) = first.take() {
        let window_end = local_date(step.at) + Duration::days(WINDOW_DAYS);
        let window = std::iter::once(step).chain(std::iter::from_fn(|| {
            let s = next_step()?;
            if local_date(s.at) < window_end {
                Some(s)
            } else {
                first = Some(s);
                None
            }
        }));
        execute_steps(ledger, window, &mut |at| progress(day_of(at), total))?;
    }
    progress(total, total);

    let units = ledger.units()?;
    let events: i64 = ledger.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let problems: i64 = ledger.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    Ok(DemoReport {
        townships: units.iter().filter(|u| u.kind == UnitKind::Township).count(),
        departments: units.iter().filter(|u| u.kind == UnitKind::Department).count(),
        users: ledger.users()?.len(),
        enterprises: ledger.enterprises()?.len(),
        visits: ledger.visits()?.len(),
        problems: problems as usize,
        events,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::{PageRequest, ProblemFilter, Sort};

    /// Monday 2026-06-15, 10:00 Beijing time.
    fn end() -> DateTime<Utc> {
        instant(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(), 10 * 60)
    }

    fn run(opts: &DemoOptions) -> (Ledger, DemoReport) {
        let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
        let mut calls = 0;
        let mut last_done = 0;
        let report = generate(&mut ledger, opts, &mut |done, total| {
            assert!(done <= total && done >= last_done);
            last_done = done;
            calls += 1;
        })
        .unwrap();
        assert!(calls > 2, "progress is reported");
        (ledger, report)
    }

    fn count(ledger: &Ledger, f: ProblemFilter, now: DateTime<Utc>) -> u64 {
        ledger.list_problems(&f, Sort::default(), PageRequest { offset: 0, limit: 1 }, now).unwrap().total
    }

    fn distribution(ledger: &Ledger) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for p in crate::read::all_problems(ledger.connection()).unwrap() {
            *m.entry(p.status.label_zh()).or_insert(0) += 1;
        }
        m
    }

    /// Every state and situation the product has to show is in the demo at its end.
    fn check(ledger: &mut Ledger, opts: &DemoOptions, report: &DemoReport) {
        let now = opts.end;
        assert_eq!(report.problems, opts.problems);
        assert_eq!(report.townships, 6);
        assert!(report.departments >= 15);
        assert!(report.enterprises >= 100, "{report:?}");
        assert!(report.visits >= 100, "{report:?}");
        for &s in Status::ALL {
            let n = count(ledger, ProblemFilter { statuses: vec![s], ..Default::default() }, now);
            assert!(n > 0, "no problem is {}", s.label_zh());
        }
        for level in [Escalation::Reminder, Escalation::Yellow, Escalation::Red] {
            let n = count(ledger, ProblemFilter { escalation: Some(level), ..Default::default() }, now);
            assert!(n > 0, "no problem at level {}", level.label_zh());
        }
        assert!(count(ledger, ProblemFilter { overdue: Some(true), ..Default::default() }, now) >= 5);
        let rows = ledger
            .list_problems(&ProblemFilter::default(), Sort::default(), PageRequest { offset: 0, limit: 1000 }, now)
            .unwrap()
            .rows;
        assert!(rows.iter().any(|r| r.lateness.sign_overdue), "overdue to sign");
        assert!(rows.iter().any(|r| r.lateness.days_overdue >= 5), "5+ working days overdue");
        assert!(rows.iter().any(|r| r.extension_pending), "extension pending");
        assert!(rows.iter().any(|r| r.withdrawal_pending), "withdrawal pending");

        let all = crate::read::all_problems(ledger.connection()).unwrap();
        let any = |what: &str, f: &dyn Fn(&Problem) -> bool| assert!(all.iter().any(f), "no problem with {what}");
        any("an upheld return", &|p| p.returns.iter().any(|r| r.upheld == Some(true)));
        any("a reassignment", &|p| p.assignments.iter().any(|a| a.reassigned));
        any("an approved extension", &|p| p.extensions.iter().any(|e| e.approved == Some(true)));
        any("a refused extension", &|p| p.extensions.iter().any(|e| e.approved == Some(false)));
        any("a reopening", &|p| p.reopen_count > 0);
        any("a reopened item in progress", &|p| p.reopen_count > 0 && p.status == Status::InProgress);
        any("a reopened item closed", &|p| p.reopen_count > 0 && p.status == Status::Closed);
        any("a local resolution", &|p| p.resolutions.iter().any(|r| r.unit_id.is_none()));
        any("a local resolution sent back", &|p| p.reopen_count > 0 && p.status == Status::Registered);
        any("a late signature", &|p| p.signs.iter().any(|s| !s.on_time));
        any("a late resolution", &|p| p.resolutions.iter().any(|r| !r.on_time));
        any("two urges", &|p| p.urges.len() >= 2);
        any("one urge", &|p| p.urges.len() == 1 && p.status == Status::InProgress);
        any("awaiting evaluation", &|p| p.status == Status::Resolved && p.evaluation.is_none());
        any("awaiting close-out", &|p| p.status == Status::Resolved && p.evaluation.is_some());
        any("a 基本满意", &|p| p.evaluation == Some(Satisfaction::Basic));
        any("a waived opinion", &|p| {
            p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| s.waived_reason.is_some()))
        });
        any("a supporter opinion", &|p| {
            p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| s.opinion.is_some()))
        });
        any("an unsettled supporter", &|p| {
            p.status == Status::InProgress
                && p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| !s.is_settled()))
        });
        any("a 重大 item", &|p| p.priority == Priority::Major);
        any("an explained result", &|p| p.resolutions.iter().any(|r| r.result_type == ResultType::Explained));
        any("a long-term result", &|p| p.resolutions.iter().any(|r| r.result_type == ResultType::LongTerm));

        let conn = ledger.connection();
        let kinds = |kind: &str| -> i64 {
            conn.query_row("SELECT count(*) FROM events WHERE kind = ?1", [kind], |r| r.get(0)).unwrap()
        };
        for kind in ["instructed", "progress_noted", "withdrawal_ruled", "support_acknowledged", "visit_recorded"] {
            assert!(kinds(kind) > 0, "no {kind} event");
        }
        let stage: i64 = conn
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'progress_noted' AND payload LIKE '%\"stage_reply\":true%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(stage > 0, "no stage reply");
        // Two credit codes with a wrong check character (accepted with a warning).
        let bad: i64 =
            conn.query_row("SELECT count(*) FROM enterprises WHERE credit_code_ok = 0", [], |r| r.get(0)).unwrap();
        assert_eq!(bad, 2);
        // Coverage of key enterprises is high but not complete.
        let ents = ledger.enterprises().unwrap();
        let visited: HashSet<String> = ledger.visits().unwrap().into_iter().map(|v| v.enterprise_id).collect();
        let key: Vec<&Enterprise> = ents.iter().filter(|e| e.key_level.is_key()).collect();
        let covered = key.iter().filter(|e| visited.contains(&e.id)).count();
        assert!(covered < key.len() && covered * 2 > key.len(), "coverage {covered}/{}", key.len());

        // One clock: times never go backwards, and nothing is after the end.
        let times: Vec<String> = conn
            .prepare("SELECT occurred_at FROM events ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|t| t.unwrap())
            .collect();
        let times: Vec<DateTime<Utc>> =
            times.iter().map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "event times go backwards");
        assert!(*times.last().unwrap() <= opts.end);

        assert!(ledger.verify().unwrap().ok);
        assert!(ledger.rebuild().unwrap().equal);
    }

    #[test]
    fn demo_shows_every_situation() {
        let opts = DemoOptions { problems: 200, end: end(), ..Default::default() };
        let (mut ledger, report) = run(&opts);
        check(&mut ledger, &opts, &report);
    }

    #[test]
    fn demo_ending_on_a_weekend_evening() {
        // Saturday 2026-05-30, 21:00: the last working day is Friday.
        let end = instant(NaiveDate::from_ymd_opt(2026, 5, 30).unwrap(), 21 * 60);
        let opts = DemoOptions { problems: 200, seed: 7, end, ..Default::default() };
        let (mut ledger, report) = run(&opts);
        check(&mut ledger, &opts, &report);
    }

    #[test]
    fn demo_ending_early_on_a_working_morning() {
        // Wednesday 2026-03-04, 07:30: nothing happens on the last day itself.
        let end = instant(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(), 7 * 60 + 30);
        let opts = DemoOptions { problems: 150, seed: 99, end, days: 120 };
        let (mut ledger, report) = run(&opts);
        check(&mut ledger, &opts, &report);
    }

    #[test]
    fn same_seed_same_distribution() {
        let opts = DemoOptions { problems: 120, seed: 11, end: end(), ..Default::default() };
        let (a, ra) = run(&opts);
        let (b, rb) = run(&opts);
        assert_eq!(ra, rb);
        assert_eq!(distribution(&a), distribution(&b));
    }

    #[test]
    fn refuses_a_used_ledger() {
        let opts = DemoOptions { problems: 60, end: end(), ..Default::default() };
        let (mut ledger, _) = run(&opts);
        assert!(generate(&mut ledger, &opts, &mut |_, _| {}).is_err());
    }

    #[test]
    fn full_size_demo() {
        let opts = DemoOptions { end: end(), ..Default::default() };
        let t = std::time::Instant::now();
        let (mut ledger, report) = run(&opts);
        let took = t.elapsed();
        eprintln!("demo: {report:?} in {took:?}");
        eprintln!("final states: {:?}", distribution(&ledger));
        check(&mut ledger, &opts, &report);
    }
}
