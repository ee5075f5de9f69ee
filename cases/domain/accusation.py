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

All functions take text already passed through :func:`cases.domain.textnorm.normalise`, except
where they say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.domain.accusation_terms import (
    BARE_TITLES,
    COMPANY_INDUSTRIES,
    HAN,
    INDUSTRIES,
    PINYIN_SURNAMES,
    RELATIVES,
    ROLES,
    SURNAME,
    SURNAMES,
    TITLES,
    TRADE_NAME_CHARS,
    UNITS,
    WRONGDOING,
)
from cases.domain.textnorm import TermMatcher, parse_weighted

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
# Proposals and questions about officials in general halve a vague target.
_GENERAL_FRAMING = re.compile(
    r"建议|希望|应该|应当|要加强|加大|力度|风气|杜绝|防止|严禁|不得|不能|不准|禁止|制度|机制|规定|教育|"
    r"是否|能否|有没有|怎么|如何|[?？]|(?<![a-z])(?:should|must|suggest|how)(?![a-z])"
)

# Taking money, however phrased: 收了我们两万块, 收取…服务费, 拿了五千元, 一次收三万, 拿了…好处.
_TAKING_MONEY = re.compile(
    r"(?:收了|收取|收过|拿了|拿过|要了|索要|收受|吃了|拿走|捞了)[^。，,；;]{0,10}"
    r"(?:钱|费|[万千百]块|[万千百]?元|好处|钞票|铜钿|红包|卡|烟|酒|礼|一套房|房子|车)|"
    r"(?:收|要|拿)[一二两三四五六七八九十几\d]+(?:[万千百]|块|元)|(?:收|拿)[^。，,；;]{0,8}送的|"
    # a cut of what was granted, handed back or held back: 补贴的一半返给他, 扣下了两成
    r"返(?:给|还给)?(?:他|她|他们|个人|经办人)|"
    r"扣(?:下|了|掉|留)了?[^。，,；;]{0,4}(?:[一二两三四五六七八九几\d]成|一部分|一半|钱|资金|补贴|工资)|"
    r"(?:顾问|兼职|挂职|董事|监事)(?:工资|薪水|报酬|津贴)"
)
# A relative's or friend's company or share: 他小舅子开的公司, 老婆开额公司, 家属控股的.
_RELATIVES_BUSINESS = re.compile(
    rf"(?:{RELATIVES})[^。，,；;]{{0,6}}(?:开的|开额|办的|经营的|控股|持股|入股|名下|当法人|是法人|是股东|"
    rf"的公司|额公司|的企业|公司|承包|承接|包了|拿下|拿到|中标)|(?:公司|企业)[^。，,；;]{{0,10}}(?:法人|老板|股东|负责人)[^。，,；;]{{0,4}}是"
    rf"[^。，,；;]{{0,8}}(?:{RELATIVES})|"
    r"(?<![a-z])(?:his|her|their) (?:son|daughter|wife|husband|brother|sister|cousin|nephew|relative|"
    r"friend|in-law)s?(?:'s)?[a-z' ]{0,30}(?:company|firm|business)|"
    r"(?<![a-z])(?:son|daughter|wife|husband|brother|sister|cousin|nephew|relative|friend)'s "
    r"(?:company|firm|business)|(?:son|daughter|wife|husband|brother|cousin|relative)s? (?:runs|owns)"
)
# Favours to one's own: 把名额给了他自己的亲戚, 分给不符合条件的朋友, 把侄子招了进来.
_FAVOURS = re.compile(
    rf"(?:给了|给|分给|安排给|安排|招了|塞给|留给|批给|介绍给|交给|包给|低价租给|租给|卖给)[^。，,；;]{{0,8}}"
    rf"(?:{RELATIVES})|(?:{RELATIVES})[^。，,；;]{{0,4}}(?:招了进来|招进来|安排进|塞进)"
)
# Being treated: 开发商请了…领导吃饭, 请…喝酒.
_TREATED = re.compile(r"请了?[^。，,；;]{0,12}(?:吃饭|喝酒|吃喝|唱歌|洗脚|按摩|打球|旅游|打牌|高尔夫|钓鱼|"
                      r"洗浴|桑拿|足浴|温泉|度假|出国|ktv)|安排(?:吃饭|吃喝|饭局|宴请|旅游|住宿|娱乐)|"
                      r"送(?:了|过)?(?:不少|一笔|很多|好多|大笔|[一二两三四五六七八九十几\d]+[万千百]?(?:块|元)?)?的?"
                      r"(?:钱|红包|购物卡|礼品|礼金|烟|酒)|"
                      r"(?:吃了|喝了)[^。，,；;]{0,8}(?:饭|酒|顿)")
# Public money for private use: 拿去报销私人吃喝, 用公款…, 经费…吃饭.
_PRIVATE_USE = re.compile(
    r"(?:拿去|用来|用于|挪去|挪作)[^。，,；;]{0,6}(?:报销|吃喝|吃饭|私用|自己|家里|个人)|"
    r"(?:经费|资金|补贴|公款|公车)[^。，,；;]{0,10}(?:吃饭|吃喝|旅游|私用|家用|送人|开回家|自己用)|"
    r"报销[^。，,；;]{0,4}(?:私人|个人|家里|自己)|"
    r"(?:单位|公家|公)的?(?:车|钱|卡|经费|油卡)[^。，,；;]{0,10}(?:接送|私用|家用|自己|孩子|老婆|家人|旅游|回家|买菜)"
)
# A company close to an official: 老板跟管委会李处长是同学, 搞定了管委会的关系, 借认养的名义.
_CLOSENESS = re.compile(
    r"(?:老板|老总|公司|企业|开发商|中标|承建)[^。，,；;]{0,12}(?:跟|和|与)[^。，,；;]{0,12}"
    r"(?:是同学|是亲戚|是老乡|是战友|关系|很熟|称兄道弟|走得[很太]?近)|"
    r"借[^。，,；;]{0,10}(?:名义|关系|机会)"
)
# Fixing it with officials: 搞定了管委会的关系, 打通了关系.
_FIXING = re.compile(r"(?:搞定|打通|摆平|疏通)了?[^。，,；;]{0,8}(?:关系|领导|门路)")
# Moonlighting: 上班时间在外面给企业做…, 在外面接活.
_MOONLIGHTING = re.compile(
    r"(?:在外面?|私下|业余|周末|下班后?)[^。，,；;]{0,6}(?:给|帮|替|为)?[^。，,；;]{0,6}"
    r"(?:企业|公司|老板)?[^。，,；;]{0,4}(?:做|当|兼|接|办|开)[^。，,；;]{0,6}(?:赚钱|拿钱|收费|代理|顾问|生意|业务|公司|活)"
)
# Public money or goods kept back or pocketed: 钱都进了自己口袋, 补贴被截留.
_POCKETED = re.compile(r"(?:进|装进|揣进|塞进|流进|落进|放进)了?[^。，,；;]{0,4}(?:自己|个人|私人|他|她)?的?"
                       r"(?:口袋|腰包|账户|账上)")
# Fraud and falsified figures: 骗补贴, 骗政府, 数据是做出来的, 入住率是假的.
_FRAUD = re.compile(
    r"骗(?:取|补|政府|国家|资金|补贴|奖励|钱|贷|保)|署(?:上|了)?自己的?名字|打着[^。，,；;]{0,12}(?:旗号|名义|幌子)|"
    r"(?:数据|数字|报告|材料|业绩|营收|台账|入住率|出租率|考核)[^。，,；;]{0,10}"
    r"(?:是假的|假的|做出来的|编的|编出来|造出来|虚的|注水|凑的)|"
    r"(?<![a-z])(?:compan(?:y|ies)|firm) that (?:doesn't|does not|don't|do not) (?:even )?exist"
)
# Positions, quotas and places sold or bought: 名额被拿出去卖, 花钱买的编制.
_SELLING = re.compile(
    r"(?:名额|指标|编制|岗位|职位|资格|位置|官位)[^。，,；;]{0,12}(?:卖|倒卖|花钱买|买来|买的)|"
    r"(?:卖|倒卖|买卖|花钱买)[^。，,；;]{0,4}(?:名额|指标|编制|岗位|职位|资格|官)"
)
# Buying from those one oversees far below the price: 三折的价格买了开发商的房子.
_CHEAP_PURCHASE = re.compile(
    r"(?:[一二三四五六七八九\d]折|半价|白菜价|超低价|低价|内部价)[^。，,；;]{0,8}(?:买|购|拿|租)"
)
# Conflicts of interest and one-man rule: 自己批给自己, 挂顾问, 一个人就拍板, 绕过集体决策, 刻了章.
_SELF_DEALING = re.compile(
    r"自己(?:批|审|定|签|评)[^。，,；;]{0,3}给?自己|兼职[^。，,；;]{0,6}(?:拿|领|收|赚)|"
    r"挂(?:了)?(?:个)?(?:顾问|董事|监事|股东|法人)|一个人(?:就)?(?:拍板|说了算|定了|决定)|"
    r"(?:绕过|绕开|跳过|避开)[^。，,；;]{0,8}(?:集体|党组|会议|程序|审批|招标)|(?:私|自己|偷偷|擅自|私自)刻(?:了)?[^。，,；;]{0,3}章"
)
# Promotions, hiring and awards out of turn: 年限都不够就提了, 面试第一的被刷了, 最后进的是处长的外甥.
_OUT_OF_TURN = re.compile(
    rf"(?:不够|不符合|不达标|没达到|没资格)[^。，,；;]{{0,6}}(?:就|也|还|照样)(?:被)?(?:提拔|提了|升了|晋升|进了|录了|"
    rf"录用|评上|选上|入选|批了)|"
    rf"(?:第一|最高)[^。，,；;]{{0,6}}(?:被刷|没录|落选|被拿掉)|"
    rf"(?:进|录|招|提拔|中标|拿到|分到|批给|评上)[^。，,；;]{{0,10}}(?:{TITLES}|领导|干部)的(?:{RELATIVES})"
)
# Leaning on officials: 打过招呼的, 跟监管科的人有交情, 私下跟企业收辅导费.
_LEANING = re.compile(
    r"打(?:了|过|个)?招呼|(?:跟|和|与)[^。，,；;]{0,10}(?:有交情|关系好|关系不错|是熟人|走得近|是亲戚|是同学|"
    r"是老乡|是战友|沾亲带故)|(?:[一二三四五六七八九]{2}|私下|暗中)分成|分赃|"
    r"私下[^。，,；;]{0,8}(?:收|要|拿|卖|租)"
)
# Retaliation threatened to keep people quiet: 说出去就别想续约.
_THREAT = re.compile(
    r"(?:说出去|讲出去|告出去|举报|投诉|不配合)[^。，,；;]{0,4}(?:就|就会)?(?:别想|休想|开除|辞退|不续|穿小鞋|报复|卡)|"
    r"不(?:安排|给钱|送礼|送钱|请客|表示|打点)[^。，,；;]{0,2}就"
)
# Exam questions, reserve prices and bids passed on beforehand: 把考试题目提前给了他亲戚.
_LEAK = re.compile(r"(?:题目|试题|考题|标底|底价|评分标准|内部资料|报价)[^。，,；;]{0,8}(?:提前|偷偷|私下)"
                   r"(?:给|透露|泄露|发给|告诉)|(?:提前|偷偷|私下)(?:给|透露|泄露|发给|告诉)了?[^。，,；;]{0,6}"
                   r"(?:题目|试题|考题|标底|底价|评分标准|报价)")
# Tenders settled before they open: 老早定好啥人中了, 事先定了, 陪绑.
_RIGGED = re.compile(
    r"(?:招标|投标|中标|评标|结果|名单|人选)[^。，,；;]{0,10}(?:早就|老早|提前|事先)(?:就)?定(?:好|了)|"
    r"(?:早就|老早|提前|事先)(?:就)?定(?:好|了)[^。，,；;]{0,6}(?:中标|谁中|啥人中|人选|名单)|陪绑"
)
# The same in English: uses her position, is also a director of a private agency.
_ENGLISH_ABUSE = re.compile(
    r"(?<![a-z])us(?:e|es|ed|ing) (?:his|her|their) (?:position|office|power|influence)|"
    r"(?<![a-z])(?:is|was) also (?:a|an|the) "
    r"(?:director|shareholder|partner|consultant|adviser|advisor|owner)|"
    r"(?<![a-z])(?:gave|paid|handed) (?:him|her|them) (?:money|cash|a bribe)"
)
_PATTERN_WEIGHTS = (
    (_TAKING_MONEY, 2.5),
    (_RELATIVES_BUSINESS, 2.5),
    (_FAVOURS, 2.0),
    (_TREATED, 2.0),
    (_PRIVATE_USE, 2.5),
    (_MOONLIGHTING, 2.0),
    (_CLOSENESS, 1.5),
    (_FIXING, 2.5),
    (_POCKETED, 3.0),
    (_FRAUD, 2.5),
    (_SELLING, 2.5),
    (_CHEAP_PURCHASE, 2.5),
    (_SELF_DEALING, 2.5),
    (_OUT_OF_TURN, 2.0),
    (_LEANING, 2.0),
    (_THREAT, 2.5),
    (_RIGGED, 2.0),
    (_LEAK, 2.5),
    (_ENGLISH_ABUSE, 2.5),
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


def wrongdoing_evidence(text: str) -> tuple[list[str], float]:
    """The wrongdoing terms and patterns found in the (normalised) text, and their summed weight."""
    found = list(dict.fromkeys(_WRONG.find(text)))
    weight = sum(_WRONG.terms[w] for w in found)
    for pattern, pattern_weight in _PATTERN_WEIGHTS:
        match = pattern.search(text)
        if match:
            # Count only what the terms inside the match did not already count (收受红包 is one
            # misdeed, not 收受 + 红包 + a pattern).
            inside = sum(_WRONG.terms[w] for w in dict.fromkeys(_WRONG.find(match.group(0))))
            if pattern_weight > inside:
                found.append(match.group(0))
                weight += pattern_weight - inside
    return found, weight


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
    reports = list(dict.fromkeys(_REPORT.find(text)))
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
    accusation = target_weight * wrong_weight >= THRESHOLD and wrong_weight > 0
    return AccusationCheck(
        accusation,
        tuple(dict.fromkeys(targets)),
        tuple(wrong),
        round(target_weight, 2),
        round(wrong_weight, 2),
    )
