"""Patterns of misconduct that single words miss, with how strongly each says "someone did wrong".

Data for :func:`classifier.rules.accusation.wrongdoing_evidence`: taking money however phrased, a
relative's company, favours to one's own, being treated, private use of public money, fraud and
falsified figures, places sold, one-man decisions, leaks, threats, rigged tenders, euphemisms in
quotation marks. Patterns run on text passed through :func:`classifier.textnorm.normalise`.
"""

from __future__ import annotations

import re

from classifier.rules.accusation_terms import RELATIVES, TITLES

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
    r"报(?:销|了)[^。，,；;]{0,4}(?:私人|个人|家里|自己)|"
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
    r"(?:数据|数字|报告|材料|业绩|营收|台账|入住率|出租率|空置率|考核|名单|报表|发票|合同|证明|签名|"
    r"记录|统计|面积|通报)[^。，,；;]{0,10}(?:是假的|假的|做出来的|编的|编出来|造出来|虚的|注水|凑的|做低|做高|"
    r"改过|被改)|(?:都是|全是|很多是|大多是|其实是)(?:编的|假的|做出来的|凑的)|"
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
    rf"(?:进|录|招|提拔|中标|拿到|分到|批给|评上)[^。，,；;]{{0,10}}(?:{TITLES}|领导|干部)的(?:{RELATIVES})|"
    rf"(?:{TITLES}|领导|干部)的(?:司机|秘书|{RELATIVES})[^。，,；;]{{0,6}}(?:住进|分到|拿到|评上|进了|中标|录取)"
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
    r"|(?<![a-z])(?:company|firm) where (?:his|her|their) "
)
# Innocent words in quotation marks, the writer's irony: a “考察” trip, “管理费”, a “捐款”.
_EUPHEMISM = re.compile(
    r"[“\"「‘'](?:考察|学习交流|学习|交流|调研|培训|慰问|捐款|赞助|顾问|合作|辛苦|感谢|意思|支持|调一下|处理一下|"
    r"[^”\"」’']{0,6}费)[”\"」’']"
)
# Companies paying officials' outings: 费用是几家企业摊的, 企业出的钱.
_PAID_BY_FIRMS = re.compile(
    r"(?:费用|开销|钱|账|单)[^。，,；;]{0,6}(?:企业|公司|老板|开发商)[^。，,；;]{0,4}(?:摊|出|付|买单|报|承担)|"
    r"(?:企业|公司|老板|开发商)[^。，,；;]{0,4}(?:买单|报销|出钱|掏钱)"
)
# English euphemisms in quotation marks: 'takes care of', "showed some appreciation", "assist".
_ENGLISH_EUPHEMISM = re.compile(r"['\"‘“](?:[a-z]+ ){0,3}[a-z]+['\"’”]")
# Complainants' names or papers handed to the people they complained of: 把提意见的人的名单给了物业.
_INFORMER_LEAK = re.compile(
    r"(?:投诉|反映|举报|提意见|反对)[^。，,；;]{0,8}(?:名单|信息|电话|身份|材料)[^。，,；;]{0,4}(?:给了|透露给|泄露给|交给|转给)"
)
# Wealth a salary does not explain: 那辆车是谁送的, 工资买得起吗, 家里换了套大房子.
_UNEXPLAINED_WEALTH = re.compile(
    r"(?:工资|收入)[^。，,；;]{0,6}(?:买得起|养得起|哪来)|(?:哪来|哪里来)的钱|是谁送的|谁送的|"
    r"换了(?:一)?(?:套|辆)(?:大)?(?:房子|房|豪车|车)|开(?:[一二三四五六七八九十几\d]+万的车|豪车)"
)
# One person deciding what a collective must: 一个电话就定了, 哪家中标他说了算.
_ONE_MAN = re.compile(r"(?:一个电话|一句话|一个人)就(?:定了|批了|办了|拍板|签了)|(?:他|她)(?:一个人)?说了算")
# Hunting the complainant: 到处打听是谁反映的, 转回到他本人手里, 打电话来问我是谁.
_HUNTING_THE_WRITER = re.compile(
    r"打听[^。，,；;]{0,8}(?:是谁|谁)[^。，,；;]{0,6}(?:反映|举报|投诉|告)|问我是谁|"
    r"转(?:回|到)[^。，,；;]{0,6}(?:他|她)(?:本人)?(?:手里|手上)"
)
MISDEED_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
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
    (_EUPHEMISM, 2.0),
    (_PAID_BY_FIRMS, 2.5),
    (_INFORMER_LEAK, 2.5),
    (_ENGLISH_EUPHEMISM, 1.0),
    (_UNEXPLAINED_WEALTH, 2.0),
    (_ONE_MAN, 2.0),
    (_HUNTING_THE_WRITER, 2.5),
)
