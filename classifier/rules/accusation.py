"""Rules that tell whether a message is an accusation (检举控告).

An accusation (检举控告) accuses an identifiable person or unit of wrongdoing, so it is scored as
**wrongdoing × target**:

* *wrongdoing* — a weighted vocabulary of misconduct (graft, gifts and banquets, bid rigging,
  relatives' and friends' companies, moonlighting, misuse of funds, abuse of office, favours,
  retaliation …, in Chinese, English and the traditional forms the normaliser folds), plus
  patterns for what single words miss: taking money (收了我们两万块, 一次收三万), a relative's
  or friend's company (他小舅子开的公司, 家属控股的), favours to one's own (把名额给了他自己的亲戚),
  being treated (请了…领导吃饭), private expenses on public money (拿去报销私人吃喝), and the
  categories of the disciplinary rules that words alone cover thinly: funds withheld or pocketed
  (截留, 进了自己口袋), fraud and falsified figures (骗补贴, 数据是做出来的), places sold (名额拿出去卖),
  purchases far below the price (三折买房), conflicts of interest and one-man rule (自己批给自己,
  一个人就拍板, 绕过集体决策), promotions out of turn, leaks, threats of retaliation;
* *target* — how identifiable the accused is: a named person (王科长, 周某, 姓陈的, 老王,
  Director Zhang) or unit (XX有限公司, 某平台公司, a trade name: 鑫泰置业) is certain (1.0) or nearly
  (0.7 for a trade name without 公司); a role in a unit (建管中心的领导, 有位科长, 负责审核的同志,
  副主任, 管招商的那个处) or a unit with "someone" (管委会有人) is nearly so (0.8); officials in general
  (干部, 领导, officials) are vague (0.5) and "some officials" (有的干部) vaguer still (0.3). The
  writer's own role (我是一家施工单位的负责人) is no target, and "不知道是谁" makes any target vague.
  Dealings with the writer (向我们索要, 让我们准备购物卡, asked us for) and a first-hand report verb
  (举报, 检举, 控告, 实名反映) make the accused identifiable from the writer's own case.

The message is an accusation when target × wrongdoing ≥ :data:`THRESHOLD`. A message that only
proposes or asks something about officials in general ("建议加大对干部收受礼金问题的查处力度",
"有的干部收钱办事的风气要刹住") has its vague target halved: it complains of graft but accuses no
one. Sealing is costly when wrong but a missed accusation reaches the accused department, so the
weights lean towards recall.

All functions take text already passed through :func:`classifier.textnorm.normalise`, except
where they say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.rules.accusation_patterns import MISDEED_PATTERNS
from classifier.rules.accusation_terms import (
    BARE_TITLES,
    COMPANY_INDUSTRIES,
    COMPANY_NAME_BREAK,
    GENERIC_COMPANY_WORDS,
    HAN,
    INDUSTRIES,
    PINYIN_SURNAMES,
    ROLES,
    SURNAME,
    SURNAMES,
    TITLES,
    TRADE_NAME_CHARS,
    UNITS,
    WRONGDOING,
)
from classifier.textnorm import TermMatcher, parse_weighted

THRESHOLD = 2.0

# (pattern, weight): how surely the pattern names someone identifiable.
_TARGETS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"{SURNAME}某某?"), 1.0),  # 周某, 刘某某
    (re.compile(rf"姓{SURNAME}"), 1.0),  # 一位姓陈的同志, 姓胡额科长
    (re.compile(rf"{SURNAME}姓"), 1.0),  # 赵姓副处长
    (re.compile(rf"{SURNAME}(?:{TITLES})"), 1.0),  # 王科长, 陈经理
    # 老王, 小李 (not 老师, 小时, 小区 …)
    (re.compile(rf"(?:老(?![师实是家大人板早])|小(?![时于康区学心吃孩组金朋姐伙]))(?:{SURNAME})"), 0.8),
    (re.compile(rf"某(?:某|{HAN}{{0,4}}(?:{UNITS}))"), 1.0),  # 某某, 某平台公司, 某服务中心, 某处室
    (re.compile(rf"某位?(?:分管)?(?:{ROLES})"), 1.0),  # 某主任, 某位领导
    (re.compile(rf"{HAN}{{2,12}}(?:有限责任公司|有限公司|股份公司|集团)"), 1.0),
    # A quoted name that looks like a company, or any quoted name after a role word.
    (re.compile(r"[“\"「'‘][^”\"」'’]{2,15}(?:公司|科技|置业|物业|发展|人力资源|咨询|集团|商业中心|物流园|"
                r"园林|管理|贸易|实业|地产|传播|智联|会所)[”\"」'’]"), 1.0),
    (re.compile(r"(?:承建方|运营方|开发商|认养企业|中标单位|供应商|承包商|公司|企业|老板)"
                r"[“\"「][^”\"」]{2,15}[”\"」]"), 1.0),
    # A trade name before an industry word: 鑫泰置业, 宏数智能, 华信公司, 虹祥平台公司; with 公司 or 集团
    # after it, a company's full name (not 我们公司, 航空公司, 信息平台: no trade name).
    (re.compile(rf"(?<![某家个些类的种我们拉本])(?:[{TRADE_NAME_CHARS}]{HAN}|{HAN}[{TRADE_NAME_CHARS}])"
                rf"(?:{COMPANY_INDUSTRIES})?(?:公司|集团)"), 1.0),
    (re.compile(rf"(?<![某家个些类的种我们拉本])(?:[{TRADE_NAME_CHARS}]{HAN}|{HAN}[{TRADE_NAME_CHARS}])"
                rf"(?:{INDUSTRIES})"), 0.7),
    # People of a named unit: 服务中心的人, 规划科里的几个人.
    (re.compile(rf"{HAN}{{1,8}}(?:中心|处|科|室|办|部门|局|站|所)(?:的|里的|里)(?:人|几个人)"), 0.7),
    (re.compile(r"(?:那|这|该)(?:个|位|名)?(?:家|个)?(?:公司|企业|开发商|物业|单位|中心)"), 0.7),
    (re.compile(r"(?:中标|承建|认养|运营|施工|代建)的?(?:单位|企业|公司|方|商)"), 0.7),
    # A role inside a named unit is identifiable too: 规划处一位副处长, 建管中心的领导, 公司负责人.
    (re.compile(rf"{HAN}{{1,8}}(?:{UNITS})(?:的|额|个)?(?:一位|一名|某位|这位|那位|那个|这个|某)?"
                rf"(?:{ROLES})"), 0.8),
    (re.compile(rf"负责{HAN}{{1,10}}的(?:一位|一名|某位)?(?:{ROLES})"), 0.8),
    # Someone known by what they do: 管招商的那个处, 规划审批的人, 负责验收的那几个人.
    (re.compile(rf"(?:(?:管(?!委会)|负责|分管|主管){HAN}{{1,8}}|{HAN}{{0,6}}(?:审批|审核|验收|评审|招标|采购|经办|监管|执法))"
                rf"的(?:那个|那位|这个|这位|那几个)?(?:人|处|科|部门|领导|同志|干部|工作人员)"), 0.8),
    (re.compile(r"经办人|承办人|审批人|审核人|分管领导|一把手|主要领导|负责人|法人|法定代表人|评委|"
                r"评标专家"), 0.8),
    (re.compile(rf"(?:有位|有个|有一位|有名|一位|一名|那个|这个|那位|这位|该)(?:姓{SURNAME}的?)?{HAN}{{0,4}}"
                rf"(?:{BARE_TITLES}|领导|干部|经理|工作人员|员工|职工|科员)"), 0.8),
    # A bare title not in the plural (主任的儿媳妇, 副主任同学): a particular holder of the post.
    (re.compile(rf"(?<![们些某姓{SURNAMES}])(?:{BARE_TITLES})(?![们])"), 0.8),
    # A unit with someone in it: 管委会有人, 招商部门有人, 规划科里有个.
    (re.compile(rf"(?!内部)(?:管委会|{HAN}{{1,6}}(?:{UNITS}))(?:里|里面|内部)?"
                r"(?:有人|有个人|有几个人|几个人|那几个人)"), 0.8),
    (re.compile(r"某[\u4e00-\u9fff]{1,4}的"), 0.7),  # 某街镇的…, 某项目的…
    # Someone known by what they did (验收签字的那位, 经手的那个人), or asked after as if the writer
    # knows (签字的是谁, 是哪位领导, 哪个科的): the records name them.
    (re.compile(rf"{HAN}{{1,10}}的(?:那位|这位|那个人|这个人|那几位|那几个人|那帮人)"), 0.8),
    (re.compile(r"(?:经办|经手|签字|审批|负责|分管|主管|牵头|批)(?:的|人)?(?:是谁|是哪位|是哪个)|"
                r"哪位领导|哪个领导|哪个科|哪个处|谁签的"), 0.7),
    # Posts outside the committee that name one holder: 园长, 村支书, 辅警, 人事经理, 房东.
    (re.compile(r"(?<![们些])(?:园长|校长|班主任|老师|村支书|支书|村主任|组织委员|宣传委员|辅警|协警|城管队员|"
                r"保安|网格员|房东|人事经理|项目经理|物业经理)(?![们])"), 0.7),
    (re.compile(r"开发商|承建方|施工方|供应商|承包商|中标方"), 0.7),
    # The boss of a named shop, mall or school: 宝汇商场老板, 那家酒店的经理.
    (re.compile(rf"{HAN}{{2,6}}(?:商场|酒店|餐厅|饭店|驾校|医院|学校|幼儿园|超市|会所)的?(?:老板|老总|经理|负责人|院长|校长|园长)"),
     0.8),
    # The writer's own relatives (我前夫在单位…), and the boss of a firm already spoken of (伊拉老板).
    (re.compile(r"(?:我|他|她)(?:的)?(?:前夫|前妻|丈夫|老公|老婆|妻子|爱人|弟弟|哥哥|姐夫|妹夫|亲戚)"), 0.8),
    (re.compile(r"(?:他们|她们|伊拉|那家|这家|他家)(?:的|额)?(?:老板|老总|经理)"), 0.8),
    (re.compile(r"(?<![a-z])(?:my|our|the) (?:landlord|employer|boss|principal|headmaster|teacher|supervisor|"
                r"contractor|developer|property manager)(?![a-z])"), 0.8),
    (re.compile(rf"(?<![a-z])(?:mr|mrs|ms|miss|dr|director|manager|chief|officer|head|secretary|deputy|"
                rf"boss|chairman|section chief|party secretary)\.? (?:{PINYIN_SURNAMES})(?![a-z])"), 1.0),
    (re.compile(rf"(?<![a-z])(?:{PINYIN_SURNAMES})(?:'s)? (?:from|of|in|at) the [a-z]+ "
                r"(?:office|division|department|bureau|section|centre|center)"), 1.0),
    (re.compile(r"(?<![a-z])(?:the|a|an|one|our) (?:[a-z]+ ){0,2}(?:officer|official|director|manager|"
                r"chief|clerk|head|inspector|deputy director|section chief|leader)(?![a-z])"), 0.8),
    (re.compile(r"(?<![a-z])(?:someone|somebody|a person|people|staff) (?:in|at|from) (?:the )?"
                r"[a-z' ]{0,30}(?:office|division|department|bureau|committee|centre|center)"), 0.8),
    (re.compile(r"(?<![a-z])(?:co\.?,? ?ltd|ltd|inc|company named|llc)(?![a-z])"), 0.8),
    # Officials in general: vague, but a concrete misdeed said of them is still worth a look.
    (re.compile(r"干部|领导|工作人员|公职人员|公务员|官员|当官的|管委会|(?<![a-z])(?:officials?|staff|"
                r"civil servants?|the committee)(?![a-z])"), 0.5),
)
_VAGUE_TARGET = 0.5
# A company by its own name (信达恒供应链公司, 南虹开发公司) or by a named building (金桥汇大厦的物业公司):
# the words before 公司, cut at the last particle or pronoun, still hold a name once generic words go.
_COMPANY_WORDS = re.compile(rf"({HAN}{{1,6}})(?:有限责任公司|有限公司|公司|集团)")
_BUILDING_COMPANY = re.compile(
    rf"({HAN}{{1,6}})(?:大厦|大楼|广场|天地|园区|中心|小区|楼盘)的(?:{GENERIC_COMPANY_WORDS})*(?:公司|集团)"
)
_GENERIC_COMPANY = re.compile(GENERIC_COMPANY_WORDS)
_NAMED_COMPANY = 0.9
# "Some officials", "hear that an official …": a generality, not someone.
_SOME = re.compile(r"有的|有些|一些|个别|部分|某些|少数|不少|很多|好多|听说有|别的地方|其他地方|外地|"
                   r"(?<![a-z])(?:some|many|certain) (?:officials|cadres|staff)")
# "I am a … of …": the writer's own role and unit.
_SELF_INTRODUCTION = re.compile(
    r"(?:我是|本人是|我作为|作为|我们是|阿拉是)[^。，,；;！!？?]{0,20}?(?:负责人|工作人员|干部|员工|职工|经理|书记|"
    r"党员|技术人员|财务|会计|老板|一员|居民|业主|企业|公司|单位|机构)|"
    r"(?<![a-z])(?:i am|i'm|we are|as) (?:a|an|the) [a-z' ]{0,30}?(?:manager|officer|official|staff|employee|"
    r"owner|company|firm)(?![a-z])"
)
# The writer says they cannot tell who it is: whoever it is, the message does not identify them.
_UNKNOWN = re.compile(r"不知道是谁|不清楚是谁|不知是谁|不晓得是谁|不知道具体是谁|不知道叫什么|"
                      r"(?<![a-z])(?:don't|do not) know who")
# The writer's own dealings with the accused: whoever 向我们索要 is identifiable from the case.
_DEALINGS = re.compile(
    r"(?:向|找|让|叫|逼|要求|暗示|跟|和|给)(?:我们|我|本人|我司|我公司|我们公司)|(?:收了|拿了|要了|收)(?:我们|我)|"
    r"我们(?:公司)?(?:给|送|被)|(?<![a-z])(?:asked|told|forced|made) (?:us|me)|from (?:us|me)(?![a-z])"
)
_DEALINGS_WEIGHT = 0.8
# First-hand report verbs: the writer accuses someone they could name.
_REPORT = TermMatcher(parse_weighted(
    "举报:1 实名举报:1.5 实名反映:1.5 实名:1 检举:1 控告:1 揭发:1 揭露:1 状告:1 告发:1 "
    "i_want_to_report:1 report_that:1 whistleblow*:1"
))
_REPORT_TARGET = 1.0
# A case the news has reported (新闻里那个…被查的事, 看到通报说…): asked about, not reported.
_NEWS = re.compile(
    r"新闻|报道说|报道里|媒体上|看到通报|通报了|被查的事|判了没有|(?<![a-z])(?:in the news|news report)"
)
# Asking how to report, or saying one is not reporting anyone, is no report (举报网站是哪个, 不是要举报谁).
_NO_REPORT = re.compile(
    r"实名(?:表扬|感谢|点赞)|(?:不是|不涉及|没有|并非|无意|不想|不敢)(?:要|想)?(?:举报|检举|控告)|(?:举报|检举|控告)(?:网站|电话|渠道|方式|途径|"
    r"邮箱|热线|入口|了有用|有用)|(?:怎么|如何|去哪|到哪|向哪|哪里|在哪|向谁|找谁)(?:里)?(?:可以)?(?:举报|检举|控告)|"
    r"(?:举报|检举|控告)(?:了)?(?:会不会|的话|以后会)|"
    # Wanting to report but asking first: 我想举报，但不知道…, 想举报…应该找公安还是金融局, 算不算不作为.
    r"想(?:要)?(?:实名)?(?:举报|检举|控告)[,，]?(?:但|可是|不过|又)|"
    r"(?:举报|检举|控告)[^。？?]{0,16}(?:应该找|该找|找哪|还是找|算不算)"
)
# Proposals and questions about officials in general halve a vague target.
_GENERAL_FRAMING = re.compile(
    r"建议|希望|应该|应当|要加强|加大|力度|风气|杜绝|防止|严禁|不得|不能|不准|禁止|制度|机制|规定|教育|"
    r"是否|能否|有没有|怎么|如何|[?？]|(?<![a-z])(?:should|must|suggest|how)(?![a-z])"
)


_WRONG = TermMatcher(parse_weighted(WRONGDOING))


@dataclass(frozen=True)
class AccusationCheck:
    """The verdict with its evidence: who is named, which wrongdoing was found, and the scores."""

    accusation: bool
    targets: tuple[str, ...]
    wrongdoing: tuple[str, ...]
    target_score: float = 0.0
    wrongdoing_score: float = 0.0
    unidentified: bool = False  # the writer says they do not know who it is (不知道是谁)


def wrongdoing_evidence(text: str) -> tuple[list[str], float]:
    """The wrongdoing terms and patterns found in the (normalised) text, and their summed weight."""
    found = list(dict.fromkeys(_WRONG.find(text)))
    weight = sum(_WRONG.terms[w] for w in found)
    for pattern, pattern_weight in MISDEED_PATTERNS:
        match = pattern.search(text)
        if match:
            # Count only what the terms inside the match did not already count (收受红包 is one
            # misdeed, not 收受 + 红包 + a pattern).
            inside = sum(_WRONG.terms[w] for w in dict.fromkeys(_WRONG.find(match.group(0))))
            if pattern_weight > inside:
                found.append(match.group(0))
                weight += pattern_weight - inside
    return found, weight


def _company_names(text: str) -> list[str]:
    """Companies the text names: 信达恒供应链公司, 金桥汇大厦的物业公司 (not 我们公司, 一家物流公司)."""
    names = []
    for pattern in (_COMPANY_WORDS, _BUILDING_COMPANY):
        for match in pattern.finditer(text):
            words = match.group(1)
            if words[-1] in "开办":  # 在外面开公司, 办公司: a company, not its name
                continue
            start = max(words.rfind(c) for c in COMPANY_NAME_BREAK) + 1
            if len(_GENERIC_COMPANY.sub("", words[start:])) >= 2:
                names.append(match.group(0)[start:])
    return names


def target_evidence(text: str) -> tuple[list[str], float]:
    """Who the (normalised) text points at, and how identifiable the best of them is (0 … 1)."""
    targets: list[str] = []
    best = 0.0
    # The writer introducing themselves (我是一家施工单位的负责人) points at no one else.
    people = _SELF_INTRODUCTION.sub(lambda m: " " * len(m.group(0)), text)
    for pattern, weight in _TARGETS:
        for match in pattern.finditer(people):
            targets.append(match.group(0))
            best = max(best, weight)
    companies = _company_names(people)
    if companies:
        targets.extend(companies)
        best = max(best, _NAMED_COMPANY)
    if 0.0 < best <= _VAGUE_TARGET and _SOME.search(text):
        best = 0.3  # 有的干部, some officials: a generality
    if best > _VAGUE_TARGET and _UNKNOWN.search(text):
        best = _VAGUE_TARGET  # 管委会里有人…不知道是谁
    dealings = _DEALINGS.search(text)
    if dealings and best < _DEALINGS_WEIGHT:
        targets.append(dealings.group(0))
        best = _DEALINGS_WEIGHT
    return targets, best


def check_accusation(text: str) -> AccusationCheck:
    """Whether the (normalised) text accuses an identifiable person or unit of wrongdoing."""
    wrong, wrong_weight = wrongdoing_evidence(text)
    targets, target_weight = target_evidence(text)
    reports = list(dict.fromkeys(_REPORT.find(_NO_REPORT.sub(" ", text))))
    if reports:
        # "举报 X" names X as accused; the verb is evidence, and with a misdeed it makes the
        # accused identifiable to the writer even when the message does not name them.
        wrong = reports + wrong
        report_weight = max(_REPORT.terms[r] for r in reports)
        if wrong_weight > 0 or target_weight >= 0.7:
            target_weight = max(target_weight, _REPORT_TARGET)
        wrong_weight += 2.0 * report_weight
    elif target_weight <= _VAGUE_TARGET and _GENERAL_FRAMING.search(text):
        target_weight /= 2  # a proposal or a question about officials in general
    if _NEWS.search(text) and not _DEALINGS.search(text):
        target_weight = min(target_weight, _VAGUE_TARGET)  # a case already in the news, asked about
    accusation = target_weight * wrong_weight >= THRESHOLD and wrong_weight > 0
    return AccusationCheck(
        accusation,
        tuple(dict.fromkeys(targets)),
        tuple(wrong),
        round(target_weight, 2),
        round(wrong_weight, 2),
        bool(_UNKNOWN.search(text)),
    )
