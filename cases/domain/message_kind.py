"""Rules that tell what kind of message this is: accusation, claim, enquiry or suggestion.

An accusation (检举控告) needs two things: an identifiable target — a person (周某, 王科长, 姓陈的同志,
Director Zhang) or a unit (XX有限公司, a quoted company name, 某公司) — and wrongdoing (受贿, 回扣,
违规兼职, 利益输送, 请查处 …). Either alone is not enough: "感谢张处长" names a person, "干部收钱办事的风气
要刹住" complains of graft, and neither is an accusation. Sealing is costly when wrong but a missed
accusation reaches the accused department, so the rules lean towards recall.

All functions take text already passed through :func:`cases.domain.textnorm.normalise`, except
where they say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.domain.textnorm import TermMatcher, parse_weighted

# The common surnames (百家姓 by frequency) — enough to recognise 王科长, 周某, 姓陈的.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_TITLES = (
    "副处长|处长|副科长|科长|副主任|主任|副局长|局长|副书记|书记|总经理|副经理|经理|总监|主管|董事长|"
    "副部长|部长|组长|队长|站长|所长|院长|秘书长|老板|老总|总|同志|领导|干部|主席|厂长|行长"
)
_S = f"[{_SURNAMES}]"

# (pattern, weight): how surely the pattern names someone identifiable.
_TARGETS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"{_S}某某?"), 1.0),  # 周某, 刘某某
    (re.compile(rf"姓{_S}"), 1.0),  # 一位姓陈的同志, 姓胡额科长
    (re.compile(rf"{_S}姓"), 1.0),  # 赵姓副处长
    (re.compile(rf"{_S}(?:{_TITLES})"), 1.0),  # 王科长, 陈经理
    (re.compile(r"[\u4e00-\u9fff]{2,12}(?:有限责任公司|有限公司|股份公司|集团)"), 1.0),
    # A quoted name that looks like a company, or any quoted name after a role word.
    (re.compile(r"[“\"「'‘][^”\"」'’]{2,15}(?:公司|科技|置业|物业|发展|人力资源|咨询|集团|商业中心|物流园|"
                r"园林|管理|贸易|实业|地产|传播|智联|会所)[”\"」'’]"), 1.0),
    (re.compile(r"(?:承建方|运营方|开发商|认养企业|中标单位|供应商|承包商|公司|企业|老板)"
                r"[“\"「][^”\"」]{2,15}[”\"」]"), 1.0),
    (re.compile(r"某(?:公司|企业|开发商|物业|中心|处室?|科室?)|某位?(?:分管)?领导|某某"), 0.7),
    # A role inside a named unit is identifiable too: 规划处一位副处长, 负责审核的同志, 公司负责人.
    (re.compile(r"[\u4e00-\u9fff]{1,8}(?:处|科|室|中心|办公室|部门|单位)的?(?:一位|一名|某位|这位|那位|某)?"
                r"(?:副?处长|副?科长|副?主任|领导|干部|经办人|负责人|工作人员|同志)"), 0.8),
    (re.compile(r"负责[\u4e00-\u9fff]{1,10}的(?:一位|一名|某位)?(?:领导|干部|同志|工作人员|副?处长|副?科长|"
                r"副?主任|经理)"), 0.8),
    (re.compile(r"(?:公司|企业|开发商|单位|集团)的?(?:老总|老板|负责人|法人|董事长)|经办人|承办人|审批人|"
                r"分管领导|一把手"), 0.8),
    (re.compile(r"(?:有位|有个|有一位|有名|一位|一名)[\u4e00-\u9fff]{0,4}(?:处长|科长|主任|书记|局长|领导|干部|"
                r"指导员|专员|科员|经理)"), 0.8),
    (re.compile(r"某[\u4e00-\u9fff]{1,4}的"), 0.7),  # 某街镇的…, 某项目的…
    (re.compile(r"(?<![a-z])(?:mr|mrs|ms|miss|director|manager|chief|officer|head|secretary)\.? "
                r"(?:zhang|wang|li|liu|chen|yang|zhao|huang|zhou|wu|xu|sun|hu|zhu|gao|lin|he|guo|ma|luo|"
                r"zheng|liang|xie|song|tang|han|feng|deng|cao|peng|zeng|xiao|tian|dong|pan|yuan|cai|jiang|"
                r"yu|du|ye|cheng|wei|su|lu|ding|ren|shen|yao|cui|qian|qin)(?![a-z])"), 1.0),
    (re.compile(r"(?<![a-z])(?:co\.?,? ?ltd|ltd|inc|company named)(?![a-z])"), 0.8),
)

# Wrongdoing and requests to investigate, with how strongly each says "someone did wrong".
_WRONGDOING = (
    "举报:2 实名举报:3 实名反映:2.5 检举:2.5 控告:2.5 揭发:2.5 受贿:3 行贿:3 索贿:3 索要:2 贪污:3 "
    "腐败:1.5 回扣:3 好处费:3 好处:1 红包:2 礼金:2 购物卡:2 宴请:2 吃请:2 收钱:2.5 收了:1 收受:2.5 "
    "利益输送:3 权钱交易:3 以权谋私:3 吃拿卡要:3 挪用:3 侵占:3 中饱私囊:3 装进自己口袋:3 造假:2.5 "
    "摆拍:1.5 围标:2.5 串标:2.5 暗箱操作:2.5 暗箱:2 走后门:2.5 开后门:2.5 打了招呼:2 打招呼:1.5 "
    "违规兼职:2.5 兼职:1 当顾问:1.5 顾问费:2 监事:1 低于市场价:2.5 亲戚:2 亲属:2 老婆:2 妻子:2 丈夫:2 "
    "弟弟:1.5 哥哥:1.5 侄子:2 小舅子:2 表哥:2 表弟:2 表姐:2 表妹:2 堂哥:2 堂弟:2 姐夫:2 妹夫:2 连襟:2 "
    "女婿:2 儿子:1.5 女儿:1.5 家属:1.5 家人:1.5 亲家:2 舅舅:2 外甥:2 岳父:2 不然:0.5 否则:0.5 别想:1.5 "
    "卡着不批:2 刁难:1.5 转包:2 违法分包:2 吃过饭:1.5 吃饭:0.5 干股:3 入股:2 占股:2 代持:2.5 分红:1 "
    "老部下:1.5 同学:1.5 关系密切:1.5 明码标价:2.5 包办:1 查处:2 核查:1 核实:1 纪检:1.5 违规:2 违法:2 "
    "私下:1 签字:0.5 走了过场:1 揩油:2 名义:1 赚钱:1 勾结:2.5 串通:2.5 虚报:2.5 套取:3 骗取:3 冒领:3 "
    "侵吞:3 贪占:3 私分:3 小金库:3 公车私用:3 公车:1.5 名表:2 名烟名酒:2 礼品卡:2 消费卡:2 受礼:2.5 "
    "收礼:2.5 送礼:2 收红包:2.5 公款:2 公款吃喝:3 大吃大喝:2 虚开发票:3 假发票:2.5 吃空饷:3 以权压人:2 "
    "打击报复:3 敲诈:3 勒索:3 失职:2 渎职:3 玩忽职守:3 滥用职权:3 违纪:2.5 违反纪律:2.5 插手:2 干预:1.5 "
    "内定:2.5 量身定做:2 泄露:2 透露标底:3 萝卜招聘:3 任人唯亲:2.5 买官:3 跑官:3 赌博:2.5 擅自:1 "
    "利用职权:3 利用职务:2.5 职务便利:2.5 职权:1 谋私:2.5 私利:2 搞定:1.5 走关系:2 托关系:2 找关系:1.5 "
    "疏通:2 摆平:2 摊派:2.5 赞助:1 拖着不办:1.5 asked_us_for:2 asked_for_money:3 collu*:2.5 fraud*:3 "
    "misappropriat*:3 abuse_of_power:3 nepotism:3 rigged:2.5 fake_invoice*:3 brib*:3 kickback*:3 "
    "gift*:1.5 shopping_card*:2 embezzl*:3 corrupt*:2 accepted:1 report_that:2 cash:2 took_money:2.5 "
    "paid_off:2.5 under_the_table:3 relative*:1.5 cousin*:2 wife:2 husband:2 brother_in_law:2 "
    "in_exchange:1.5 favour*:1 shares:1.5"
)

SERIOUS_WRONGDOING = 3.0
_OFFICIAL = re.compile(r"管委会|干部|领导|工作人员|公职人员|[处科]长|主任|书记|经办人|负责人|官员|"
                       r"(?<![a-z])(?:officials?|staff|officer)(?![a-z])")

# Taking money, however phrased: 收了我们两万块, 收取…服务费, 拿了五千元.
_TAKING_MONEY = re.compile(
    r"(?:收了|收取|收过|拿了|拿过|要了|索要)[^。，,；;]{0,10}(?:钱|费|[万千百]块|[万千百]?元)"
)
_TAKING_MONEY_WEIGHT = 2.0

_QUESTION = re.compile(
    r"请问|能否告知|能否|是否|能不能|可不可以|怎么办|怎么|如何|哪里|哪个|哪些|什么时候|几点|"
    r"多少|多久|吗[?？。]?|[?？]|哪能|啥辰光|伐[?？]|(?<![a-z])(?:where|when|how|what|can i)(?![a-z])"
)
_COMPLAINT = re.compile(r"建议|希望|应该|应当|要求|必须|不能|太[^阳]|没人管|不管|乱|差|不满|投诉|反映|为什么|"
                        r"怎么能|凭什么|不合理|不公|违规|整改|请查|查处|严肃|就完了|难道|有啥用|名不副实|"
                        r"please (?:publish|fix|stop)|should")
_CLAIM = re.compile(r"赔偿|补偿|退还|退款|退钱|退押金|返还|申诉|复议|我的[^。，,]{0,12}被|我被|被扣|被罚|"
                    r"权益怎么保障|权益[^。]{0,6}保障|打水漂|拖欠|欠我|要求退|refund|compensat")


_WRONG = TermMatcher(parse_weighted(_WRONGDOING))


@dataclass(frozen=True)
class AccusationCheck:
    """The verdict with its evidence: who is named and which wrongdoing words were found."""

    accusation: bool
    targets: tuple[str, ...]
    wrongdoing: tuple[str, ...]


def check_accusation(text: str) -> AccusationCheck:
    """Whether the (normalised) text accuses an identifiable person or unit of wrongdoing."""
    targets: list[str] = []
    target_weight = 0.0
    for pattern, weight in _TARGETS:
        for match in pattern.finditer(text):
            targets.append(match.group(0))
            target_weight = max(target_weight, weight)
    wrong = list(dict.fromkeys(_WRONG.find(text)))
    wrong_weight = sum(_WRONG.terms[w] for w in wrong)
    money = _TAKING_MONEY.search(text)
    if money:
        wrong.append(money.group(0))
        wrong_weight += _TAKING_MONEY_WEIGHT
    # A certain target needs one clear wrongdoing word; a vague one (某领导) needs more. Serious
    # wrongdoing said of officials in general also counts: a missed accusation would reach the
    # department it accuses, a false alarm only costs the discipline group a look.
    accusation = (bool(targets) and target_weight * wrong_weight >= 2.0) or (
        wrong_weight >= SERIOUS_WRONGDOING and _OFFICIAL.search(text) is not None
    )
    return AccusationCheck(accusation, tuple(dict.fromkeys(targets)), tuple(wrong))


def is_claim(text: str) -> bool:
    """Whether the (normalised) text asks for something for the writer personally (申诉求决)."""
    return _CLAIM.search(text) is not None


def is_enquiry(text: str) -> bool:
    """Whether the (normalised) text only asks a question, with no complaint or proposal."""
    return _QUESTION.search(text) is not None and _COMPLAINT.search(text) is None


def message_kind(text: str, *, accusation: bool, out_of_scope: bool) -> str:
    """The case kind: accusation, out_of_scope, claim, enquiry or suggestion (in that order)."""
    if accusation:
        return "accusation"
    if out_of_scope:
        return "out_of_scope"
    if is_claim(text):
        return "claim"
    if is_enquiry(text):
        return "enquiry"
    return "suggestion"
